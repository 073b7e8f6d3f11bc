package meshcheck.rules.network.nw005_test

import data.meshcheck.rules.network.nw005

gw(extra) := object.union(
	{
		"name": "istio-eastwestgateway", "namespace": "istio-system",
		"network": {"value": "network1", "source": {}},
		"type": "LoadBalancer", "addresses": [], "addresses_known": false,
		"source": {"cluster": "c1", "file": "svc.yaml", "object": {"kind": "Service"}},
	},
	extra,
)

inp(g) := {"clusters": {"c1": {"network": {"value": "network1"}, "network_gateways": [g]}}, "meshes": [{"clusters": ["c1"], "networks": []}]}

# two(g): c1 (network1, holding g) and c2 (network2) form one mesh.
two(g) := {
	"clusters": {
		"c1": {"network": {"value": "network1"}, "network_gateways": [g]},
		"c2": {"network": {"value": "network2"}, "network_gateways": []},
	},
	"meshes": [{"clusters": ["c1", "c2"], "networks": []}],
}

test_multi_network_mesh_is_checked if {
	count(nw005.violation) == 1 with input as two(gw({"type": "ClusterIP"}))
}

# In a single-network mesh no peer routes through the gateway (the Sail
# guide's single-network primary-remote makes it a ClusterIP Service that
# only exposes istiod).
test_single_network_mesh_is_not_checked if {
	single := json.patch(two(gw({"type": "ClusterIP"})), [{"op": "replace", "path": "/clusters/c2/network/value", "value": "network1"}])
	count(nw005.violation) == 0 with input as single
}

# addresses_known: the model saw a live object's status (docs/model.md).
test_pending_load_balancer if {
	vs := nw005.violation with input as inp(gw({"addresses_known": true}))
	count(vs) == 1
	some v in vs
	v.code == "NW005"
}

test_load_balancer_with_address if {
	count(nw005.violation) == 0 with input as inp(gw({"addresses_known": true, "addresses": ["203.0.113.10"]}))
}

test_address_unknown_is_silent if {
	count(nw005.violation) == 0 with input as inp(gw({}))
}

test_cluster_ip_service if {
	count(nw005.violation) == 1 with input as inp(gw({"type": "ClusterIP"}))
	count(nw005.violation) == 0 with input as inp(gw({"type": "ClusterIP", "addresses": ["198.51.100.7"], "addresses_known": true}))
}

test_node_port_is_not_checked if {
	count(nw005.violation) == 0 with input as inp(gw({"type": "NodePort", "addresses_known": true}))
}

test_gateway_api_without_status_address if {
	g := {"name": "ew", "namespace": "istio-system", "network": {"value": "network1"}, "class": "istio-east-west", "addresses": [], "addresses_known": true, "source": {"cluster": "c1", "object": {"kind": "Gateway"}}}
	count(nw005.violation) == 1 with input as inp(g)
}

test_remote_gateway_is_not_checked if {
	count(nw005.violation) == 0 with input as inp(gw({"addresses_known": true, "class": "istio-remote"}))
}
