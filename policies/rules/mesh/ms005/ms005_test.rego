package meshcheck.rules.mesh.ms005_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms005

istiod := {"namespace": "istio-system", "revision": "", "role": "primary", "env": {}, "values": {}, "sources": [{"object": {"kind": "IstioOperator"}, "file": "cp.yaml", "line": 2}]}

selfsigned(fp) := {"name": "istio-ca-secret", "namespace": "istio-system", "keys": ["ca-cert.pem"], "root_fingerprint": fp, "self_signed": true, "source": {"file": sprintf("%s.yaml", [fp])}}

cacerts := {"name": "cacerts", "namespace": "istio-system", "keys": [], "root_fingerprint": "sha256:cc", "self_signed": false, "source": {}}

cluster(name, secrets, complete) := {"name": name, "role": "primary", "control_planes": [istiod], "ca_secrets": secrets, "complete": complete}

fleet(c1, c2) := groups.with_groups({
	"clusters": {"cluster1": c1, "cluster2": c2},
	"links": [
		{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"},
		{"from": "cluster2", "to": "cluster1", "kind": "remote-secret"},
	],
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

test_two_self_signed_istiods if {
	vs := ms005.violation with input as fleet(cluster("cluster1", [selfsigned("sha256:aa")], {}), cluster("cluster2", [selfsigned("sha256:bb")], {}))
	count(vs) == 1
	some v in vs
	v.code == "MS005"
	v.at.file == "sha256:bb.yaml"
}

test_copied_self_signed_root_passes if {
	inp := fleet(cluster("cluster1", [selfsigned("sha256:aa")], {}), cluster("cluster2", [selfsigned("sha256:aa")], {}))
	count(ms005.violation) == 0 with input as inp
}

test_cacerts_plugged_in_passes if {
	inp := fleet(cluster("cluster1", [selfsigned("sha256:aa"), cacerts], {}), cluster("cluster2", [selfsigned("sha256:bb")], {}))
	count(ms005.violation) == 0 with input as inp
}

test_missing_cacerts_in_git_is_unknown if {
	count(ms005.violation) == 0 with input as fleet(cluster("cluster1", [], {}), cluster("cluster2", [], {}))
}

test_complete_inventories_without_cacerts if {
	inp := fleet(cluster("cluster1", [], {"Secret": true}), cluster("cluster2", [], {"Secret": true}))
	vs := ms005.violation with input as inp
	count(vs) == 1
	some v in vs
	contains(v.message, "listed in full")
}
