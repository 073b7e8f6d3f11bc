package meshcheck.rules.network.nw005_test

import data.meshcheck.rules.network.nw005

gw(extra) := object.union(
	{
		"name": "istio-eastwestgateway", "namespace": "istio-system",
		"network": {"value": "network1", "source": {}},
		"type": "LoadBalancer", "addresses": [], "addresses_known": false,
		"source": {"cluster": "c1", "file": "svc.yaml", "object": {"kind": "Service"}},
	},
	extra,
)

inp(g) := {"clusters": {"c1": {
	"network_gateways": [g],
	"objects": [{"source": {"file": "svc.yaml", "object": {"kind": "Service"}}, "object": {"metadata": {"name": "istio-eastwestgateway", "uid": "0d6c5f0e"}}}],
}}}

dry_run(g) := {"clusters": {"c1": {
	"network_gateways": [g],
	"objects": [{"source": {"file": "svc.yaml", "object": {"kind": "Service"}}, "object": {"metadata": {"name": "istio-eastwestgateway", "creationTimestamp": null}}}],
}}}

test_pending_load_balancer if {
	vs := nw005.violation with input as inp(gw({"addresses_known": true}))
	count(vs) == 1
	some v in vs
	v.code == "NW005"
}

test_dry_run_output_is_not_live if {
	count(nw005.violation) == 0 with input as dry_run(gw({"addresses_known": true}))
}

test_load_balancer_with_address if {
	count(nw005.violation) == 0 with input as inp(gw({"addresses_known": true, "addresses": ["203.0.113.10"]}))
}

test_address_unknown_from_git_is_silent if {
	count(nw005.violation) == 0 with input as inp(gw({}))
}

test_cluster_ip_service if {
	count(nw005.violation) == 1 with input as inp(gw({"type": "ClusterIP"}))
	count(nw005.violation) == 0 with input as inp(gw({"type": "ClusterIP", "addresses": ["198.51.100.7"], "addresses_known": true}))
}

test_node_port_is_not_checked if {
	count(nw005.violation) == 0 with input as inp(gw({"type": "NodePort", "addresses_known": true}))
}

test_gateway_api_without_status_address if {
	g := {"name": "ew", "namespace": "istio-system", "network": {"value": "network1"}, "class": "istio-east-west", "addresses": [], "addresses_known": true, "source": {"cluster": "c1", "file": "gw.yaml", "object": {"kind": "Gateway"}}}
	inp2 := {"clusters": {"c1": {"network_gateways": [g], "objects": [{"source": {"file": "gw.yaml", "object": {"kind": "Gateway"}}, "object": {"metadata": {"resourceVersion": "48213"}}}]}}}
	count(nw005.violation) == 1 with input as inp2
}

# Read by meshcheck audit: no file, only the object's uid and resourceVersion.
test_pending_load_balancer_read_live if {
	g := json.remove(gw({"addresses_known": true}), ["source/file"])
	live := {"clusters": {"c1": {
		"network_gateways": [g],
		"objects": [{"source": {"object": {"kind": "Service"}}, "object": {"metadata": {"name": "istio-eastwestgateway", "uid": "0d6c5f0e"}}}],
	}}}
	count(nw005.violation) == 1 with input as live
}
