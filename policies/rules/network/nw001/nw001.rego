# METADATA
# title: System namespace network label matches the installed network
# description: |
#   Injected pods take their network from the install values
#   (global.network); pods and gateways that are not injected take it from the
#   topology.istio.io/network label of the system namespace. When both are set
#   they must be equal, or the cluster's workloads split into two networks and
#   cross-network traffic goes to pod IPs that cannot be reached.
# custom:
#   code: NW001
#   severity: error
#   dimensions: [network]
#   scope: cluster
#   remediation: |
#     Set the topology.istio.io/network label of the system namespace to the
#     value of values.global.network (or change global.network):
#     kubectl label namespace <system namespace> topology.istio.io/network=<network> --overwrite
package meshcheck.rules.network.nw001

import data.meshcheck.lib.fleet
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"namespace %s is labelled topology.istio.io/network=%q but the control plane installs network %q",
		[ns.name, ns.network.value, c.network.value],
	),
	"at": ns.network.source,
	"related": [c.network.source],
	"fix": sprintf(
		"In cluster %s, label the system namespace with the installed network: kubectl label namespace %s topology.istio.io/network=%s --overwrite. If %q is the network you meant, set values.global.network to it instead and reinstall.",
		[name, ns.name, c.network.value, ns.network.value],
	),
}) if {
	some name, c in input.clusters
	ns := fleet.system_namespace(c)
	ns.network.value != c.network.value
}
