package meshcheck.rules.network.nw003_test

import data.meshcheck.rules.network.nw003

gw(net) := {"name": "istio-eastwestgateway", "namespace": "istio-system", "network": {"value": net, "source": {"path": "label"}}, "ports": [{"port": 15443}], "listeners": []}

cluster(gws, workloads) := {
	"system_namespace": "istio-system",
	"network": {"value": "network1", "source": {"path": "spec.values.global.network"}},
	"namespaces": {},
	"network_gateways": gws,
	"workloads": workloads,
}

test_gateway_labelled_with_another_network if {
	vs := nw003.violation with input as {"clusters": {"c1": cluster([gw("network2")], [])}}
	count(vs) == 1
	some v in vs
	v.code == "NW003"
	v.at.path == "label"
}

test_gateway_labelled_with_own_network if {
	count(nw003.violation) == 0 with input as {"clusters": {"c1": cluster([gw("network1")], [])}}
}

test_gateway_matching_namespace_label if {
	c := object.union(object.remove(cluster([gw("network2")], []), ["network"]), {"namespaces": {"istio-system": {"name": "istio-system", "network": {"value": "network2", "source": {}}}}})
	count(nw003.violation) == 0 with input as {"clusters": {"c1": c}}
}

test_gateway_for_pod_network_override if {
	pods := [{"kind": "Deployment", "name": "app", "gateway": false, "network": {"value": "network2", "source": {}}}]
	count(nw003.violation) == 0 with input as {"clusters": {"c1": cluster([gw("network2")], pods)}}
}

test_gateway_pods_are_not_an_override if {
	pods := [{"kind": "IstioOperator", "name": "istio-eastwestgateway", "gateway": true, "network": {"value": "network2", "source": {}}}]
	count(nw003.violation) == 1 with input as {"clusters": {"c1": cluster([gw("network2")], pods)}}
}

test_istio_remote_gateway_is_not_checked if {
	g := object.union(gw("network2"), {"class": "istio-remote"})
	count(nw003.violation) == 0 with input as {"clusters": {"c1": cluster([g], [])}}
}

test_unknown_cluster_network_is_silent if {
	c := object.remove(cluster([gw("network2")], []), ["network"])
	count(nw003.violation) == 0 with input as {"clusters": {"c1": c}}
}

test_unlabelled_gateway_is_silent if {
	g := object.remove(gw("x"), ["network"])
	count(nw003.violation) == 0 with input as {"clusters": {"c1": cluster([g], [])}}
}
