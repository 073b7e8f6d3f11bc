package meshcheck.rules.network.nw014_test

import data.meshcheck.rules.network.nw014

cluster(id, label, mn) := {
	"id": {"value": id},
	"system_namespace": "istio-system",
	"namespaces": {"istio-system": {"name": "istio-system", "network": {"value": label, "source": {"path": "metadata.labels"}}}},
	"control_planes": [{"role": "primary", "mesh_networks": {"value": mn, "source": {"path": "global.meshNetworks"}}}],
}

mn := {
	"network1": {"endpoints": [{"fromRegistry": "cluster1"}]},
	"network2": {"endpoints": [{"fromRegistry": "cluster2"}]},
}

fleet(label2) := {
	"clusters": {"c1": cluster("cluster1", "network1", mn), "c2": cluster("cluster2", label2, {})},
	"meshes": [{"clusters": ["c1", "c2"]}],
}

test_label_disagrees_with_mesh_networks if {
	vs := nw014.violation with input as fleet("network3")
	count(vs) == 1
	some v in vs
	v.code == "NW014"
	v.cluster == "c1"
	v.related[0].path == "metadata.labels"
}

test_label_agrees if {
	count(nw014.violation) == 0 with input as fleet("network2")
}

test_no_label_is_silent if {
	inp := {
		"clusters": {"c1": cluster("cluster1", "network1", mn), "c2": object.union(object.remove(cluster("cluster2", "x", {}), ["namespaces"]), {"namespaces": {}})},
		"meshes": [{"clusters": ["c1", "c2"]}],
	}
	count(nw014.violation) == 0 with input as inp
}

test_registry_of_no_cluster_is_silent if {
	inp := object.union(fleet("network3"), {"clusters": {"c2": {"id": {"value": "other"}}}})
	count(nw014.violation) == 0 with input as inp
}
