package meshcheck.rules.cluster.cl004_test

import data.meshcheck.rules.cluster.cl004

entry(key, ctx_cluster, creds) := {
	"key": key, "current_context": ctx_cluster, "context_cluster": ctx_cluster,
	"server": "https://cluster2.example.com:6443", "server_host": "cluster2.example.com",
	"has_credentials": creds, "source": {"path": sprintf("stringData.%s", [key])},
}

secret(type, annotation, e) := {
	"name": "istio-remote-secret-cluster2", "namespace": "istio-system", "type": type,
	"cluster_annotation": {"value": annotation, "source": {"path": "metadata.annotations.networking\\.istio\\.io/cluster"}},
	"entries": [e], "source": {"path": "metadata.name"},
}

fleet_of(rs) := {"clusters": {"cluster1": {"remote_secrets": [rs]}}}

test_well_formed_is_silent if {
	count(cl004.violation) == 0 with input as fleet_of(secret("remote", "cluster2", entry("cluster2", "cluster2", true)))
}

test_annotation_differs_from_key if {
	vs := cl004.violation with input as fleet_of(secret("remote", "c2", entry("cluster2", "cluster2", true)))
	count(vs) == 1
	some v in vs
	v.code == "CL004"
	startswith(v.at.path, "metadata.annotations")
}

test_missing_annotation if {
	rs := object.remove(secret("remote", "x", entry("cluster2", "cluster2", true)), ["cluster_annotation"])
	vs := cl004.violation with input as fleet_of(rs)
	count(vs) == 1
	some v in vs
	contains(v.message, "no networking.istio.io/cluster annotation")
}

test_context_cluster_differs_from_key if {
	vs := cl004.violation with input as fleet_of(secret("remote", "cluster2", entry("cluster2", "kind-cluster2", true)))
	count(vs) == 1
	some v in vs
	contains(v.message, "kind-cluster2")
}

test_no_credentials if {
	vs := cl004.violation with input as fleet_of(secret("remote", "cluster2", entry("cluster2", "cluster2", false)))
	count(vs) == 1
	some v in vs
	contains(v.message, "no credential")
	v.at.path == "stringData.cluster2"
}

test_unparseable_kubeconfig_reports_once if {
	e := {"key": "cluster2", "error": "kubeconfig is not valid YAML (line 3)", "has_credentials": false, "source": {}}
	vs := cl004.violation with input as fleet_of(secret("remote", "cluster2", e))
	count(vs) == 1
	some v in vs
	contains(v.message, "not valid YAML")
}

test_config_secret_checks_only_kubeconfig if {
	uid := "5b1e3c7a-9d2f-4e61-8a0b-7c4d2e9f1a36"
	ok := secret("config", uid, entry("config", uid, true))
	count(cl004.violation) == 0 with input as fleet_of(ok)
	vs := cl004.violation with input as fleet_of(secret("config", uid, entry("config", uid, false)))
	count(vs) == 1
}

test_secret_without_data_is_silent if {
	rs := object.union(secret("remote", "c2", entry("cluster2", "cluster2", true)), {"entries": []})
	count(cl004.violation) == 0 with input as fleet_of(rs)
}

test_sops_encrypted_kubeconfig_is_not_checked if {
	e := {"key": "cluster2", "error": "not a kubeconfig", "has_credentials": false, "source": {}}
	rs := object.union(secret("remote", "cluster2", e), {"encrypted": true})
	count(cl004.violation) == 0 with input as {"clusters": {"cluster1": {"remote_secrets": [rs]}}}
}

istiod(env) := {
	"role": "primary", "namespace": "istio-system", "revision": "", "istiod": {"value": true},
	"env": env, "sources": [{"object": {"kind": "IstioOperator"}, "path": "spec"}],
}

exec_fleet(cps) := {"clusters": {"cluster1": {"control_planes": cps, "remote_secrets": [secret(
	"remote", "cluster2",
	object.union(entry("cluster2", "cluster2", true), {"refused_auth": ["exec"]}),
)]}}}

no_token := secret("remote", "cluster2", entry("cluster2", "cluster2", false))

test_no_credentials_read_by_an_istiod_is_an_error if {
	some v in cl004.violation with input as {"clusters": {"cluster1": {"control_planes": [istiod({})], "remote_secrets": [no_token]}}}
	v.severity == "error"
}

test_no_credentials_istiod_not_shown_is_a_warning if {
	some v in cl004.violation with input as fleet_of(no_token)
	v.severity == "warning"
}

test_no_credentials_in_a_namespace_no_istiod_reads_is_ignored if {
	elsewhere := object.union(no_token, {"namespace": "team-a"})
	count(cl004.violation) == 0 with input as {"clusters": {"cluster1": {"control_planes": [istiod({})], "remote_secrets": [elsewhere]}}}
}

test_annotation_mismatch_stays_a_warning if {
	some v in cl004.violation with input as fleet_of(secret("remote", "c2", entry("cluster2", "cluster2", true)))
	not v.severity
}

test_refused_exec_with_istiod_shown_is_an_error if {
	vs := cl004.violation with input as exec_fleet([istiod({})])
	count(vs) == 1
	some v in vs
	v.severity == "error"
	contains(v.message, "uses exec, which istiod (istio-system/istiod) refuses")
	contains(v.fix, "PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS=exec on cluster1's istiod")
}

test_refused_exec_allowed_by_istiod_env if {
	allowed := {"PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS": {"value": "gcp,exec"}}
	count(cl004.violation) == 0 with input as exec_fleet([istiod(allowed)])
}

test_refused_exec_allowed_with_a_space_is_still_refused if {
	spaced := {"PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS": {"value": "gcp, exec"}}
	count(cl004.violation) == 1 with input as exec_fleet([istiod(spaced)])
}

test_refused_exec_istiod_not_shown_is_a_warning if {
	vs := cl004.violation with input as exec_fleet([])
	count(vs) == 1
	some v in vs
	v.severity == "warning"
	contains(v.message, "the inputs do not show the environment of cluster1's istiod")
}

test_refused_exec_istiod_env_not_shown_is_a_warning if {
	mesh_only := object.union(istiod({}), {"sources": [{"object": {"kind": "ConfigMap", "name": "istio"}, "path": "data"}]})
	vs := cl004.violation with input as exec_fleet([mesh_only])
	count(vs) == 1
	some v in vs
	v.severity == "warning"
}
