package meshcheck.rules.network.nw009_test

import data.meshcheck.rules.network.nw009

ewgw(net) := {
	"name": "istio-eastwestgateway", "namespace": "istio-system",
	"network": {"value": net, "source": {}}, "ports": [{"port": 15021}, {"port": 15443}], "listeners": [],
	"source": {"object": {"kind": "IstioOperator"}, "path": "label"},
}

istio_gw(name, port) := {"name": name, "namespace": "istio-system", "servers": [{"port": port}]}

cluster(role, net, gws, extra) := object.union(
	{
		"role": role, "system_namespace": "istio-system", "namespaces": {}, "complete": {},
		"network": {"value": net, "source": {}},
		"network_gateways": [ewgw(net)], "gateways": gws,
	},
	extra,
)

fleet(c1, c2) := {"clusters": {"c1": c1, "c2": c2}, "meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}]}

expose_istiod := istio_gw("istiod-gateway", 15012)

cross_network := istio_gw("cross-network-gateway", 15443)

test_primary_shows_gateways_but_no_cross_network_one if {
	vs := nw009.violation with input as fleet(
		cluster("primary", "network1", [expose_istiod], {}),
		cluster("primary", "network2", [cross_network], {}),
	)
	count(vs) == 1
	some v in vs
	v.code == "NW009"
	v.cluster == "c1"
}

test_every_primary_exposes_services if {
	count(nw009.violation) == 0 with input as fleet(
		cluster("primary", "network1", [cross_network], {}),
		cluster("primary", "network2", [cross_network], {}),
	)
}

test_no_gateways_in_files_is_unknown if {
	count(nw009.violation) == 0 with input as fleet(
		cluster("primary", "network1", [], {}),
		cluster("primary", "network2", [cross_network], {}),
	)
}

test_complete_inventory_without_gateway if {
	count(nw009.violation) == 1 with input as fleet(
		cluster("primary", "network1", [], {"complete": {"Gateway": true}}),
		cluster("primary", "network2", [cross_network], {}),
	)
}

test_remote_is_covered_by_its_primary if {
	count(nw009.violation) == 0 with input as fleet(
		cluster("primary", "network1", [expose_istiod, cross_network], {}),
		cluster("remote", "network2", [], {"control_plane_cluster": "c1"}),
	)
}

test_remote_of_primary_without_cross_network_gateway if {
	vs := nw009.violation with input as fleet(
		object.union(cluster("primary", "network1", [expose_istiod], {}), {"network_gateways": []}),
		cluster("remote", "network2", [], {"control_plane_cluster": "c1"}),
	)
	count(vs) == 1
	some v in vs
	v.cluster == "c2"
	contains(v.message, "config cluster c1")
}

test_single_network_is_silent if {
	inp := {
		"clusters": {"c1": cluster("primary", "network1", [expose_istiod], {}), "c2": cluster("remote", "network1", [], {"control_plane_cluster": "c1"})},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1"]}],
	}
	count(nw009.violation) == 0 with input as inp
}

test_ambient_gateway_needs_no_cross_network_gateway if {
	hbone := {"name": "istio-eastwestgateway", "namespace": "istio-system", "class": "istio-east-west", "network": {"value": "network1"}, "ports": [{"port": 15008}], "listeners": [{"port": 15008, "protocol": "HBONE"}], "source": {"object": {"kind": "Gateway"}}}
	count(nw009.violation) == 0 with input as fleet(
		object.union(cluster("primary", "network1", [expose_istiod], {}), {"network_gateways": [hbone]}),
		cluster("primary", "network2", [cross_network], {}),
	)
}
