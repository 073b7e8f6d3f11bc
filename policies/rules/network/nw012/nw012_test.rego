package meshcheck.rules.network.nw012_test

import data.meshcheck.rules.network.nw012

pod(net) := {"kind": "Deployment", "name": "app", "namespace": "apps", "gateway": false, "network": {"value": net, "source": {"path": "spec.template.metadata.labels"}}}

cluster(net, workloads, gws) := {
	"system_namespace": "istio-system", "namespaces": {},
	"network": {"value": net, "source": {}},
	"workloads": workloads, "network_gateways": gws, "control_planes": [],
}

fleet(c1) := {
	"clusters": {"c1": c1, "c2": cluster("network2", [], [])},
	"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
}

test_pod_on_unknown_network if {
	vs := nw012.violation with input as fleet(cluster("network1", [pod("netwrok2")], []))
	count(vs) == 1
	some v in vs
	v.code == "NW012"
	v.at.path == "spec.template.metadata.labels"
}

test_pod_on_other_cluster_network if {
	count(nw012.violation) == 0 with input as fleet(cluster("network1", [pod("network2")], []))
}

test_pod_on_gateway_network if {
	gws := [{"name": "ew3", "network": {"value": "network3"}}]
	count(nw012.violation) == 0 with input as fleet(cluster("network1", [pod("network3")], gws))
}

test_pod_on_mesh_networks_network if {
	c1 := object.union(cluster("network1", [pod("network3")], []), {"control_planes": [{"role": "primary", "mesh_networks": {"value": {"network3": {"endpoints": [{"fromCidr": "10.3.0.0/16"}]}}}}]})
	count(nw012.violation) == 0 with input as fleet(c1)
}

test_single_cluster_is_silent if {
	inp := {"clusters": {"c1": cluster("network1", [pod("network9")], [])}, "meshes": [{"clusters": ["c1"], "networks": ["network1"]}]}
	count(nw012.violation) == 0 with input as inp
}

test_peer_with_unknown_network_is_silent if {
	inp := {
		"clusters": {"c1": cluster("network1", [pod("network9")], []), "c2": {"system_namespace": "istio-system", "namespaces": {}}},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1"]}],
	}
	count(nw012.violation) == 0 with input as inp
}

ambient(c) := object.union(c, {"control_planes": [{"role": "primary", "ambient": {"value": true}}]})

test_ambient_workload_label_is_not_read if {
	w := object.union(pod("netwrok2"), {"labels": {}})
	count(nw012.violation) == 0 with input as fleet(ambient(cluster("network1", [w], [])))
	count(nw012.violation) == 1 with input as fleet(cluster("network1", [w], []))
}

test_ambient_cluster_sidecar_and_gateway_labels_are_read if {
	gw := object.union(pod("netwrok2"), {"labels": {}, "gateway": true})
	count(nw012.violation) == 1 with input as fleet(ambient(cluster("network1", [gw], [])))
	injected := object.union(pod("netwrok2"), {"labels": {}})
	c := object.union(ambient(cluster("network1", [injected], [])), {"namespaces": {"apps": {"injection": {"value": "enabled"}}}})
	count(nw012.violation) == 1 with input as fleet(c)
	rev := object.union(ambient(cluster("network1", [injected], [])), {"namespaces": {"apps": {"revision": {"value": "1-23"}}}})
	count(nw012.violation) == 1 with input as fleet(rev)
}
