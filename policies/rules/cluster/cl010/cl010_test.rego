package meshcheck.rules.cluster.cl010_test

import data.meshcheck.rules.cluster.cl010

empty := {
	"name": "c1", "objects": [{"kind": "Deployment"}], "namespaces": {"shop": {"name": "shop"}},
	"control_planes": [], "network_gateways": [], "workloads": [], "gateways": [],
	"virtual_services": [], "remote_secrets": [], "ca_secrets": [], "injector_webhooks": [],
	"ztunnels": [], "tls_routes": [],
}

test_cluster_with_nothing_istio_reads if {
	vs := cl010.violation with input as {"clusters": {"c1": empty}}
	count(vs) == 1
	some v in vs
	v.code == "CL010"
	v.cluster == "c1"
	contains(v.message, "cluster c1:")
}

test_control_plane_is_recognised if {
	c := object.union(empty, {"control_planes": [{"namespace": "istio-system"}]})
	count(cl010.violation) == 0 with input as {"clusters": {"c1": c}}
}

test_remote_secret_is_recognised if {
	c := object.union(empty, {"remote_secrets": [{"name": "istio-remote-secret-c2"}]})
	count(cl010.violation) == 0 with input as {"clusters": {"c1": c}}
}

test_istio_label_on_a_namespace_is_recognised if {
	c := object.union(empty, {"namespaces": {"shop": {"name": "shop", "revision": {"value": "1-27"}}}})
	count(cl010.violation) == 0 with input as {"clusters": {"c1": c}}
}

test_unlabelled_namespace_is_not if {
	c := object.union(empty, {"namespaces": {"istio-system": {"name": "istio-system"}}})
	count(cl010.violation) == 1 with input as {"clusters": {"c1": c}}
}
