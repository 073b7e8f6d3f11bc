package meshcheck.lib.network_test

import data.meshcheck.lib.network

src(p) := {"path": p}

c1 := {
	"system_namespace": "istio-system",
	"network": {"value": "network1", "source": src("values")},
	"namespaces": {"istio-system": {"name": "istio-system", "network": {"value": "network9", "source": src("label")}}},
}

c2 := {
	"system_namespace": "istio-system",
	"namespaces": {"istio-system": {"name": "istio-system", "network": {"value": "network2", "source": src("label")}}},
}

c3 := {"system_namespace": "istio-system", "namespaces": {}}

test_network_prefers_values if {
	network.network_of(c1) == "network1"
	network.network_fact(c1).source.path == "values"
}

test_network_falls_back_to_label if network.network_of(c2) == "network2"

test_network_unknown if not network.network_of(c3)

test_network_names_has_both if network.network_names(c1) == {"network1", "network9"}

test_network_names_empty_when_unknown if count(network.network_names(c3)) == 0

test_multi_network_from_labels if {
	inp := {"clusters": {"a": c2, "b": object.union(c2, {"namespaces": {"istio-system": {"network": {"value": "network3"}}}})}}
	network.multi_network({"clusters": ["a", "b"], "networks": []}) with input as inp
}

test_single_network if {
	inp := {"clusters": {"a": c2, "b": c2}}
	not network.multi_network({"clusters": ["a", "b"], "networks": []}) with input as inp
}

test_mtls_port if {
	network.mtls_port({"gateway_port": 16443}) == 16443
	network.mtls_port({}) == 15443
}

test_labels_match if {
	network.labels_match({"istio": "eastwestgateway"}, {"istio": "eastwestgateway", "app": "x"})
	not network.labels_match({"istio": "eastwestgateway"}, {"istio": "ingressgateway"})
	not network.labels_match({}, {"istio": "ingressgateway"})
}

test_truthy if {
	network.truthy("true")
	network.truthy(true)
	network.truthy("True")
	not network.truthy("false")
}

test_mesh_networks_readers if {
	spec := {"endpoints": [{"fromRegistry": "cluster1"}, {"fromCidr": "10.0.0.0/16"}, {"fromCidr": "bogus"}], "gateways": [{"address": "1.2.3.4", "port": 15443}]}
	network.registries(spec) == {"cluster1"}
	network.cidrs(spec) == {"10.0.0.0/16"}
	network.has_gateways(spec)
	not network.has_gateways({"endpoints": []})
	network.endpoints({}) == []
}
