package meshcheck.rules.controlplane.cp006_test

import data.meshcheck.rules.controlplane.cp006

src(c, kind, path) := {"cluster": c, "object": {"kind": kind}, "path": path}

cp(c, rev, role) := {"namespace": "istio-system", "revision": rev, "role": role, "values": {}, "sources": [src(c, "IstioOperator", "")]}

iop_gateway(rev) := object.union(
	{"name": "istio-eastwestgateway", "namespace": "istio-system", "source": src("cluster1", "IstioOperator", "label")},
	{"revision": {"value": rev, "source": src("cluster1", "IstioOperator", "spec.revision")} | rev != null},
)

cluster1(cps, gws, vss) := {
	"role": "primary", "control_planes": cps, "network_gateways": gws,
	"virtual_services": vss, "injector_webhooks": [],
}

fleet(c1) := {"clusters": {"cluster1": c1}}

vsvc(host, sni) := {
	"name": "istiod-vs", "namespace": "istio-system", "source": src("cluster1", "VirtualService", "metadata.name"),
	"tls_routes": [{"port": 15012, "sni_hosts": sni, "destinations": [{"host": host, "port": 15012}]}],
}

test_unrevisioned_gateway_with_revisioned_cp_fires if {
	vs := cp006.violation with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [iop_gateway(null)], []))
	count(vs) == 1
	some v in vs
	v.code == "CP006"
	v.at.path == "label"
}

test_gateway_with_same_revision_passes if {
	count(cp006.violation) == 0 with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [iop_gateway("canary")], []))
}

test_default_label_means_unrevisioned if {
	count(cp006.violation) == 0 with input as fleet(cluster1([cp("cluster1", "", "primary")], [iop_gateway("default")], []))
}

test_default_tag_serves_unrevisioned_gateway if {
	c := object.union(cp("cluster1", "canary", "primary"), {"revision_tags": {"value": ["default"]}})
	count(cp006.violation) == 0 with input as fleet(cluster1([c], [iop_gateway(null)], []))
}

test_gateway_revision_unknown_is_silent if {
	g := object.union(iop_gateway(null), {"source": src("cluster1", "Service", "metadata.labels")})
	count(cp006.violation) == 0 with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [g], []))
}

test_control_planes_unknown_is_silent if {
	count(cp006.violation) == 0 with input as fleet(cluster1([], [iop_gateway("canary")], []))
}

test_vs_routing_to_missing_revision_fires if {
	v := vsvc("istiod.istio-system.svc.cluster.local", ["*"])
	vs := cp006.violation with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [], [v]))
	count(vs) == 1
}

test_vs_routing_to_revision_passes if {
	v := vsvc("istiod-canary.istio-system.svc.cluster.local", ["istiod-canary.istio-system.svc"])
	count(cp006.violation) == 0 with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [], [v]))
}

test_vs_sni_mismatch_fires if {
	v := vsvc("istiod-canary.istio-system.svc.cluster.local", ["istiod.istio-system.svc"])
	vs := cp006.violation with input as fleet(cluster1([cp("cluster1", "canary", "primary")], [], [v]))
	count(vs) == 1
	some x in vs
	contains(x.message, "matches SNI")
}

test_remote_revision_not_served_fires if {
	c2 := {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [cp("cluster2", "canary", "remote")], "network_gateways": [], "virtual_services": []}
	f := {"clusters": {"cluster1": cluster1([cp("cluster1", "", "primary")], [], []), "cluster2": c2}}
	vs := cp006.violation with input as f
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
}

test_remote_revision_served_passes if {
	c2 := {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [cp("cluster2", "canary", "remote")], "network_gateways": [], "virtual_services": []}
	f := {"clusters": {"cluster1": cluster1([cp("cluster1", "canary", "primary")], [], []), "cluster2": c2}}
	count(cp006.violation) == 0 with input as f
}

test_gateway_on_possible_tag_is_silent if {
	count(cp006.violation) == 0 with input as fleet(cluster1([cp("cluster1", "1-26-0", "primary")], [iop_gateway("prod-stable")], []))
}

test_gateway_on_removed_version_revision_fires if {
	count(cp006.violation) == 1 with input as fleet(cluster1([cp("cluster1", "1-26-0", "primary")], [iop_gateway("1-25-2")], []))
}
