package meshcheck.lib.cluster_test

import data.meshcheck.lib.cluster

entry(key, host) := {
	"key": key, "current_context": key, "context_cluster": key,
	"server": sprintf("https://%s:6443", [host]), "server_host": host,
	"has_credentials": true, "source": {"path": sprintf("stringData.%s", [key])},
}

secret(e) := {"name": sprintf("istio-remote-secret-%s", [e.key]), "namespace": "istio-system", "type": "remote", "entries": [e]}

primary(id, secrets) := {
	"role": "primary",
	"id": {"value": id, "source": {"path": "spec.values.global.multiCluster.clusterName"}},
	"remote_secrets": secrets,
	"control_planes": [{"role": "primary", "namespace": "istio-system", "cluster_id": {"value": id}}],
}

uid := "8c5bd7e2-2f4a-4d1e-9b3c-6a0f1e7d2c94"

fleet_with(e) := {"clusters": {
	"cluster1": primary("cluster1", [secret(e)]),
	"cluster2": primary("cluster2", []),
}}

test_explicit_ids_skip_defaults if {
	ids := cluster.explicit_id with input as {"clusters": {
		"a": {"id": {"value": "a"}},
		"b": {"id": {"value": "Kubernetes", "default": true}},
		"c": {},
	}}
	ids == {"a": "a"}
}

test_target_by_server_host if {
	cluster.target("cluster1", entry(uid, "cluster2.example.com")) == "cluster2" with input as fleet_with(entry(uid, "cluster2.example.com"))
}

test_target_by_key_name if {
	cluster.target("cluster1", entry("cluster2", "10.0.0.2")) == "cluster2" with input as fleet_with(entry("cluster2", "10.0.0.2"))
}

test_no_target_without_evidence if {
	not cluster.target("cluster1", entry(uid, "10.0.0.2")) with input as fleet_with(entry(uid, "10.0.0.2"))
}

test_holder_is_never_the_target if {
	not cluster.target("cluster1", entry(uid, "cluster1.example.com")) with input as fleet_with(entry(uid, "cluster1.example.com"))
}

test_misnamed_uid_key if {
	ms := cluster.misnamed with input as fleet_with(entry(uid, "cluster2.example.com"))
	count(ms) == 1
	some m in ms
	m.target == "cluster2"
	m.target_id == "cluster2"
	m.holder == "cluster1"
}

test_key_naming_a_fleet_id_is_not_misnamed if {
	count(cluster.misnamed) == 0 with input as fleet_with(entry("cluster2", "cluster2.example.com"))
}

test_uid_hint if {
	cluster.uid_hint(uid) != ""
	cluster.uid_hint("cluster2") == ""
}

test_kubeconfig_problems if {
	cluster.kubeconfig_problem({"error": "kubeconfig is not valid YAML"}) == "kubeconfig is not valid YAML"
	contains(cluster.kubeconfig_problem({"current_context": "x"}), "names no context")
	contains(cluster.kubeconfig_problem({"current_context": "x", "context_cluster": "x"}), "no server")
	not cluster.kubeconfig_problem(entry("a", "a.example.com"))
}

test_secret_namespaces_of_external_cluster if {
	c := {"role": "external", "control_planes": [
		{"role": "primary", "namespace": "istio-system"},
		{"role": "external", "namespace": "external-istiod", "istio_namespace": {"value": "external-istiod"}},
	]}
	cluster.secret_namespaces(c) == {"external-istiod"}
}

test_reads_by_namespace if {
	cps := [
		{"role": "primary", "namespace": "usergroup-1"},
		{"role": "primary", "namespace": "usergroup-2"},
	]
	[cp.namespace | some cp in cps; cluster.reads(cp, {"namespace": "usergroup-2"})] == ["usergroup-2"]
	count([cp | some cp in cps; cluster.reads(cp, {"namespace": ""})]) == 2
}

test_sops_encrypted_secret if {
	rs := {"name": "istio-remote-secret-c2", "namespace": "istio-system"}
	cluster.encrypted(object.union(rs, {"encrypted": true}))
	not cluster.encrypted(rs)
}
