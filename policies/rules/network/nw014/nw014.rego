# METADATA
# title: meshNetworks agrees with the namespace network labels
# description: |
#   istiod puts an endpoint on the network of its pod's
#   topology.istio.io/network label, else of its cluster's system namespace
#   label, and only then on the network meshNetworks assigns to its registry
#   (Controller.Network in pilot/pkg/serviceregistry/kube/controller), while
#   the gateways meshNetworks lists are filed under meshNetworks' network
#   name. When the namespace label and meshNetworks disagree, the cluster's
#   endpoints sit on the label's network and its meshNetworks gateways on
#   the other one: peers find no gateway for the endpoints' network and are
#   sent pod IPs they cannot reach. The registry is matched to the fleet's
#   cluster with that cluster ID (one and only one, in the same mesh).
# custom:
#   code: NW014
#   severity: warning
#   dimensions: [network]
#   scope: fleet
#   referee:
#     note: |
#       Observable, not yet refereed: meshNetworks and the namespace label give
#       two networks for one registry, and istiod's gateways follow
#       meshNetworks. The rule's fixture does not link its clusters with remote
#       secrets, so the referee's breakage there is not this rule's.
#   istio:
#     component: >-
#       istiod (endpoint network)
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/controller.go
#       Controller.Network (pod label, then the system namespace label, then
#       meshNetworks) and network.go networkManager.reloadMeshNetworks
#       (meshNetworks' registryServiceName gateways are filed under
#       meshNetworks' network); istio/api mesh/v1alpha1/network.proto
#     versions: >-
#       every release with meshNetworks; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar (ambient builds networks from namespace labels and Gateway API
#       gateways)
#   remediation: |
#     Make meshNetworks and the topology.istio.io/network label of the
#     registry's system namespace name the same network, or drop one of them.
package meshcheck.rules.network.nw014

import data.meshcheck.lib.fleet
import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s puts registry %q (cluster %s) in network %q, but %s's system namespace %s is labelled topology.istio.io/network=%q",
		[name, r, k, n, k, ns.name, ns.network.value],
	),
	"at": cp.mesh_networks.source,
	"related": [ns.network.source],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role != "remote"
	some n, spec in network.mesh_networks_of(cp)
	some r in network.registries(spec)
	ks := {k | some k in fleet.mesh_of(name).clusters; input.clusters[k].id.value == r}
	count(ks) == 1
	some k in ks
	ns := fleet.system_namespace(input.clusters[k])
	ns.network.value != n
}
