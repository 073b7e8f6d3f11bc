package meshcheck.rules.mesh.ms008_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms008

istiod(mesh_id, td) := {"namespace": "istio-system", "revision": "", "role": "primary", "mesh_id": {"value": mesh_id, "source": {}}, "trust_domain": {"value": td, "default": td == "cluster.local", "source": {"file": sprintf("%s.yaml", [mesh_id])}}}

cacerts(fp) := [{"name": "cacerts", "namespace": "istio-system", "root_fingerprint": fp, "source": {}}]

fleet(cp1, cp2, meshes, links) := fleet_roots(cp1, cp2, meshes, links, "sha256:aaaa", "sha256:aaaa")

fleet_roots(cp1, cp2, meshes, links, root1, root2) := groups.with_groups({
	"clusters": {
		"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [cp1], "ca_secrets": cacerts(root1)},
		"cluster2": {"name": "cluster2", "role": "primary", "control_planes": [cp2], "ca_secrets": cacerts(root2)},
	},
	"links": links,
	"meshes": meshes,
})

apart := [{"clusters": ["cluster1"]}, {"clusters": ["cluster2"]}]

test_distinct_meshes_same_trust_domain if {
	vs := ms008.violation with input as fleet(istiod("mesh1", "cluster.local"), istiod("mesh2", "cluster.local"), apart, [])
	count(vs) == 1
	some v in vs
	v.code == "MS008"
	v.at.file == "mesh2.yaml"
	contains(v.message, "(the default)")
}

test_same_trust_domain_with_own_roots_is_not_flagged if {
	count(ms008.violation) == 0 with input as fleet_roots(
		istiod("mesh1", "cluster.local"), istiod("mesh2", "cluster.local"), apart, [],
		"sha256:aaaa", "sha256:bbbb",
	)
}

test_same_trust_domain_unknown_roots_is_silent if {
	f := fleet(istiod("mesh1", "cluster.local"), istiod("mesh2", "cluster.local"), apart, [])
	count(ms008.violation) == 0 with input as json.remove(f, ["clusters/cluster1/ca_secrets", "clusters/cluster2/ca_secrets"])
}

test_distinct_trust_domains if {
	count(ms008.violation) == 0 with input as fleet(istiod("mesh1", "one.example"), istiod("mesh2", "two.example"), apart, [])
}

test_linked_by_remote_secret_is_left_to_ms009 if {
	one := [{"clusters": ["cluster1", "cluster2"]}]
	links := [{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"}]
	count(ms008.violation) == 0 with input as fleet(istiod("mesh1", "cluster.local"), istiod("mesh2", "cluster.local"), one, links)
}

test_unset_mesh_id_is_silent if {
	cp2 := object.remove(istiod("mesh2", "cluster.local"), ["mesh_id"])
	count(ms008.violation) == 0 with input as fleet(istiod("mesh1", "cluster.local"), cp2, apart, [])
}
