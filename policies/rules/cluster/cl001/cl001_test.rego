package meshcheck.rules.cluster.cl001_test

import data.meshcheck.rules.cluster.cl001

src(path) := {"cluster": "c", "path": path}

primary(id, dflt) := {
	"role": "primary",
	"id": {"value": id, "default": dflt, "source": src("spec.values.global.multiCluster.clusterName")},
	"remote_secrets": [],
	"control_planes": [{"role": "primary", "namespace": "istio-system"}],
}

with_secret(c) := object.union(c, {"remote_secrets": [{"name": "istio-remote-secret-x", "type": "remote", "entries": []}]})

two_clusters(c1, c2) := {
	"clusters": {"cluster1": c1, "cluster2": c2},
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
}

test_default_id_in_mesh_with_secrets_fires if {
	vs := cl001.violation with input as two_clusters(primary("cluster1", false), with_secret(primary("Kubernetes", true)))
	count(vs) == 1
	some v in vs
	v.code == "CL001"
	v.cluster == "cluster2"
	contains(v.message, "holds remote secrets")
	contains(v.message, `"Kubernetes"`)
}

test_default_id_in_mesh_without_secrets_fires if {
	vs := cl001.violation with input as two_clusters(primary("cluster1", false), primary("Kubernetes", true))
	count(vs) == 1
	some v in vs
	not contains(v.message, "holds remote secrets")
}

test_explicit_ids_are_silent if {
	count(cl001.violation) == 0 with input as two_clusters(primary("cluster1", false), primary("cluster2", false))
}

test_single_cluster_default_is_silent if {
	count(cl001.violation) == 0 with input as {"clusters": {"c": primary("Kubernetes", true)}, "meshes": [{"clusters": ["c"]}]}
}

test_external_cluster_is_silent if {
	ext := object.union(with_secret(primary("Kubernetes", true)), {"role": "external"})
	count(cl001.violation) == 0 with input as two_clusters(primary("cluster1", false), ext)
}

test_unknown_id_is_silent if {
	unknown := {"role": "unknown", "remote_secrets": [], "control_planes": []}
	count(cl001.violation) == 0 with input as two_clusters(primary("cluster1", false), unknown)
}

remote(cp) := {"role": "remote", "remote_secrets": [], "control_planes": [cp]}

test_remote_without_cluster_parameter_fires if {
	cp := {
		"role": "remote", "namespace": "istio-system",
		"injection_path": {"value": "/inject/net/network1", "source": src("spec.values.istiodRemote.injectionPath")},
	}
	vs := cl001.violation with input as two_clusters(primary("cluster1", false), remote(cp))
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
	v.at.path == "spec.values.istiodRemote.injectionPath"
	contains(v.message, "/inject/net/network1")
}

test_remote_with_cluster_parameter_is_silent if {
	cp := {
		"role": "remote", "namespace": "istio-system",
		"cluster_id": {"value": "cluster2", "source": src("spec.values.istiodRemote.injectionPath")},
	}
	c := object.union(remote(cp), {"id": cp.cluster_id})
	count(cl001.violation) == 0 with input as two_clusters(primary("cluster1", false), c)
}

test_remote_with_templated_cluster_name_is_silent if {
	cp := {
		"role": "remote", "namespace": "istio-system",
		"profile": {"value": "remote", "source": src("spec.profile")},
		"unknown": ["global.multiCluster.clusterName"],
	}
	count(cl001.violation) == 0 with input as two_clusters(primary("cluster1", false), remote(cp))
	count(cl001.violation) == 1 with input as two_clusters(primary("cluster1", false), remote(object.remove(cp, ["unknown"])))
}
