# METADATA
# title: System namespace carries the network label in a multi-network mesh
# description: |
#   In a mesh that spans several networks, istiod gives an endpoint the
#   network of its pod's topology.istio.io/network label, else the label of
#   the cluster's system namespace, else meshNetworks (Controller.Network in
#   pilot/pkg/serviceregistry/kube/controller). In sidecar mode the injector
#   labels every injected pod (and injected gateways) with the network, so
#   only pods without a sidecar fall back to the namespace label: without it
#   their endpoints have no network, which istiod treats as any network
#   (Proxy.InNetwork, identifier.IsSameOrEmpty), and peers on other networks
#   are sent those pod IPs directly. That needs workloads outside the mesh
#   that the files do not show, and meshes without the label run fine (the
#   Sail e2e multicluster tests, Kiali's multicluster setup; sail-operator
#   PR 1216 dropped the label; istio/istio#30376: the default network
#   "should only be used to configure uninjected pods"): info in sidecar
#   mode. In ambient mode no injector labels the
#   pods, so every workload's network comes from the namespace label, and
#   without it cross-network traffic fails (an error). Fires only when the
#   files show the system Namespace object without the label and the
#   cluster's network is known; a Namespace that is not in the files is
#   unknown, not unlabelled. Single-network meshes need no label. Clusters
#   served by an external control plane are exempt: the external control
#   plane guide pins each remote's network in its injection URL and on its
#   east-west gateway and never labels the namespace.
# custom:
#   code: NW002
#   severity: error
#   dimensions: [network]
#   scope: fleet
#   referee:
#     fleets:
#       - testdata/mistakes/03-namespace-network-label-missing
#     note: |
#       istiod discovers the injected sample pods on the network of their pod
#       label, so a missing namespace label changes nothing the referee sees in
#       sidecar mode (an info there); ambient workloads, which take the
#       namespace's network, are not refereed.
#   istio:
#     component: >-
#       istiod (endpoint network)
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/controller.go
#       Controller.Network (injected pods carry the network label; only pods
#       without a sidecar fall back to the namespace label);
#       pilot/pkg/xds/endpoints/ep_filters.go
#       EndpointBuilder.EndpointsByNetworkFilter; ambient:
#       pilot/pkg/serviceregistry/ambient/networks.go
#       buildGlobalNetworkCollections (a cluster's workloads take the system
#       namespace's label, empty without it) and workloads.go
#       MergedGlobalWorkloadsCollection
#     versions: >-
#       sidecar: every release with topology.istio.io/network; ambient:
#       ambient multicluster is alpha in the pinned version
#       (pilot/pkg/features/ambient.go: AMBIENT_ENABLE_MULTI_NETWORK defaults
#       to false, "alpha features like ambient multi-network"); no release
#       number claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (info: only pods without a sidecar fall back to the label) and
#       ambient (error)
#   remediation: |
#     Label the system namespace with the cluster's network:
#     kubectl label namespace <system namespace> topology.istio.io/network=<network>
package meshcheck.rules.network.nw002

import data.meshcheck.lib.fleet
import data.meshcheck.lib.mesh
import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s is on network %q of a mesh spanning networks %s, but its system namespace %s has no topology.istio.io/network label",
		[name, c.network.value, concat(", ", sort(network.mesh_networks(mesh))), ns.name],
	),
	"at": ns.source,
	"related": [c.network.source],
	"fix": sprintf(
		"In cluster %s: kubectl label namespace %s topology.istio.io/network=%s",
		[name, ns.name, c.network.value],
	),
	"severity": severity(c),
}) if {
	some mesh in input.meshes
	network.multi_network(mesh)
	some name in mesh.clusters
	c := input.clusters[name]
	c.network
	c.role != "external"
	not network.served_by_external(c)
	ns := fleet.system_namespace(c)
	not ns.network
}

# severity is an error where every workload takes its network from the
# namespace (ambient), info where only pods without a sidecar do.
severity(c) := "error" if mesh.ambient(c)

else := "info"
