package meshcheck.rules.controlplane.cp003_test

import data.meshcheck.rules.controlplane.cp003

fact(c, v, path) := {"value": v, "source": {"cluster": c, "path": path}}

primary_cp(extra) := object.union(
	{
		"namespace": "istio-system", "revision": "", "role": "primary",
		"cluster_id": fact("cluster1", "cluster1", "spec.values.global.multiCluster.clusterName"),
		"sources": [{"cluster": "cluster1", "object": {"kind": "IstioOperator"}}],
	},
	extra,
)

remote_cp := {
	"namespace": "istio-system", "revision": "", "role": "remote",
	"profile": fact("cluster2", "remote", "spec.profile"),
	"sources": [{"cluster": "cluster2", "object": {"kind": "IstioOperator"}}],
}

ns(annotation) := {"istio-system": object.union(
	{"name": "istio-system", "source": {"cluster": "cluster2", "path": "metadata.name"}},
	{"control_plane_clusters": fact("cluster2", annotation, "metadata.annotations") | annotation != null},
)}

fleet(pcp, namespaces) := {"clusters": {
	"cluster1": {"role": "primary", "id": fact("cluster1", "cluster1", "x"), "control_planes": [pcp]},
	"cluster2": {
		"role": "remote", "id": fact("cluster2", "cluster2", "y"),
		"control_plane_cluster": "cluster1",
		"control_planes": [remote_cp], "namespaces": namespaces,
	},
}}

ext := {"external_istiod": fact("cluster1", true, "spec.values.global.externalIstiod")}

test_official_primary_remote_passes if {
	count(cp003.violation) == 0 with input as fleet(primary_cp(ext), ns(["cluster1"]))
}

test_star_passes if {
	count(cp003.violation) == 0 with input as fleet(primary_cp(ext), ns(["*"]))
}

test_missing_annotation_fires if {
	vs := cp003.violation with input as fleet(primary_cp(ext), ns(null))
	count(vs) == 1
	some v in vs
	v.code == "CP003"
	v.cluster == "cluster2"
	v.at.path == "metadata.name"
	v.fix == "In cluster cluster2: kubectl annotate namespace istio-system topology.istio.io/controlPlaneClusters=cluster1 --overwrite"
}

test_annotation_naming_other_cluster_fires if {
	vs := cp003.violation with input as fleet(primary_cp(ext), ns(["cluster3"]))
	count(vs) == 1
	some v in vs
	v.at.path == "metadata.annotations"
}

test_namespace_not_shown_is_silent if {
	count(cp003.violation) == 0 with input as fleet(primary_cp(ext), {})
}

test_default_cluster_id_is_silent if {
	pcp := primary_cp(object.union(ext, {"cluster_id": {"value": "Kubernetes", "default": true, "source": {}}}))
	count(cp003.violation) == 0 with input as fleet(pcp, ns(["cluster1"]))
}

test_primary_without_external_istiod_fires if {
	vs := cp003.violation with input as fleet(primary_cp({}), ns(["cluster1"]))
	count(vs) == 1
	some v in vs
	v.cluster == "cluster1"
}

test_primary_with_external_istiod_false_fires if {
	pcp := primary_cp({"external_istiod": fact("cluster1", false, "spec.values.global.externalIstiod")})
	vs := cp003.violation with input as fleet(pcp, ns(["cluster1"]))
	some v in vs
	v.at.path == "spec.values.global.externalIstiod"
}

test_primary_env_not_shown_is_silent if {
	pcp := primary_cp({"sources": [{"cluster": "cluster1", "object": {"kind": "ConfigMap", "name": "istio"}}]})
	count(cp003.violation) == 0 with input as fleet(pcp, ns(["cluster1"]))
}

test_unserved_remote_is_silent if {
	f := fleet(primary_cp({}), ns(null))
	count(cp003.violation) == 0 with input as json.remove(f, ["clusters/cluster2/control_plane_cluster"])
}

test_config_cluster_of_external_needs_no_annotation if {
	ecp := primary_cp(object.union(ext, {"role": "external", "cluster_id": fact("cluster1", "cluster2", "env")}))
	f := fleet(ecp, ns(null))
	count(cp003.violation) == 0 with input as json.patch(f, [{"op": "replace", "path": "/clusters/cluster1/role", "value": "external"}])
}

test_second_remote_of_external_needs_config_cluster_in_annotation if {
	ecp := primary_cp(object.union(ext, {"role": "external", "cluster_id": fact("cluster1", "remote1", "env")}))
	f := json.patch(fleet(ecp, ns(["cluster1"])), [{"op": "replace", "path": "/clusters/cluster1/role", "value": "external"}])
	count(cp003.violation) == 1 with input as f
	g := json.patch(fleet(ecp, ns(["remote1"])), [{"op": "replace", "path": "/clusters/cluster1/role", "value": "external"}])
	count(cp003.violation) == 0 with input as g
}
