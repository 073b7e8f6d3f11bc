package meshcheck.rules.controlplane.cp009_test

import data.meshcheck.rules.controlplane.cp009

fact(c, v, path) := {"value": v, "source": {"cluster": c, "path": path}}

ext_cp(id, name) := {
	"namespace": "external-istiod", "revision": "", "role": "external",
	"cluster_id": fact("ext", id, "env.CLUSTER_ID"),
	"cluster_name": fact("ext", name, "values.clusterName"),
	"env": {"CLUSTER_ID": fact("ext", id, "env.CLUSTER_ID")},
	"sources": [{"cluster": "ext"}],
}

config_secret(name) := {"name": name, "namespace": "external-istiod", "type": "config", "source": {"cluster": "ext", "path": name}}

remote_cp(ns) := {"namespace": ns, "revision": "", "role": "remote", "sources": [{"cluster": "remote1"}]}

fleet(cp, secrets, complete, rid, rns) := {"clusters": {
	"ext": {"role": "external", "control_planes": [cp], "remote_secrets": secrets, "complete": {"Secret": complete}},
	"remote1": {
		"role": "remote", "config_cluster": true, "id": fact("remote1", rid, "injectionURL"),
		"control_plane_cluster": "ext", "control_planes": [remote_cp(rns)],
	},
}}

test_official_passes if {
	f := fleet(ext_cp("remote1", "remote1"), [config_secret("istio-kubeconfig")], true, "remote1", "external-istiod")
	count(cp009.violation) == 0 with input as f
}

test_cluster_id_differs_from_cluster_name_fires if {
	f := fleet(ext_cp("remote1", "remote-1"), [config_secret("istio-kubeconfig")], false, "remote1", "external-istiod")
	vs := cp009.violation with input as f
	count(vs) == 1
	some v in vs
	v.code == "CP009"
	v.at.path == "env.CLUSTER_ID"
}

test_cluster_id_differs_from_config_cluster_fires if {
	f := fleet(ext_cp("cluster-a", "cluster-a"), [config_secret("istio-kubeconfig")], false, "remote1", "external-istiod")
	f2 := json.remove(f, ["clusters/remote1/control_plane_cluster"])
	vs := cp009.violation with input as f2
	count(vs) == 1
	some v in vs
	contains(v.message, "calls itself")
}

test_config_cluster_registered_twice_fires if {
	rs := {
		"name": "istio-remote-secret-remote1", "namespace": "external-istiod", "type": "remote",
		"entries": [{"key": "remote1"}], "source": {"cluster": "ext", "path": "remote"},
	}
	f := fleet(ext_cp("remote1", "remote1"), [config_secret("istio-kubeconfig"), rs], false, "remote1", "external-istiod")
	vs := cp009.violation with input as f
	count(vs) == 1
	some v in vs
	v.at.path == "remote"
}

test_remote_secret_for_second_remote_passes if {
	rs := {"name": "istio-remote-secret-second", "namespace": "external-istiod", "type": "remote", "entries": [{"key": "second"}], "source": {}}
	f := fleet(ext_cp("remote1", "remote1"), [config_secret("istio-kubeconfig"), rs], false, "remote1", "external-istiod")
	count(cp009.violation) == 0 with input as f
}

test_no_config_secret_fires_only_when_complete if {
	count(cp009.violation) == 1 with input as fleet(ext_cp("remote1", "remote1"), [], true, "remote1", "external-istiod")
	count(cp009.violation) == 0 with input as fleet(ext_cp("remote1", "remote1"), [], false, "remote1", "external-istiod")
}

test_istio_namespace_mismatch_fires if {
	f := fleet(ext_cp("remote1", "remote1"), [config_secret("istio-kubeconfig")], false, "remote1", "istio-system")
	vs := cp009.violation with input as f
	count(vs) == 1
	some v in vs
	v.cluster == "remote1"
}

test_no_external_control_plane_is_silent if {
	f := fleet(object.union(ext_cp("x", "y"), {"role": "primary"}), [], true, "remote1", "istio-system")
	count(cp009.violation) == 0 with input as f
}
