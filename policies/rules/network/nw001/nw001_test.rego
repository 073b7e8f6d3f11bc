package meshcheck.rules.network.nw001_test

import data.meshcheck.rules.network.nw001

cluster(label, network) := {
	"name": "c1",
	"system_namespace": "istio-system",
	"network": {"value": network, "source": {"path": "spec.values.global.network"}},
	"namespaces": {"istio-system": {"name": "istio-system", "network": {"value": label, "source": {"path": "metadata.labels"}}}},
}

test_label_differs_from_values if {
	vs := nw001.violation with input as {"clusters": {"c1": cluster("network2", "network1")}, "meshes": []}
	count(vs) == 1
	some v in vs
	v.code == "NW001"
	v.cluster == "c1"
	v.severity == "warning"
	contains(v.message, "pods without a sidecar")

	# The fix names this cluster's namespace and networks, not an example's.
	contains(v.fix, "kubectl label namespace istio-system topology.istio.io/network=network1 --overwrite")
	contains(v.fix, `If "network2" is the network you meant`)
}

test_label_equals_values if {
	count(nw001.violation) == 0 with input as {"clusters": {"c1": cluster("network1", "network1")}, "meshes": []}
}

test_no_label_is_not_a_conflict if {
	c := object.remove(cluster("x", "network1"), ["namespaces"])
	count(nw001.violation) == 0 with input as {"clusters": {"c1": object.union(c, {"namespaces": {}})}, "meshes": []}
}

test_unknown_network_is_silent if {
	c := object.remove(cluster("network2", "x"), ["network"])
	count(nw001.violation) == 0 with input as {"clusters": {"c1": c}, "meshes": []}
}

test_label_differs_in_ambient_is_an_error if {
	c := object.union(cluster("network2", "network1"), {"control_planes": [{"role": "primary", "ambient": {"value": true}}]})
	vs := nw001.violation with input as {"clusters": {"c1": c}, "meshes": []}
	count(vs) == 1
	some v in vs
	v.severity == "error"
	contains(v.message, "every ambient workload")
}
