package meshcheck.rules.mesh.ms002_test

import data.meshcheck.rules.mesh.ms002

istiod(extra) := object.union({"namespace": "istio-system", "revision": "", "role": "primary", "sources": [{"object": {"kind": "HelmValues"}, "file": "istiod-values.yaml", "line": 1}]}, extra)

fleet(cp, extra) := object.union(
	{
		"clusters": {"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [cp], "remote_secrets": [{"name": "istio-remote-secret-cluster2"}]}},
		"links": [],
		"meshes": [{"clusters": ["cluster1"]}],
	},
	extra,
)

test_multicluster_without_mesh_id if {
	vs := ms002.violation with input as fleet(istiod({"trust_domain": {"value": "cluster.local", "default": true}}), {})
	count(vs) == 1
	some v in vs
	v.code == "MS002"
	v.at.file == "istiod-values.yaml"
}

test_mesh_id_set if {
	count(ms002.violation) == 0 with input as fleet(istiod({"mesh_id": {"value": "mesh1"}}), {})
}

test_single_cluster_is_not_checked if {
	inp := {"clusters": {"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [istiod({})], "remote_secrets": []}}, "links": [], "meshes": [{"clusters": ["cluster1"]}]}
	count(ms002.violation) == 0 with input as inp
}

test_remote_and_gateway_istiod_are_not_checked if {
	remote := {"name": "cluster1", "role": "remote", "control_planes": [istiod({"role": "remote"})], "remote_secrets": []}
	count(ms002.violation) == 0 with input as fleet(istiod({}), {"clusters": {"cluster1": remote}})
	external := {"name": "cluster1", "role": "external", "remote_secrets": [{}], "control_planes": [
		istiod({"role": "external", "namespace": "external-istiod", "mesh_id": {"value": "mesh1"}}),
		istiod({}),
	]}
	count(ms002.violation) == 0 with input as fleet(istiod({}), {"clusters": {"cluster1": external}})
}
