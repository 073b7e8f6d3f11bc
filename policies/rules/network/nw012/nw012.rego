# METADATA
# title: Pod network override names a network of the mesh
# description: |
#   A pod labelled topology.istio.io/network leaves its cluster's default
#   network for the one the label names. That network must exist in the
#   mesh: be some cluster's network (install values or system namespace
#   label), have a network gateway, or be declared in meshNetworks. A name
#   that exists nowhere (often a typo) puts the pod alone on a network no
#   gateway serves, so callers elsewhere are sent its unreachable pod IP, and
#   its own calls are routed as if it were elsewhere. Checked only when the
#   pod's mesh has several clusters and every one of them has a known
#   network, so that the mesh's networks are all in view. In an ambient
#   cluster only gateways and pods of namespaces with sidecar injection on
#   are checked: an ambient workload's label is not read.
# custom:
#   code: NW012
#   severity: warning
#   dimensions: [network]
#   scope: fleet
#   referee:
#     note: |
#       Observable, not yet refereed: istiod takes a pod's network from its
#       topology.istio.io/network label first, so a typo puts its endpoints on a
#       network with no gateway. The rule's fixture links no clusters, too
#       little for the referee to show it.
#   istio:
#     component: >-
#       istiod (endpoint network)
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/controller.go
#       Controller.Network (a pod's topology.istio.io/network label comes
#       first); pkg/kube/inject/inject.go extractClusterAndNetwork (the
#       injector keeps the pod's label); pilot/pkg/xds/endpoints/ep_filters.go
#       EndpointsByNetworkFilter (a network without a gateway gets pod IPs)
#     versions: >-
#       every release with topology.istio.io/network; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar; in an ambient cluster only for gateways and pods of
#       namespaces with sidecar injection on (istiod takes an ambient
#       workload's network from the system namespace,
#       pilot/pkg/serviceregistry/ambient/networks.go)
#   remediation: |
#     Fix the pod's topology.istio.io/network label to name an existing
#     network, or install a network gateway for the new network.
package meshcheck.rules.network.nw012

import data.meshcheck.lib.mesh
import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s %s/%s in %s is labelled topology.istio.io/network=%q, a network that no cluster, gateway or meshNetworks of its mesh declares (networks: %s)",
		[w.kind, w.namespace, w.name, name, w.network.value, concat(", ", sort(known))],
	),
	"at": w.network.source,
}) if {
	some mesh in input.meshes
	count(mesh.clusters) > 1
	every m in mesh.clusters {
		network.network_of(input.clusters[m])
	}
	known := known_networks(mesh)
	some name in mesh.clusters
	some w in input.clusters[name].workloads
	w.network
	not w.network.value in known
	label_read(input.clusters[name], w)
}

# label_read(c, w): istiod places w by its network label. In sidecar mode
# it always does (Controller.Network); in an ambient cluster only for
# proxies, a gateway or a pod of a namespace with sidecar injection on:
# istiod's ambient index takes an ambient workload's network from the
# system namespace and ignores the pod label
# (pilot/pkg/serviceregistry/ambient/networks.go). A pod's own injection
# label is not read: a rule reading workloads' labels would be re-evaluated
# by the webhook on every label change of any object.
label_read(c, _) if not mesh.ambient(c)

label_read(_, w) if w.gateway

label_read(c, w) if injects(c.namespaces[w.namespace])

injects(ns) if ns.injection.value == "enabled"

injects(ns) if ns.revision

known_networks(mesh) := (network.mesh_networks(mesh) | {n |
	some m in mesh.clusters
	some g in input.clusters[m].network_gateways
	n := g.network.value
}) | {n |
	some m in mesh.clusters
	some cp in input.clusters[m].control_planes
	some n, _ in network.mesh_networks_of(cp)
}
