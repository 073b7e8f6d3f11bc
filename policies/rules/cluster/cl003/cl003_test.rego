package meshcheck.rules.cluster.cl003_test

import data.meshcheck.rules.cluster.cl003

uid := "8c5bd7e2-2f4a-4d1e-9b3c-6a0f1e7d2c94"

entry(key, host) := {
	"key": key, "current_context": key, "context_cluster": key,
	"server": sprintf("https://%s:6443", [host]), "server_host": host,
	"has_credentials": true, "source": {"path": sprintf("stringData.%s", [key])},
}

cl(role, id, entries) := {
	"role": role,
	"id": {"value": id, "source": {"path": "spec.values.global.multiCluster.clusterName"}},
	"remote_secrets": [{
		"name": sprintf("istio-remote-secret-%s", [e.key]),
		"namespace": "istio-system", "type": "remote", "entries": [e],
	} |
		some e in entries
	],
}

fleet(e, target_role) := {"clusters": {
	"cluster1": cl("primary", "cluster1", [e]),
	"cluster2": cl(target_role, "cluster2", []),
}}

test_uid_key_fires if {
	vs := cl003.violation with input as fleet(entry(uid, "cluster2.example.com"), "primary")
	count(vs) == 1
	some v in vs
	v.code == "CL003"
	v.cluster == "cluster1"
	v.at.path == sprintf("stringData.%s", [uid])
	contains(v.message, "kube-system namespace UID")
	contains(v.message, `calls itself "cluster2"`)
}

test_key_is_fleet_name_but_id_differs_fires if {
	f := {"clusters": {
		"cluster1": cl("primary", "cluster1", [entry("c2", "10.0.0.2")]),
		"c2": cl("primary", "cluster2", []),
	}}
	vs := cl003.violation with input as f
	count(vs) == 1
	some v in vs
	contains(v.message, "fleet's name for c2")
}

test_correct_key_is_silent if {
	count(cl003.violation) == 0 with input as fleet(entry("cluster2", "cluster2.example.com"), "primary")
}

test_no_evidence_is_silent if {
	count(cl003.violation) == 0 with input as fleet(entry(uid, "203.0.113.7"), "primary")
}

test_remote_target_is_left_to_cl007 if {
	count(cl003.violation) == 0 with input as fleet(entry(uid, "cluster2.example.com"), "remote")
}

test_unknown_target_id_is_silent if {
	f := {"clusters": {
		"cluster1": cl("primary", "cluster1", [entry(uid, "cluster2.example.com")]),
		"cluster2": {"role": "unknown", "remote_secrets": []},
	}}
	count(cl003.violation) == 0 with input as f
}

test_config_secret_is_not_checked if {
	c1 := cl("primary", "cluster1", [])
	cfg := object.union(c1, {"remote_secrets": [{
		"name": "istio-kubeconfig", "namespace": "external-istiod", "type": "config",
		"entries": [object.union(entry(uid, "cluster2.example.com"), {"key": "config"})],
	}]})
	count(cl003.violation) == 0 with input as {"clusters": {"cluster1": cfg, "cluster2": cl("primary", "cluster2", [])}}
}
