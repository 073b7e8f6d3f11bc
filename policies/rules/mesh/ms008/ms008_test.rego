package meshcheck.rules.mesh.ms008_test

import data.meshcheck.rules.mesh.ms008

istiod(mesh_id, td) := {"namespace": "istio-system", "revision": "", "role": "primary", "mesh_id": {"value": mesh_id, "source": {}}, "trust_domain": {"value": td, "default": td == "cluster.local", "source": {"file": sprintf("%s.yaml", [mesh_id])}}}

fleet(cp1, cp2, meshes, links) := {
	"clusters": {
		"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [cp1]},
		"cluster2": {"name": "cluster2", "role": "primary", "control_planes": [cp2]},
	},
	"links": links,
	"meshes": meshes,
}

apart := [{"clusters": ["cluster1"]}, {"clusters": ["cluster2"]}]

test_distinct_meshes_same_trust_domain if {
	vs := ms008.violation with input as fleet(istiod("mesh1", "cluster.local"), istiod("mesh2", "cluster.local"), apart, [])
	count(vs) == 1
	some v in vs
	v.code == "MS008"
	v.at.file == "mesh2.yaml"
	contains(v.message, "(the default)")
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
