package meshcheck.rules.controlplane.cp002_test

import data.meshcheck.rules.controlplane.cp002

src(c, path) := {"cluster": c, "path": path}

fact(c, v, path) := {"value": v, "source": src(c, path)}

cp(extra) := object.union(
	{"namespace": "istio-system", "revision": "", "role": "remote", "sources": [src("cluster2", "")]},
	extra,
)

fleet(role, cps, namespaces) := {"clusters": {
	"cluster1": {"role": "primary", "id": fact("cluster1", "cluster1", "id"), "control_planes": [], "namespaces": {}},
	"cluster2": {"role": role, "id": fact("cluster2", "cluster2", "id"), "control_planes": cps, "namespaces": namespaces},
}}

annotated(ids) := {"istio-system": {
	"name": "istio-system",
	"control_plane_clusters": fact("cluster2", ids, "metadata.annotations"),
}}

test_remote_with_istiod_deployment_fires if {
	vs := cp002.violation with input as fleet("remote", [cp({"istiod": fact("cluster2", true, "metadata.name")})], {})
	count(vs) == 1
	some v in vs
	v.code == "CP002"
	v.cluster == "cluster2"
}

test_remote_without_istiod_passes if {
	count(cp002.violation) == 0 with input as fleet("remote", [cp({"istiod": fact("cluster2", false, "spec.profile")})], {})
}

test_local_injector_passes if {
	c := cp({
		"istiod": fact("cluster2", true, "x"),
		"local_injector_istiod": fact("cluster2", true, "x"),
	})
	count(cp002.violation) == 0 with input as fleet("remote", [c], {})
}

test_unknown_istiod_is_silent if {
	count(cp002.violation) == 0 with input as fleet("remote", [cp({})], {})
}

test_full_install_with_remote_pilot_address_fires if {
	c := cp({
		"role": "primary",
		"istiod": fact("cluster2", true, "spec.components.pilot.enabled"),
		"remote_pilot_address": fact("cluster2", "203.0.113.10", "spec.values.global.remotePilotAddress"),
	})
	vs := cp002.violation with input as fleet("primary", [c], annotated(["cluster1"]))
	count(vs) == 1
	some v in vs
	v.related[0].path == "spec.values.global.remotePilotAddress"
}

test_full_install_in_namespace_led_by_other_cluster_fires if {
	c := cp({"role": "primary", "istiod": fact("cluster2", true, "spec")})
	count(cp002.violation) == 1 with input as fleet("primary", [c], annotated(["cluster1"]))
}

test_annotation_naming_itself_or_all_passes if {
	c := cp({"role": "primary", "istiod": fact("cluster2", true, "spec")})
	count(cp002.violation) == 0 with input as fleet("primary", [c], annotated(["cluster2"]))
	count(cp002.violation) == 0 with input as fleet("primary", [c], annotated(["*"]))
}

test_annotation_naming_unknown_cluster_is_silent if {
	c := cp({"role": "primary", "istiod": fact("cluster2", true, "spec")})
	count(cp002.violation) == 0 with input as fleet("primary", [c], annotated(["elsewhere"]))
}

test_plain_primary_passes if {
	c := cp({"role": "primary", "istiod": fact("cluster2", true, "spec")})
	count(cp002.violation) == 0 with input as fleet("primary", [c], {})
}
