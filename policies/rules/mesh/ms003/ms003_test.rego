package meshcheck.rules.mesh.ms003_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms003

istiod(extra) := object.union({"namespace": "istio-system", "revision": "", "role": "primary", "env": {}, "mesh_config": {}, "sources": []}, extra)

ca(name, fp) := {"name": name, "namespace": "istio-system", "keys": [], "root_fingerprint": fp, "root_subject": "CN=Root CA,O=Istio", "self_signed": name == "istio-ca-secret", "source": {"path": "metadata.name", "file": sprintf("%s.yaml", [fp])}}

cluster(name, cp, secrets) := {"name": name, "role": "primary", "control_planes": [cp], "ca_secrets": secrets}

fleet(c1, c2) := groups.with_groups({
	"clusters": {"cluster1": c1, "cluster2": c2},
	"links": [
		{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"},
		{"from": "cluster2", "to": "cluster1", "kind": "remote-secret"},
	],
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

test_different_cacerts_roots if {
	vs := ms003.violation with input as fleet(cluster("cluster1", istiod({}), [ca("cacerts", "sha256:aa")]), cluster("cluster2", istiod({}), [ca("cacerts", "sha256:bb")]))
	count(vs) == 1
	some v in vs
	v.code == "MS003"
	v.cluster == "cluster2"
	v.at.file == "sha256:bb.yaml"
}

test_shared_root if {
	inp := fleet(cluster("cluster1", istiod({}), [ca("cacerts", "sha256:aa")]), cluster("cluster2", istiod({}), [ca("cacerts", "sha256:aa")]))
	count(ms003.violation) == 0 with input as inp
}

test_plugged_against_self_signed if {
	inp := fleet(cluster("cluster1", istiod({}), [ca("cacerts", "sha256:aa")]), cluster("cluster2", istiod({}), [ca("istio-ca-secret", "sha256:bb")]))
	count(ms003.violation) == 1 with input as inp
}

test_two_self_signed_roots_are_left_to_ms005 if {
	inp := fleet(cluster("cluster1", istiod({}), [ca("istio-ca-secret", "sha256:aa")]), cluster("cluster2", istiod({}), [ca("istio-ca-secret", "sha256:bb")]))
	count(ms003.violation) == 0 with input as inp
}

test_unknown_root_is_silent if {
	inp := fleet(cluster("cluster1", istiod({}), [ca("cacerts", "sha256:aa")]), cluster("cluster2", istiod({}), []))
	count(ms003.violation) == 0 with input as inp
}

test_remote_is_exempt if {
	remote := {"name": "cluster2", "role": "remote", "control_planes": [istiod({"role": "remote"})], "ca_secrets": [ca("cacerts", "sha256:bb")]}
	count(ms003.violation) == 0 with input as fleet(cluster("cluster1", istiod({}), [ca("cacerts", "sha256:aa")]), remote)
}

multi_root(peer) := istiod({
	"multi_root": {"value": true},
	"ca_certificate_fingerprints": {"value": [peer]},
	"mesh_config": {"caCertificates": [{"pem": "..."}]},
})

test_multi_root_sidecar_mesh_trusting_both_ways if {
	inp := fleet(cluster("cluster1", multi_root("sha256:bb"), [ca("cacerts", "sha256:aa")]), cluster("cluster2", multi_root("sha256:aa"), [ca("cacerts", "sha256:bb")]))
	count(ms003.violation) == 0 with input as inp
}

test_multi_root_one_way_is_not_enough if {
	inp := fleet(cluster("cluster1", multi_root("sha256:bb"), [ca("cacerts", "sha256:aa")]), cluster("cluster2", istiod({}), [ca("cacerts", "sha256:bb")]))
	count(ms003.violation) == 1 with input as inp
}

amb(cp) := object.union(cp, {"ambient": {"value": true}})

test_multi_root_does_not_help_ambient if {
	inp := fleet(cluster("cluster1", amb(multi_root("sha256:bb")), [ca("cacerts", "sha256:aa")]), cluster("cluster2", amb(multi_root("sha256:aa")), [ca("cacerts", "sha256:bb")]))
	vs := ms003.violation with input as inp
	count(vs) == 1
	some v in vs
	contains(v.message, "ambient")
}

test_separate_meshes_are_not_compared if {
	c1 := cluster("cluster1", istiod({"mesh_id": {"value": "mesh1"}}), [ca("cacerts", "sha256:aa")])
	c2 := cluster("cluster2", istiod({"mesh_id": {"value": "mesh2"}}), [ca("cacerts", "sha256:bb")])
	inp := groups.with_groups(object.union(fleet(c1, c2), {"links": [{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"}]}))
	count(ms003.violation) == 0 with input as inp
}
