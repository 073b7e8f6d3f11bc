package meshcheck.rules.network.nw004_test

import data.meshcheck.rules.network.nw004

svc(ports, extra) := object.union(
	{
		"name": "istio-eastwestgateway", "namespace": "istio-system",
		"network": {"value": "network1", "source": {}},
		"ports": [{"port": p} | some p in ports], "listeners": [],
		"source": {"object": {"kind": "Service"}, "path": "metadata.labels"},
	},
	extra,
)

kgw(ports) := {
	"name": "istio-eastwestgateway", "namespace": "istio-system", "class": "istio-east-west",
	"network": {"value": "network1", "source": {}},
	"ports": [{"port": p} | some p in ports], "listeners": [{"port": p, "protocol": "HBONE"} | some p in ports],
	"source": {"object": {"kind": "Gateway"}},
}

inp(g) := {"clusters": {"c1": {"network_gateways": [g]}}}

test_service_without_15443 if {
	vs := nw004.violation with input as inp(svc([15021, 15012, 15017], {}))
	count(vs) == 1
	some v in vs
	v.code == "NW004"
}

test_service_with_15443 if {
	count(nw004.violation) == 0 with input as inp(svc([15021, 15443], {}))
}

test_service_with_hbone if {
	count(nw004.violation) == 0 with input as inp(svc([15021, 15008], {}))
}

test_gateway_port_label_moves_the_port if {
	count(nw004.violation) == 0 with input as inp(svc([15021, 16443], {"gateway_port": 16443}))
	count(nw004.violation) == 1 with input as inp(svc([15021, 15443], {"gateway_port": 16443}))
}

test_gateway_api_listener if {
	count(nw004.violation) == 0 with input as inp(kgw([15008]))
	count(nw004.violation) == 1 with input as inp(kgw([443]))
}

test_ports_unknown_is_silent if {
	count(nw004.violation) == 0 with input as inp(svc([], {}))
}
