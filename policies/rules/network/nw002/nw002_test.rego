package meshcheck.rules.network.nw002_test

import data.meshcheck.rules.network.nw002

ns(labelled) := {"istio-system": object.union(
	{"name": "istio-system", "source": {"path": "metadata.name"}},
	{"network": {"value": "network2", "source": {}} | labelled},
)}

cluster(net, namespaces) := {
	"role": "primary",
	"system_namespace": "istio-system",
	"network": {"value": net, "source": {"path": "spec.values.global.network"}},
	"namespaces": namespaces,
}

fleet(c2) := {
	"clusters": {"c1": cluster("network1", ns(true)), "c2": c2},
	"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1", "network2"]}],
}

test_unlabelled_namespace_in_multi_network_mesh if {
	vs := nw002.violation with input as fleet(cluster("network2", ns(false)))
	count(vs) == 1
	some v in vs
	v.code == "NW002"
	v.cluster == "c2"
	v.at.path == "metadata.name"
	v.fix == "In cluster c2: kubectl label namespace istio-system topology.istio.io/network=network2"

	# Sidecar mode: the injector labels injected pods, so only pods without
	# a sidecar take the namespace's network.
	v.severity == "info"
}

# Ambient: no injector labels the pods, every workload takes the namespace's
# network.
test_unlabelled_namespace_in_ambient_is_an_error if {
	c2 := object.union(cluster("network2", ns(false)), {"control_planes": [{"role": "primary", "ambient": {"value": true}}]})
	vs := nw002.violation with input as fleet(c2)
	count(vs) == 1
	some v in vs
	v.severity == "error"
}

test_labelled_namespace if {
	count(nw002.violation) == 0 with input as fleet(cluster("network2", ns(true)))
}

test_namespace_not_in_files_is_unknown if {
	count(nw002.violation) == 0 with input as fleet(cluster("network2", {}))
}

test_single_network_mesh_needs_no_label if {
	inp := {
		"clusters": {"c1": cluster("network1", ns(false)), "c2": cluster("network1", ns(false))},
		"meshes": [{"clusters": ["c1", "c2"], "networks": ["network1"]}],
	}
	count(nw002.violation) == 0 with input as inp
}

test_remote_of_external_control_plane_is_exempt if {
	c2 := object.union(cluster("network2", ns(false)), {"role": "remote", "control_plane_cluster": "ext"})
	inp := {
		"clusters": {"c1": cluster("network1", ns(true)), "c2": c2, "ext": {"role": "external", "system_namespace": "istio-system", "namespaces": {}}},
		"meshes": [{"clusters": ["c1", "c2", "ext"], "networks": ["network1", "network2"]}],
	}
	count(nw002.violation) == 0 with input as inp
}

test_unknown_network_is_silent if {
	c2 := object.remove(cluster("x", ns(false)), ["network"])
	count(nw002.violation) == 0 with input as fleet(c2)
}
