package meshcheck.rules.mesh.ms001_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms001

fact(v) := {"value": v, "source": {"path": "spec.values.global.meshID"}}

istiod(extra) := object.union({"namespace": "istio-system", "revision": "", "role": "primary", "sources": [{"object": {"kind": "IstioOperator"}, "file": "cp.yaml", "line": 2}]}, extra)

cluster(name, cp) := {"name": name, "role": "primary", "control_planes": [cp]}

secrets_both_ways := [
	{"from": "cluster1", "to": "cluster2", "kind": "remote-secret", "source": {}},
	{"from": "cluster2", "to": "cluster1", "kind": "remote-secret", "source": {}},
]

fleet(cp1, cp2, links) := groups.with_groups({
	"clusters": {"cluster1": cluster("cluster1", cp1), "cluster2": cluster("cluster2", cp2)},
	"links": links,
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

test_different_mesh_ids_in_multi_primary if {
	vs := ms001.violation with input as fleet(istiod({"mesh_id": fact("mesh1")}), istiod({"mesh_id": fact("mesh2")}), secrets_both_ways)
	count(vs) == 1
	some v in vs
	v.code == "MS001"
	v.cluster == "cluster2"
	contains(v.message, `"mesh1"`)
}

test_unset_mesh_id_defaults_to_trust_domain if {
	cp2 := istiod({"trust_domain": {"value": "cluster.local", "default": true, "source": {}}})
	vs := ms001.violation with input as fleet(istiod({"mesh_id": fact("mesh1")}), cp2, secrets_both_ways)
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
	v.at.file == "cp.yaml"
	contains(v.message, "defaults to its trust domain")
}

test_unset_mesh_id_equal_to_trust_domain_passes if {
	cp2 := istiod({"trust_domain": {"value": "mesh1", "source": {}}})
	count(ms001.violation) == 0 with input as fleet(istiod({"mesh_id": fact("mesh1")}), cp2, secrets_both_ways)
}

test_same_mesh_id_passes if {
	count(ms001.violation) == 0 with input as fleet(istiod({"mesh_id": fact("mesh1")}), istiod({"mesh_id": fact("mesh1")}), secrets_both_ways)
}

test_one_way_secret_is_left_to_ms009 if {
	inp := fleet(istiod({"mesh_id": fact("mesh1")}), istiod({"mesh_id": fact("mesh2")}), [secrets_both_ways[0]])
	count(ms001.violation) == 0 with input as inp
}

test_declared_mesh_counts if {
	inp := fleet(istiod({"mesh_id": fact("mesh1")}), istiod({"mesh_id": fact("mesh2")}), [{"from": "cluster1", "to": "cluster2", "kind": "declared"}])
	count(ms001.violation) == 1 with input as inp
}

test_both_unset_is_left_to_ms006 if {
	cp1 := istiod({"trust_domain": {"value": "a.local", "source": {}}})
	cp2 := istiod({"trust_domain": {"value": "b.local", "source": {}}})
	count(ms001.violation) == 0 with input as fleet(cp1, cp2, secrets_both_ways)
}

test_unknown_mesh_id_is_silent if {
	count(ms001.violation) == 0 with input as fleet(istiod({"mesh_id": fact("mesh1")}), istiod({}), secrets_both_ways)
}

test_remote_is_not_compared if {
	remote := istiod({"role": "remote", "mesh_id": fact("other")})
	inp := groups.with_groups({
		"clusters": {"cluster1": cluster("cluster1", istiod({"mesh_id": fact("mesh1")})), "cluster2": {"name": "cluster2", "role": "remote", "control_planes": [remote]}},
		"links": [{"from": "cluster2", "to": "cluster1", "kind": "control-plane"}],
		"meshes": [{"clusters": ["cluster1", "cluster2"]}],
	})
	count(ms001.violation) == 0 with input as inp
}
