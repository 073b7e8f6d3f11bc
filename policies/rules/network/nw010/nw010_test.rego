package meshcheck.rules.network.nw010_test

import data.meshcheck.rules.network.nw010

cl(nw, cidrs) := {
	"network": {"value": nw, "source": {"path": "spec.values.global.network"}},
	"pod_cidrs": {"value": cidrs, "source": {"path": "spec.podCIDRs"}},
	"namespaces": {},
	"system_namespace": "istio-system",
}

fleet(c1, c2, meshes) := {"clusters": {"cluster1": c1, "cluster2": c2}, "meshes": meshes}

one_mesh := [{"clusters": ["cluster1", "cluster2"]}]

two_meshes := [{"clusters": ["cluster1"]}, {"clusters": ["cluster2"]}]

test_overlap_on_one_network_fires_once if {
	vs := nw010.violation with input as fleet(
		cl("network1", ["10.244.0.0/24", "10.244.1.0/24"]),
		cl("network1", ["10.244.1.0/24", "10.245.0.0/24"]),
		one_mesh,
	)
	count(vs) == 1
	some v in vs
	v.code == "NW010"
	v.cluster == "cluster2"
	count(v.related) == 1
	contains(v.message, "10.244.0.0/23 of cluster1 and 10.244.1.0/24 of cluster2")
}

test_counts_further_overlaps if {
	vs := nw010.violation with input as fleet(
		cl("network1", ["10.244.0.0/24", "10.246.0.0/24"]),
		cl("network1", ["10.244.0.0/16", "10.246.0.0/16"]),
		one_mesh,
	)
	some v in vs
	contains(v.message, ", and 1 more)")
}

test_disjoint_ranges_are_silent if {
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), cl("network1", ["10.245.0.0/16"]), one_mesh)
}

test_separate_networks_are_silent if {
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), cl("network2", ["10.244.0.0/16"]), one_mesh)
}

test_separate_meshes_are_silent if {
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), cl("network1", ["10.244.0.0/16"]), two_meshes)
}

test_ipv4_and_ipv6_do_not_overlap if {
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), cl("network1", ["fd00:10:244::/56"]), one_mesh)
}

test_unknown_ranges_are_silent if {
	c2 := object.remove(cl("network1", []), ["pod_cidrs"])
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), c2, one_mesh)
}

test_unknown_network_is_silent if {
	c2 := object.remove(cl("network1", ["10.244.0.0/16"]), ["network"])
	count(nw010.violation) == 0 with input as fleet(cl("network1", ["10.244.0.0/16"]), c2, one_mesh)
}

test_network_from_namespace_label if {
	c2 := object.union(object.remove(cl("", ["10.244.0.0/16"]), ["network"]), {"namespaces": {"istio-system": {"network": {"value": "network1", "source": {}}}}})
	count(nw010.violation) == 1 with input as fleet(cl("network1", ["10.244.0.0/16"]), c2, one_mesh)
}
