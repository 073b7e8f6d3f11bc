package meshcheck.rules.cluster.cl002_test

import data.meshcheck.rules.cluster.cl002

cl(id, dflt, role) := {
	"role": role,
	"id": {"value": id, "default": dflt, "source": {"path": "spec.values.global.multiCluster.clusterName"}},
}

fleet(c1, c2, meshes) := {"clusters": {"cluster1": c1, "cluster2": c2}, "meshes": meshes}

one_mesh := [{"clusters": ["cluster1", "cluster2"]}]

two_meshes := [{"clusters": ["cluster1"]}, {"clusters": ["cluster2"]}]

test_same_id_in_one_mesh_fires_on_both if {
	vs := cl002.violation with input as fleet(cl("east", false, "primary"), cl("east", false, "remote"), one_mesh)
	count(vs) == 2
	{v.cluster | some v in vs} == {"cluster1", "cluster2"}
	every v in vs {
		v.code == "CL002"
		count(v.related) == 1
	}
}

test_distinct_ids_are_silent if {
	count(cl002.violation) == 0 with input as fleet(cl("east", false, "primary"), cl("west", false, "primary"), one_mesh)
}

test_same_id_in_two_meshes_is_silent if {
	count(cl002.violation) == 0 with input as fleet(cl("east", false, "primary"), cl("east", false, "primary"), two_meshes)
}

test_default_ids_are_left_to_cl001 if {
	count(cl002.violation) == 0 with input as fleet(cl("Kubernetes", true, "primary"), cl("Kubernetes", true, "primary"), one_mesh)
}

test_external_host_is_skipped if {
	count(cl002.violation) == 0 with input as fleet(cl("east", false, "external"), cl("east", false, "remote"), one_mesh)
}

test_unknown_id_is_silent if {
	count(cl002.violation) == 0 with input as fleet(cl("east", false, "primary"), {"role": "unknown"}, one_mesh)
}

# A remote secret keyed by the shared ID is skipped as the holder's own:
# the message says discovery breaks; without one, what is keyed by ID.
test_message_follows_what_breaks if {
	holder := object.union(cl("east", false, "primary"), {"remote_secrets": [{"entries": [{"key": "east"}]}]})
	vs := cl002.violation with input as fleet(holder, cl("east", false, "primary"), one_mesh)
	some v1 in vs
	v1.cluster == "cluster1"
	contains(v1.message, "cluster1's istiod skips its remote secret keyed \"east\" as its own cluster, so cluster2's endpoints are never discovered")
	some v2 in vs
	v2.cluster == "cluster2"
	contains(v2.message, "cannot tell them apart")
}
