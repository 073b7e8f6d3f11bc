package meshcheck.rules.network.nw008_test

import data.meshcheck.rules.network.nw008

server(proto, mode, hosts) := {"port": 15443, "protocol": proto, "tls_mode": mode, "hosts": hosts, "source": {"path": "spec.servers[0]"}}

istio_gw(selector, s) := {"name": "cross-network-gateway", "namespace": "istio-system", "selector": selector, "servers": [s], "source": {"path": "metadata.name"}}

ew := {"istio": "eastwestgateway", "app": "istio-eastwestgateway"}

cluster(gw, pods) := {
	"network": {"value": "network1"},
	"remote_secrets": [],
	"gateways": [gw],
	"workloads": pods,
	"network_gateways": [{"name": "istio-eastwestgateway", "selector": ew, "source": {"cluster": "c1", "object": {"kind": "IstioOperator"}}}],
}

pods := [{"name": "istio-eastwestgateway", "labels": ew, "gateway": true}]

inp(c) := {"clusters": {"c1": c}, "meshes": [{"clusters": ["c1"]}]}

good := server("TLS", "AUTO_PASSTHROUGH", ["*.local"])

test_expose_services_sample_passes if {
	count(nw008.violation) == 0 with input as inp(cluster(istio_gw({"istio": "eastwestgateway"}, good), pods))
}

test_istio_mutual if {
	vs := nw008.violation with input as inp(cluster(istio_gw({"istio": "eastwestgateway"}, server("TLS", "ISTIO_MUTUAL", ["*.local"])), pods))
	count(vs) == 1
	some v in vs
	v.code == "NW008"
	v.at.path == "spec.servers[0]"
	contains(v.message, "ISTIO_MUTUAL")
}

test_wrong_protocol_and_hosts if {
	vs := nw008.violation with input as inp(cluster(istio_gw({"istio": "eastwestgateway"}, server("HTTPS", "AUTO_PASSTHROUGH", ["example.com"])), pods))
	count(vs) == 2
}

test_hosts_that_cover_services if {
	every hosts in [["*"], ["*/*.local"], ["*.svc.cluster.local"], ["ns1/reviews.ns1.svc.cluster.local"]] {
		count(nw008.violation) == 0 with input as inp(cluster(istio_gw({"istio": "eastwestgateway"}, server("TLS", "AUTO_PASSTHROUGH", hosts)), pods))
	}
}

test_selector_matches_no_east_west_gateway if {
	vs := nw008.violation with input as inp(cluster(istio_gw({"istio": "ingressgateway"}, good), pods))
	count(vs) == 1
	some v in vs
	v.at.path == "metadata.name"
}

test_selector_unknown_pods_is_silent if {
	c := object.union(cluster(istio_gw({"istio": "ingressgateway"}, good), []), {"network_gateways": [{"name": "svc", "selector": {"app": "x"}, "source": {"object": {"kind": "Service"}}}]})
	count(nw008.violation) == 0 with input as inp(c)
}

test_selector_with_pods_of_some_gateways_unknown_is_silent if {
	c := cluster(istio_gw({"istio": "ingressgateway"}, good), pods)
	c2 := object.union(c, {"network_gateways": array.concat(c.network_gateways, [{"name": "other", "selector": {"app": "other"}, "source": {"object": {"kind": "Service"}}}])})
	count(nw008.violation) == 0 with input as inp(c2)
}

test_not_multicluster_is_silent if {
	c := object.remove(cluster(istio_gw({"istio": "eastwestgateway"}, server("TLS", "ISTIO_MUTUAL", ["*.local"])), pods), ["network"])
	count(nw008.violation) == 0 with input as inp(c)
}
