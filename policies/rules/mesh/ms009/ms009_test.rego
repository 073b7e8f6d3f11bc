package meshcheck.rules.mesh.ms009_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms009

istiod(mesh_id) := {"namespace": "istio-system", "revision": "", "role": "primary", "mesh_id": {"value": mesh_id, "source": {}}}

secret(a, b) := {"from": a, "to": b, "kind": "remote-secret", "source": {"object": {"kind": "Secret", "name": sprintf("istio-remote-secret-%s", [b])}, "path": sprintf("stringData.%s", [b]), "file": "secret.yaml"}}

fleet(c2, links) := groups.with_groups({
	"clusters": {"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [istiod("mesh1")]}, "cluster2": c2},
	"links": links,
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

primary(mesh_id) := {"name": "cluster2", "role": "primary", "control_planes": [istiod(mesh_id)]}

test_one_way_secret_into_another_mesh if {
	vs := ms009.violation with input as fleet(primary("mesh2"), [secret("cluster1", "cluster2")])
	count(vs) == 1
	some v in vs
	v.code == "MS009"
	v.cluster == "cluster1"
	v.at.file == "secret.yaml"
	contains(v.message, "istio-remote-secret-cluster2")
}

test_same_mesh_id if {
	count(ms009.violation) == 0 with input as fleet(primary("mesh1"), [secret("cluster1", "cluster2")])
}

test_secrets_both_ways_are_ms001 if {
	links := [secret("cluster1", "cluster2"), secret("cluster2", "cluster1")]
	count(ms009.violation) == 0 with input as fleet(primary("mesh2"), links)
}

test_unset_mesh_id_is_silent if {
	c2 := {"name": "cluster2", "role": "primary", "control_planes": [object.remove(istiod("x"), ["mesh_id"])]}
	count(ms009.violation) == 0 with input as fleet(c2, [secret("cluster1", "cluster2")])
}

test_remote_of_another_mesh if {
	remote := {"name": "cluster2", "role": "remote", "control_planes": [object.union(istiod("mesh2"), {"role": "remote", "mesh_id": {"inherited_from": "cluster3"}})]}
	count(ms009.violation) == 1 with input as fleet(remote, [secret("cluster1", "cluster2")])
}

test_own_remote_is_one_mesh if {
	remote := {"name": "cluster2", "role": "remote", "control_planes": [object.union(istiod("mesh1"), {"role": "remote", "mesh_id": {"inherited_from": "cluster1"}})]}
	links := [secret("cluster1", "cluster2"), {"from": "cluster2", "to": "cluster1", "kind": "control-plane"}]
	count(ms009.violation) == 0 with input as fleet(remote, links)
}
