package meshcheck.rules.mesh.ms007_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms007

istiod(mesh_id, td) := {"namespace": "istio-system", "revision": "", "role": "primary", "mesh_id": {"value": mesh_id, "source": {"file": "cp.yaml"}}, "trust_domain": {"value": td, "source": {}}}

cacerts(fp) := {"name": "cacerts", "namespace": "istio-system", "keys": [], "root_fingerprint": fp, "self_signed": false, "source": {}}

cluster(name, cp, fp) := {"name": name, "role": "primary", "control_planes": [cp], "ca_secrets": [cacerts(fp)]}

fleet(c1, c2, links) := groups.with_groups({
	"clusters": {"cluster1": c1, "cluster2": c2},
	"links": links,
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

mesh_id_link := [{"from": "cluster1", "to": "cluster2", "kind": "mesh-id"}]

test_two_meshes_share_a_mesh_id if {
	c1 := cluster("cluster1", istiod("mesh1", "one.example"), "sha256:aa")
	c2 := cluster("cluster2", istiod("mesh1", "two.example"), "sha256:bb")
	vs := ms007.violation with input as fleet(c1, c2, mesh_id_link)
	count(vs) == 1
	some v in vs
	v.code == "MS007"
	v.at.file == "cp.yaml"
}

test_linked_clusters_are_one_mesh if {
	c1 := cluster("cluster1", istiod("mesh1", "one.example"), "sha256:aa")
	c2 := cluster("cluster2", istiod("mesh1", "two.example"), "sha256:bb")
	links := array.concat(mesh_id_link, [{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"}])
	count(ms007.violation) == 0 with input as fleet(c1, c2, links)
}

test_shared_root_means_one_mesh if {
	c1 := cluster("cluster1", istiod("mesh1", "one.example"), "sha256:aa")
	c2 := cluster("cluster2", istiod("mesh1", "two.example"), "sha256:aa")
	count(ms007.violation) == 0 with input as fleet(c1, c2, mesh_id_link)
}

test_shared_trust_domain_means_one_mesh if {
	c1 := cluster("cluster1", istiod("mesh1", "cluster.local"), "sha256:aa")
	c2 := cluster("cluster2", istiod("mesh1", "cluster.local"), "sha256:bb")
	count(ms007.violation) == 0 with input as fleet(c1, c2, mesh_id_link)
}

test_unknown_root_is_silent if {
	c1 := cluster("cluster1", istiod("mesh1", "one.example"), "sha256:aa")
	c2 := object.union(cluster("cluster2", istiod("mesh1", "two.example"), "sha256:bb"), {"ca_secrets": []})
	count(ms007.violation) == 0 with input as fleet(c1, c2, mesh_id_link)
}
