# METADATA
# title: Network gateway has an address other networks can reach
# description: |
#   Peers on other networks reach a network through its gateway's external
#   address: a load-balancer ingress address, spec.externalIPs, or node
#   addresses for a NodePort Service. A gateway whose load balancer is still
#   pending, or a ClusterIP Service without externalIPs, gives istiod no
#   address, so no cross-network endpoint is built for the network. Manifests
#   kept in Git carry no load-balancer status: a LoadBalancer gateway is only
#   checked when it was read from a live object (it has a uid or
#   resourceVersion) that shows its status. NodePort gateways are not
#   checked. A gateway of a cluster whose mesh the fleet shows on one network
#   (several clusters, one network) is not checked: no peer routes through it
#   (istiod builds cross-network endpoints only for networks other than the
#   proxy's, EndpointsByNetworkFilter), and the Sail multicluster guide's
#   single-network primary-remote deliberately makes the east-west gateway a
#   ClusterIP Service that exposes istiod alone.
# custom:
#   code: NW005
#   severity: warning
#   dimensions: [network]
#   scope: object
#   referee:
#     note: |
#       Observable in part: istiod registers a gateway only with an address
#       (load-balancer status or external IPs), which /debug/networkz shows;
#       whether other networks can reach that address is the data plane's, and
#       the referee gives gateways loopback addresses.
#   istio:
#     component: >-
#       istiod (network gateway addresses)
#     source: >-
#       pilot/pkg/serviceregistry/kube/conversion.go ConvertService (external
#       addresses from status.loadBalancer.ingress and spec.externalIPs);
#       pilot/pkg/serviceregistry/kube/controller/network.go
#       networkManager.extractGatewaysInner builds one gateway per external
#       address, none without one; pilot/pkg/xds/endpoints/ep_filters.go
#       EndpointsByNetworkFilter (no gateway, no reachable cross-network
#       endpoint)
#     versions: >-
#       every release with label-based network gateways; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Make the gateway reachable: check why the load balancer has no address
#     (kubectl -n istio-system get svc istio-eastwestgateway), or use type
#     LoadBalancer or spec.externalIPs instead of ClusterIP.
package meshcheck.rules.network.nw005

import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"network gateway %s/%s in %s (network %q) %s: other networks cannot reach it",
		[g.namespace, g.name, name, g.network.value, why],
	),
	"at": g.source,
}) if {
	some name, c in input.clusters
	not single_network[name]
	some g in c.network_gateways
	g.network
	not g.class == "istio-remote"
	count(g.addresses) == 0
	why := unreachable(g)
}

unreachable(g) := "is a ClusterIP Service without externalIPs" if {
	g.type == "ClusterIP"
	g.source.object.kind == "Service"
} else := "has no address (load balancer pending)" if {
	g.addresses_known
	not node_addressed(g)
}

# node_addressed(g) holds for Service types whose address does not come
# from a load balancer (NodePort: node addresses; ClusterIP: externalIPs).
node_addressed(g) if g.type in {"NodePort", "ClusterIP"}

# single_network contains the clusters of a mesh that the fleet shows whole
# on one network: several clusters, one network. A lone cluster's peers may
# be outside the inputs, so it is not one.
single_network contains name if {
	some mesh in input.meshes
	count(mesh.clusters) > 1
	not network.multi_network(mesh)
	some name in mesh.clusters
}
