package meshcheck.rules.controlplane.cp004_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.controlplane.cp004

fact(c, v) := {"value": v, "source": {"cluster": c, "path": "id"}}

pcp(c) := {"namespace": "istio-system", "revision": "", "role": "primary", "sources": [{"cluster": c, "path": ""}]}

secret(target) := {
	"name": concat("", ["istio-remote-secret-", target]), "namespace": "istio-system", "type": "remote",
	"entries": [{"key": target, "context_cluster": target}],
}

cluster(name, complete, secrets) := {
	"role": "primary", "id": fact(name, name), "complete": {"Secret": complete},
	"control_planes": [pcp(name)], "remote_secrets": secrets,
}

fleet(c1, c2, links) := groups.with_groups({
	"clusters": {"cluster1": c1, "cluster2": c2},
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
	"links": links,
})

link(f, t) := {"from": f, "to": t, "kind": "remote-secret"}

test_multi_primary_missing_secret_fires if {
	f := fleet(cluster("cluster1", true, [secret("cluster2")]), cluster("cluster2", true, []), [link("cluster1", "cluster2")])
	vs := cp004.violation with input as f
	count(vs) == 1
	some v in vs
	v.code == "CP004"
	v.cluster == "cluster2"
}

test_multi_primary_both_ways_passes if {
	f := fleet(cluster("cluster1", true, [secret("cluster2")]), cluster("cluster2", true, [secret("cluster1")]), [link("cluster1", "cluster2"), link("cluster2", "cluster1")])
	count(cp004.violation) == 0 with input as f
}

test_secret_recognized_without_link if {
	# the model could not resolve the key (e.g. ambiguous IDs); the key still names the cluster
	f := fleet(cluster("cluster1", true, [secret("cluster2")]), cluster("cluster2", true, [secret("cluster1")]), [])
	count(cp004.violation) == 0 with input as f
}

test_incomplete_inventory_is_silent if {
	f := fleet(cluster("cluster1", false, [secret("cluster2")]), cluster("cluster2", false, []), [link("cluster1", "cluster2")])
	count(cp004.violation) == 0 with input as f
}

test_remote_holds_nothing if {
	c2 := object.union(cluster("cluster2", true, []), {"role": "remote", "control_plane_cluster": "cluster1"})
	f := fleet(cluster("cluster1", true, [secret("cluster2")]), c2, [link("cluster1", "cluster2")])
	count(cp004.violation) == 0 with input as f
}

test_primary_without_secret_for_its_remote_fires if {
	c2 := object.union(cluster("cluster2", false, []), {"role": "remote", "control_plane_cluster": "cluster1"})
	f := fleet(cluster("cluster1", true, []), c2, [{"from": "cluster2", "to": "cluster1", "kind": "control-plane"}])
	vs := cp004.violation with input as f
	count(vs) == 1
	some v in vs
	v.cluster == "cluster1"
}

test_external_needs_secret_for_second_remote_only if {
	ext := {
		"role": "external", "complete": {"Secret": true}, "remote_secrets": [],
		"control_planes": [{"namespace": "external-istiod", "revision": "", "role": "external", "cluster_id": fact("ext", "remote1"), "sources": [{}]}],
	}
	r1 := {"role": "remote", "id": fact("remote1", "remote1"), "control_plane_cluster": "ext", "config_cluster": true, "control_planes": []}
	r2 := {"role": "remote", "id": fact("remote2", "remote2"), "control_plane_cluster": "ext", "control_planes": []}
	f := {"clusters": {"ext": ext, "remote1": r1, "remote2": r2}, "meshes": [{"clusters": ["ext", "remote1", "remote2"]}], "links": []}
	vs := cp004.violation with input as f
	count(vs) == 1
	some v in vs
	contains(v.message, "remote2")
}

test_one_finding_per_holder_names_what_it_lacks if {
	remotes := {sprintf("remote%d", [i]): {"role": "remote", "id": fact(sprintf("remote%d", [i]), sprintf("remote%d", [i])), "control_plane_cluster": "cluster2", "control_planes": []} | some i in numbers.range(1, 7)}
	clusters := object.union(remotes, {"cluster1": cluster("cluster1", true, [secret("cluster2")]), "cluster2": cluster("cluster2", false, [])})
	f := groups.with_groups({"clusters": clusters, "meshes": [{"clusters": object.keys(clusters)}], "links": [link("cluster1", "cluster2")]})
	vs := cp004.violation with input as f
	count(vs) == 1
	some v in vs
	v.cluster == "cluster1"
	contains(v.message, "7 clusters of its mesh (remote1, remote2, remote3, remote4, remote5 and 2 more)")
	count(v.related) == 5
}
