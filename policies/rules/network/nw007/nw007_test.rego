package meshcheck.rules.network.nw007_test

import data.meshcheck.rules.network.nw007

gw(net) := {"name": "istio-eastwestgateway", "namespace": "istio-system", "network": {"value": net, "source": {}}}

cluster(role, net, gws) := {
	"role": role,
	"system_namespace": "istio-system",
	"network": {"value": net, "source": {"path": "spec.values.global.network"}},
	"namespaces": {},
	"control_planes": [{"role": role, "namespace": "istio-system"}],
	"network_gateways": gws,
}

fleet(c2) := {
	"clusters": {"c1": cluster("primary", "network1", [gw("network1")]), "c2": c2},
	"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
}

test_network_without_gateway if {
	vs := nw007.violation with input as fleet(cluster("primary", "network2", []))
	count(vs) == 1
	some v in vs
	v.code == "NW007"
	v.cluster == "c2"
	v.at.path == "spec.values.global.network"
	contains(v.fix, "gen-eastwest-gateway.sh --network network2 |")
	contains(v.fix, "-n istio-system --set name=istio-eastwestgateway --set networkGateway=network2")
}

test_network_with_gateway if {
	count(nw007.violation) == 0 with input as fleet(cluster("primary", "network2", [gw("network2")]))
}

test_remote_with_own_gateway if {
	count(nw007.violation) == 0 with input as fleet(cluster("remote", "network2", [gw("network2")]))
}

test_gateway_in_another_cluster_counts if {
	inp := {
		"clusters": {
			"c1": cluster("primary", "network1", [gw("network1"), gw("network2")]),
			"c2": cluster("primary", "network2", []),
		},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
	}
	count(nw007.violation) == 0 with input as inp
}

test_gateway_declared_in_mesh_networks if {
	c1 := object.union(cluster("primary", "network1", [gw("network1")]), {"control_planes": [{
		"role": "primary",
		"mesh_networks": {"value": {"network2": {"endpoints": [{"fromRegistry": "c2"}], "gateways": [{"address": "203.0.113.20", "port": 15443}]}}},
	}]})
	inp := {
		"clusters": {"c1": c1, "c2": cluster("primary", "network2", [])},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
	}
	count(nw007.violation) == 0 with input as inp
}

test_install_not_in_files_is_unknown if {
	c2 := object.union(cluster("unknown", "network2", []), {"control_planes": []})
	count(nw007.violation) == 0 with input as fleet(c2)
}

test_single_network_needs_no_gateway if {
	inp := {
		"clusters": {"c1": cluster("primary", "network1", []), "c2": cluster("primary", "network1", [])},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1"]}],
	}
	count(nw007.violation) == 0 with input as inp
}
