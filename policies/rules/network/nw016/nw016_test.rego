package meshcheck.rules.network.nw016_test

import data.meshcheck.rules.network.nw016

ew(net) := {
	"name": "istio-eastwestgateway", "namespace": "istio-system", "class": "istio-east-west",
	"network": {"value": net, "source": {}},
	"listeners": [{"port": 15008, "protocol": "HBONE"}],
	"source": {"object": {"kind": "Gateway"}, "path": "spec.gatewayClassName"},
}

cluster(net, env, gws) := {
	"role": "primary", "system_namespace": "istio-system", "namespaces": {},
	"network": {"value": net, "source": {"path": "global.network"}},
	"control_planes": [{
		"role": "primary",
		"ambient": {"value": true, "source": {"path": "profile"}},
		"env": env,
	}],
	"network_gateways": gws,
}

on := {"AMBIENT_ENABLE_MULTI_NETWORK": {"value": "true", "source": {"path": "env"}}}

fleet(c1) := {
	"clusters": {"c1": c1, "c2": cluster("network2", on, [ew("network2")])},
	"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
}

test_documented_setup_passes if {
	count(nw016.violation) == 0 with input as fleet(cluster("network1", on, [ew("network1")]))
}

test_env_not_set if {
	vs := nw016.violation with input as fleet(cluster("network1", {}, [ew("network1")]))
	count(vs) == 1
	some v in vs
	v.code == "NW016"
	v.at.path == "profile"
}

test_env_false if {
	vs := nw016.violation with input as fleet(cluster("network1", {"AMBIENT_ENABLE_MULTI_NETWORK": {"value": "false", "source": {"path": "env"}}}, [ew("network1")]))
	count(vs) == 1
	some v in vs
	v.at.path == "env"
}

test_gateway_without_hbone_listener if {
	g := object.union(ew("network1"), {"listeners": [{"port": 15443, "protocol": "TLS"}]})
	count(nw016.violation) == 1 with input as fleet(cluster("network1", on, [g]))
}

test_gateway_without_network_label if {
	g := object.remove(ew("network1"), ["network"])
	count(nw016.violation) == 1 with input as fleet(cluster("network1", on, [g]))
}

test_sidecar_gateway_only_for_the_network if {
	sidecar := {"name": "istio-eastwestgateway", "namespace": "istio-system", "network": {"value": "network1"}, "ports": [{"port": 15443}], "listeners": []}
	vs := nw016.violation with input as fleet(cluster("network1", on, [sidecar]))
	count(vs) == 1
	some v in vs
	v.at.path == "global.network"
}

test_no_gateway_at_all_is_left_to_nw007 if {
	count(nw016.violation) == 0 with input as fleet(cluster("network1", on, []))
}

test_sidecar_mesh_is_not_checked if {
	c1 := object.union(cluster("network1", {}, []), {"control_planes": [{"role": "primary", "ambient": {"value": false}, "env": {}}]})
	count(nw016.violation) == 0 with input as fleet(c1)
}

test_single_network_is_not_checked if {
	inp := {
		"clusters": {"c1": cluster("network1", {}, []), "c2": cluster("network1", {}, [])},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1"]}],
	}
	count(nw016.violation) == 0 with input as inp
}

test_unknown_profile_is_silent if {
	c1 := object.union(cluster("network1", {}, []), {"control_planes": [{"role": "primary", "env": {}}]})
	count(nw016.violation) == 0 with input as fleet(c1)
}
