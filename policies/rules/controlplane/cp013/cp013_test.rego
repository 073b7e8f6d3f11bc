package meshcheck.rules.controlplane.cp013_test

import data.meshcheck.rules.controlplane.cp013

fact(v, path) := {"value": v, "source": {"cluster": "c", "path": path}}

cp(role, extra) := object.union({"namespace": "istio-system", "revision": "", "role": role, "sources": [{}], "env": {}}, extra)

amb := {"ambient": fact(true, "spec.profile")}

test_ambient_multi_primary_passes if {
	f := {"clusters": {"cluster1": {"role": "primary", "control_planes": [cp("primary", amb)], "ztunnels": []}, "cluster2": {"role": "primary", "control_planes": [cp("primary", amb)], "ztunnels": []}}}
	count(cp013.violation) == 0 with input as f
}

test_ambient_remote_via_env_fires if {
	c := cp("remote", {"ambient": fact(false, "spec.profile"), "env": {"PILOT_ENABLE_AMBIENT": fact("true", "pilot.env")}})
	vs := cp013.violation with input as {"clusters": {"cluster2": {"role": "remote", "control_planes": [c], "ztunnels": []}}}
	count(vs) == 1
	some v in vs
	v.code == "CP013"
	v.at.path == "pilot.env"
}

test_ambient_primary_serving_remote_fires if {
	f := {"clusters": {
		"cluster1": {"role": "primary", "control_planes": [cp("primary", amb)], "ztunnels": []},
		"cluster2": {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [cp("remote", {})], "ztunnels": []},
	}}
	vs := cp013.violation with input as f
	count(vs) == 1
	some v in vs
	v.cluster == "cluster1"
}

# EXTERNAL_ISTIOD only makes istiod lead clusters that name it as their
# control plane cluster; with no remote in the fleet it changes nothing
# (Istio's ambient multicluster CI sets it on both primaries).
test_ambient_primary_with_external_istiod_and_no_remote_passes if {
	c := cp("primary", object.union(amb, {"external_istiod": fact(true, "values.global.externalIstiod")}))
	f := {"clusters": {
		"cluster1": {"role": "primary", "control_planes": [c], "ztunnels": []},
		"cluster2": {"role": "primary", "control_planes": [cp("primary", object.union(amb, {"external_istiod": fact(true, "x")}))], "ztunnels": []},
	}}
	count(cp013.violation) == 0 with input as f
}

test_sidecar_primary_remote_passes if {
	f := {"clusters": {
		"cluster1": {"role": "primary", "control_planes": [cp("primary", {"ambient": fact(false, "p"), "external_istiod": fact(true, "x")})], "ztunnels": []},
		"cluster2": {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [cp("remote", {})], "ztunnels": []},
	}}
	count(cp013.violation) == 0 with input as f
}

test_unknown_profile_is_silent if {
	f := {"clusters": {
		"cluster1": {"role": "primary", "control_planes": [cp("primary", {})], "ztunnels": []},
		"cluster2": {"role": "remote", "control_plane_cluster": "cluster1", "control_planes": [cp("remote", {})], "ztunnels": []},
	}}
	count(cp013.violation) == 0 with input as f
}

test_ztunnel_on_remote_fires if {
	z := {"cluster": "cluster2", "object": {"apiVersion": "sailoperator.io/v1", "kind": "ZTunnel", "name": "default"}, "path": "metadata.name"}
	f := {"clusters": {"cluster2": {"role": "remote", "control_planes": [cp("remote", {})], "ztunnels": [z]}}}
	count(cp013.violation) == 1 with input as f
}
