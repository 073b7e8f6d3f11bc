package meshcheck.rules.controlplane.cp005_test

import data.meshcheck.rules.controlplane.cp005

src(c, path) := {"cluster": c, "path": path}

ew(extra) := object.union(
	{
		"name": "istio-eastwestgateway", "namespace": "istio-system",
		"ports": [{"port": 15021}, {"port": 15443}, {"port": 15012}, {"port": 15017}],
		"selector": {"istio": "eastwestgateway", "app": "istio-eastwestgateway"},
		"addresses": [], "addresses_known": false,
		"source": src("cluster1", "networkGateway"),
	},
	extra,
)

server(port, mode) := {"port": port, "protocol": "TLS", "tls_mode": mode, "hosts": ["*"], "source": src("cluster1", sprintf("spec.servers[%d]", [port]))}

istiod_gateway(mode) := {
	"name": "istiod-gateway", "namespace": "istio-system",
	"selector": {"istio": "eastwestgateway"},
	"servers": [server(15012, mode), server(15017, mode)],
	"source": src("cluster1", "metadata.name"),
}

route(port, host) := {"port": port, "sni_hosts": ["*"], "destinations": [{"host": host, "port": port}]}

istiod_vs := {
	"name": "istiod-vs", "namespace": "istio-system", "gateways": ["istiod-gateway"],
	"tls_routes": [route(15012, "istiod.istio-system.svc.cluster.local"), route(15017, "istiod.istio-system.svc.cluster.local")],
}

remote_cp := {
	"namespace": "istio-system", "revision": "", "role": "remote",
	"remote_pilot_address": {"value": "203.0.113.10", "source": src("cluster2", "spec.values.global.remotePilotAddress")},
	"sources": [src("cluster2", "")],
}

fleet(gws, gateways, vss) := {"clusters": {
	"cluster1": {
		"role": "primary", "network_gateways": gws, "gateways": gateways,
		"virtual_services": vss, "tls_routes": [], "control_planes": [],
	},
	"cluster2": {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [remote_cp]},
}}

test_official_passes if {
	count(cp005.violation) == 0 with input as fleet([ew({})], [istiod_gateway("PASSTHROUGH")], [istiod_vs])
}

test_expose_istiod_missing_fires if {
	vs := cp005.violation with input as fleet([ew({})], [], [])
	count(vs) == 1
	some v in vs
	v.code == "CP005"
	v.cluster == "cluster1"
	v.at.path == "networkGateway"
}

test_istiod_behind_a_tls_route_is_silent if {
	f := fleet([ew({})], [], [])
	route := {"cluster": "cluster1", "object": {"kind": "TLSRoute", "namespace": "istio-system", "name": "istiod"}}
	count(cp005.violation) == 0 with input as object.union(f, {"clusters": {"cluster1": {"tls_routes": [route]}}})
}

test_gateway_config_not_shown_is_silent if {
	count(cp005.violation) == 0 with input as fleet([], [], [])
}

test_gateway_without_istiod_ports_is_silent_when_nothing_opens_them if {
	g := ew({"ports": [{"port": 15021}, {"port": 15443}]})
	count(cp005.violation) == 0 with input as fleet([g], [], [])
}

test_not_passthrough_fires if {
	vs := cp005.violation with input as fleet([ew({})], [istiod_gateway("ISTIO_MUTUAL")], [istiod_vs])
	count(vs) == 2
}

test_webhook_port_not_opened_fires if {
	gw := object.union(istiod_gateway("PASSTHROUGH"), {"servers": [server(15012, "PASSTHROUGH")]})
	vs := cp005.violation with input as fleet([ew({})], [gw], [istiod_vs])
	count(vs) == 1
	some v in vs
	contains(v.message, "15017")
}

test_no_virtual_service_fires if {
	vs := cp005.violation with input as fleet([ew({})], [istiod_gateway("PASSTHROUGH")], [])
	count(vs) == 2
}

test_virtual_service_bound_by_namespaced_name_passes if {
	v := object.union(istiod_vs, {"gateways": ["istio-system/istiod-gateway"]})
	count(cp005.violation) == 0 with input as fleet([ew({})], [istiod_gateway("PASSTHROUGH")], [v])
}

test_service_without_istiod_port_fires if {
	g := ew({"ports": [{"port": 15021}, {"port": 15443}, {"port": 15017}]})
	vs := cp005.violation with input as fleet([g], [istiod_gateway("PASSTHROUGH")], [istiod_vs])
	count(vs) == 1
	some v in vs
	contains(v.message, "has no port 15012")
}

test_address_mismatch_fires if {
	g := ew({"addresses": ["198.51.100.7"], "addresses_known": true})
	vs := cp005.violation with input as fleet([g], [istiod_gateway("PASSTHROUGH")], [istiod_vs])
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
}

test_address_match_passes if {
	g := ew({"addresses": ["203.0.113.10"], "addresses_known": true})
	count(cp005.violation) == 0 with input as fleet([g], [istiod_gateway("PASSTHROUGH")], [istiod_vs])
}

test_external_control_plane_is_not_concerned if {
	f := fleet([ew({})], [], [])
	count(cp005.violation) == 0 with input as json.patch(f, [{"op": "replace", "path": "/clusters/cluster1/role", "value": "external"}])
}
