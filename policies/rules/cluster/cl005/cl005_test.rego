package meshcheck.rules.cluster.cl005_test

import data.meshcheck.rules.cluster.cl005

cp(role, ns, id) := {"role": role, "namespace": ns, "cluster_id": {"value": id, "source": {"path": "spec.values.global.multiCluster.clusterName"}}}

secret(type, ns, key) := {
	"name": sprintf("istio-remote-secret-%s", [key]), "namespace": ns, "type": type,
	"entries": [{"key": key, "source": {"path": sprintf("stringData.%s", [key])}}],
}

fleet_of(role, cps, rs) := {"clusters": {"cluster1": {"role": role, "control_planes": cps, "remote_secrets": [rs]}}}

test_secret_for_itself_fires if {
	vs := cl005.violation with input as fleet_of("primary", [cp("primary", "istio-system", "cluster1")], secret("remote", "istio-system", "cluster1"))
	count(vs) == 1
	some v in vs
	v.code == "CL005"
	v.cluster == "cluster1"
}

test_secret_for_peer_is_silent if {
	count(cl005.violation) == 0 with input as fleet_of("primary", [cp("primary", "istio-system", "cluster1")], secret("remote", "istio-system", "cluster2"))
}

test_external_cp_config_cluster_id_fires if {
	cps := [cp("primary", "istio-system", "Kubernetes"), cp("external", "external-istiod", "remote1")]
	vs := cl005.violation with input as fleet_of("external", cps, secret("remote", "external-istiod", "remote1"))
	count(vs) == 1
}

test_config_secret_is_not_checked if {
	cps := [cp("external", "external-istiod", "config")]
	count(cl005.violation) == 0 with input as fleet_of("external", cps, secret("config", "external-istiod", "config"))
}

test_other_namespace_istiod_is_not_the_reader if {
	cps := [cp("primary", "usergroup-1", "cluster1"), cp("primary", "usergroup-2", "other")]
	count(cl005.violation) == 0 with input as fleet_of("primary", cps, secret("remote", "usergroup-2", "cluster1"))
}

test_unknown_id_is_silent if {
	cps := [{"role": "primary", "namespace": "istio-system"}]
	count(cl005.violation) == 0 with input as fleet_of("primary", cps, secret("remote", "istio-system", "cluster1"))
}
