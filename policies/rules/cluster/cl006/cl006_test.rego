package meshcheck.rules.cluster.cl006_test

import data.meshcheck.rules.cluster.cl006

cp(role, ns) := {"role": role, "namespace": ns, "sources": [{"path": ""}]}

secret(ns) := {"name": "istio-remote-secret-cluster2", "namespace": ns, "type": "remote", "entries": [], "source": {"path": "metadata.name"}}

fleet_of(role, cps, rs) := {"clusters": {"cluster1": {"role": role, "control_planes": cps, "remote_secrets": [rs]}}}

test_secret_outside_istiod_namespace_fires if {
	vs := cl006.violation with input as fleet_of("primary", [cp("primary", "istio-system")], secret("default"))
	count(vs) == 1
	some v in vs
	v.code == "CL006"
	contains(v.message, "namespace default")
}

test_secret_in_istiod_namespace_is_silent if {
	count(cl006.violation) == 0 with input as fleet_of("primary", [cp("primary", "istio-system")], secret("istio-system"))
}

test_istio_namespace_value_counts if {
	c := object.union(cp("primary", "istio-system"), {"istio_namespace": {"value": "mesh-system"}})
	count(cl006.violation) == 0 with input as fleet_of("primary", [c], secret("mesh-system"))
}

test_external_cluster_needs_external_namespace if {
	cps := [cp("primary", "istio-system"), cp("external", "external-istiod")]
	count(cl006.violation) == 0 with input as fleet_of("external", cps, secret("external-istiod"))
	vs := cl006.violation with input as fleet_of("external", cps, secret("istio-system"))
	count(vs) == 1
}

test_unknown_namespace_is_silent if {
	count(cl006.violation) == 0 with input as fleet_of("primary", [cp("primary", "istio-system")], secret(""))
}

test_unknown_control_plane_is_silent if {
	count(cl006.violation) == 0 with input as fleet_of("unknown", [], secret("default"))
}
