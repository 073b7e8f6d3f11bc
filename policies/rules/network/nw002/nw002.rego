# METADATA
# title: System namespace carries the network label in a multi-network mesh
# description: |
#   In a mesh that spans several networks, istiod takes the network of pods
#   that injection did not label (gateways installed without the label,
#   non-injected workloads) from the topology.istio.io/network label of the
#   cluster's system namespace. Without it those endpoints have no network,
#   and peers on other networks are sent pod IPs they cannot reach. Fires
#   only when the files show the system Namespace object without the label
#   and the cluster's network is known; a Namespace that is not in the files
#   is unknown, not unlabelled. Single-network meshes need no label. Clusters
#   served by an external control plane are exempt: the external control
#   plane guide pins each remote's network in its injection URL and on its
#   east-west gateway and never labels the namespace.
# custom:
#   code: NW002
#   severity: error
#   dimensions: [network]
#   scope: fleet
#   remediation: |
#     Label the system namespace with the cluster's network:
#     kubectl label namespace <system namespace> topology.istio.io/network=<network>
package meshcheck.rules.network.nw002

import data.meshcheck.lib.fleet
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
