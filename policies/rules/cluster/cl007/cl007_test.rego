package meshcheck.rules.cluster.cl007_test

import data.meshcheck.rules.cluster.cl007

fact(v, path) := {"value": v, "source": {"path": path}}

test_injection_parameter_differs_from_cluster_name if {
	cp := {
		"role": "remote", "namespace": "istio-system",
		"injection_path": fact("/inject/cluster/cluster2/net/network1", "spec.values.istiodRemote.injectionPath"),
		"injection_cluster": fact("cluster2", "spec.values.istiodRemote.injectionPath"),
		"cluster_name": fact("remote", "spec.values.global.multiCluster.clusterName"),
	}
	vs := cl007.violation with input as {"clusters": {"cluster2": {"role": "remote", "control_planes": [cp], "remote_secrets": []}}}
	count(vs) == 1
	some v in vs
	v.code == "CL007"
	v.at.path == "spec.values.global.multiCluster.clusterName"
}

test_same_names_are_silent if {
	cp := {
		"role": "remote", "namespace": "istio-system",
		"injection_cluster": fact("cluster2", "spec.values.istiodRemote.injectionPath"),
		"cluster_name": fact("cluster2", "spec.values.global.multiCluster.clusterName"),
	}
	count(cl007.violation) == 0 with input as {"clusters": {"cluster2": {"role": "remote", "control_planes": [cp], "remote_secrets": []}}}
}

test_cluster_name_unset_is_silent if {
	cp := {"role": "remote", "namespace": "istio-system", "injection_cluster": fact("cluster2", "spec.values.istiodRemote.injectionPath")}
	count(cl007.violation) == 0 with input as {"clusters": {"cluster2": {"role": "remote", "control_planes": [cp], "remote_secrets": []}}}
}

entry(key) := {
	"key": key, "current_context": key, "context_cluster": key,
	"server": "https://cluster2.example.com:6443", "server_host": "cluster2.example.com",
	"has_credentials": true, "source": {"path": sprintf("stringData.%s", [key])},
}

fleet(key) := {"clusters": {
	"cluster1": {
		"role": "primary", "id": fact("cluster1", "spec.values.global.multiCluster.clusterName"),
		"control_planes": [],
		"remote_secrets": [{"name": sprintf("istio-remote-secret-%s", [key]), "namespace": "istio-system", "type": "remote", "entries": [entry(key)]}],
	},
	"cluster2": {
		"role": "remote", "id": fact("cluster2", "spec.values.istiodRemote.injectionPath"),
		"control_planes": [], "remote_secrets": [],
	},
}}

test_primary_secret_key_differs_from_remote_name if {
	vs := cl007.violation with input as fleet("remote")
	count(vs) == 1
	some v in vs
	v.cluster == "cluster1"
	v.at.path == "stringData.remote"
	contains(v.message, `as "remote"`)
	contains(v.message, "from its injection path")
}

test_primary_secret_key_matches_remote_name if {
	count(cl007.violation) == 0 with input as fleet("cluster2")
}

test_secret_without_evidence_is_silent if {
	f := fleet("remote")
	e := object.union(entry("remote"), {"server": "https://203.0.113.9:6443", "server_host": "203.0.113.9"})
	rs := object.union(f.clusters.cluster1.remote_secrets[0], {"entries": [e]})
	g := object.union(f, {"clusters": {"cluster1": object.union(f.clusters.cluster1, {"remote_secrets": [rs]})}})
	count(cl007.violation) == 0 with input as g
}
