# METADATA
# title: Every network of a multi-network mesh has a network gateway
# description: |
#   Workloads on different networks reach each other only through a network
#   (east-west) gateway. In a mesh spanning several networks, a network with
#   clusters but no gateway labelled for it cannot be reached from the
#   others: istiod either drops its endpoints for remote callers or hands
#   out pod IPs that are not routable. A gateway is any Service, IstioOperator
#   component, istio/gateway chart install or Gateway API gateway labelled
#   with the network, in any cluster of the fleet, or a meshNetworks entry
#   listing gateways for it. Fires only when a cluster of the network shows
#   its own control-plane install in the files (so its gateways would be
#   there too) and no gateway for the network exists anywhere in the fleet.
# custom:
#   code: NW007
#   severity: error
#   dimensions: [network]
#   scope: fleet
#   referee:
#     fleets:
#       - testdata/mistakes/03-eastwest-gateway-missing
#       - testdata/referee/gateway-labelled-with-other-network
#     note: |
#       istiod knows no gateway for the network without one (/debug/networkz),
#       so that network's endpoints cannot be reached from the others: the
#       referee's verdict is broken.
#   istio:
#     component: >-
#       istiod (split-horizon EDS) and ztunnel
#     source: >-
#       pilot/pkg/xds/endpoints/ep_filters.go
#       EndpointBuilder.EndpointsByNetworkFilter: in sidecar mode endpoints of
#       a network without a gateway are still sent as pod IPs ("In practice it
#       may not actually work"), in ambient multi-network they are not
#       generated; deployment models doc
#       (content/en/docs/ops/deployment/deployment-models/index.md: workloads
#       on different networks "can only reach each other through one or more
#       Istio gateways")
#     versions: >-
#       every release with multi-network support; ambient: ambient
#       multicluster is alpha in the pinned version
#       (pilot/pkg/features/ambient.go: AMBIENT_ENABLE_MULTI_NETWORK defaults
#       to false, "alpha features like ambient multi-network"); no release
#       number claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Install an east-west gateway in a cluster of the network:
#     samples/multicluster/gen-eastwest-gateway.sh --network <network> | istioctl install -y -f -
#     or helm install istio-eastwestgateway istio/gateway -n istio-system
#     --set name=istio-eastwestgateway --set networkGateway=<network>
#     (ambient: a Gateway of class istio-east-west labelled with the network).
package meshcheck.rules.network.nw007

import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"network %q (clusters %s) of a mesh spanning networks %s has no network gateway: no gateway in the fleet is labelled topology.istio.io/network=%s",
		[n, concat(", ", sort(on)), concat(", ", sort(network.mesh_networks(mesh))), n],
	),
	"at": network.network_fact(input.clusters[name]).source,
	"fix": sprintf(
		"Install an east-west gateway for network %s in %s (or another cluster on it): samples/multicluster/gen-eastwest-gateway.sh --network %s | istioctl install -y -f -, or helm install istio-eastwestgateway istio/gateway -n %s --set name=istio-eastwestgateway --set networkGateway=%s (ambient: a Gateway of class istio-east-west labelled topology.istio.io/network=%s).",
		[n, name, n, input.clusters[name].system_namespace, n, n],
	),
}) if {
	some mesh in input.meshes
	network.multi_network(mesh)
	some n in network.mesh_networks(mesh)
	not n in network.gateway_networks
	not n in network.declared_gateway_networks
	on := {c | some c in mesh.clusters; network.network_of(input.clusters[c]) == n}
	shown := {c | some c in on; network.install_shown(input.clusters[c])}
	count(shown) > 0
	name := min(shown)
}
