package meshcheck.rules.network.nw013_test

import data.meshcheck.rules.network.nw013

secret(key) := {"name": sprintf("istio-remote-secret-%s", [key]), "type": "remote", "entries": [{"key": key}]}

cluster(id, mn, secrets) := {
	"id": {"value": id},
	"remote_secrets": secrets,
	"complete": {},
	"control_planes": [{
		"role": "primary",
		"cluster_id": {"value": id, "source": {"path": "global.multiCluster.clusterName"}},
		"mesh_networks": {"value": mn, "source": {"path": "global.meshNetworks"}},
	}],
}

gw := [{"address": "203.0.113.10", "port": 15443}]

good := {
	"network1": {"endpoints": [{"fromRegistry": "cluster1"}], "gateways": gw},
	"network2": {"endpoints": [{"fromRegistry": "cluster2"}], "gateways": gw},
}

fleet(c1) := {"clusters": {"cluster1": c1, "cluster2": {"id": {"value": "cluster2"}, "remote_secrets": [], "control_planes": []}}, "meshes": [{"clusters": ["cluster1", "cluster2"]}]}

test_consistent_mesh_networks if {
	count(nw013.violation) == 0 with input as fleet(cluster("cluster1", good, [secret("cluster2")]))
}

test_unknown_registry if {
	mn := object.union(good, {"network2": {"endpoints": [{"fromRegistry": "cluster3"}]}})
	vs := nw013.violation with input as fleet(cluster("cluster1", mn, [secret("cluster2")]))
	count(vs) == 1
	some v in vs
	v.code == "NW013"
	contains(v.message, "cluster3")
	v.at.path == "global.meshNetworks"
}

test_unknown_registry_without_secrets_in_files_is_silent if {
	mn := object.union(good, {"network2": {"endpoints": [{"fromRegistry": "cluster3"}]}})
	count(nw013.violation) == 0 with input as fleet(cluster("cluster1", mn, []))
}

test_kubernetes_registry_with_explicit_cluster_id if {
	mn := object.union(good, {"network1": {"endpoints": [{"fromRegistry": "Kubernetes"}]}})
	count(nw013.violation) == 1 with input as fleet(cluster("cluster1", mn, []))
	count(nw013.violation) == 0 with input as fleet(cluster("Kubernetes", mn, []))
}

test_registry_in_two_networks if {
	mn := object.union(good, {"network2": {"endpoints": [{"fromRegistry": "cluster1"}]}})
	vs := nw013.violation with input as fleet(cluster("cluster1", mn, [secret("cluster2")]))
	count(vs) == 1
	some v in vs
	contains(v.message, "several networks")
}

test_overlapping_cidrs if {
	mn := {
		"network1": {"endpoints": [{"fromCidr": "10.0.0.0/16"}], "gateways": gw},
		"network2": {"endpoints": [{"fromCidr": "10.0.128.0/17"}, {"fromCidr": "not-a-cidr"}], "gateways": gw},
	}
	count(nw013.violation) == 1 with input as fleet(cluster("cluster1", mn, []))
}

test_disjoint_cidrs if {
	mn := {
		"network1": {"endpoints": [{"fromCidr": "10.0.0.0/16"}], "gateways": gw},
		"network2": {"endpoints": [{"fromCidr": "10.1.0.0/16"}], "gateways": gw},
	}
	count(nw013.violation) == 0 with input as fleet(cluster("cluster1", mn, []))
}

test_network_without_gateways if {
	mn := object.union(good, {"network2": {"gateways": []}})
	vs := nw013.violation with input as fleet(cluster("cluster1", mn, [secret("cluster2")]))
	count(vs) == 1
	some v in vs
	contains(v.message, "no gateways")
}

test_network_with_labelled_gateway_elsewhere if {
	mn := object.union(good, {"network2": {"gateways": []}})
	inp := object.union(fleet(cluster("cluster1", mn, [secret("cluster2")])), {"clusters": {"cluster2": {"network_gateways": [{"name": "ew", "network": {"value": "network2"}}]}}})
	count(nw013.violation) == 0 with input as inp
}

test_single_network_needs_no_gateways if {
	mn := {"network1": {"endpoints": [{"fromRegistry": "cluster1"}]}}
	count(nw013.violation) == 0 with input as fleet(cluster("cluster1", mn, []))
}

test_ambient_cluster_is_a_warning if {
	mn := object.union(good, {"network2": {"endpoints": [{"fromRegistry": "cluster1"}]}})
	c := cluster("cluster1", mn, [secret("cluster2")])
	ambient := object.union(c, {"control_planes": [object.union(c.control_planes[0], {"ambient": {"value": true}})]})
	vs := nw013.violation with input as fleet(ambient)
	count(vs) == 1
	some v in vs
	v.severity == "warning"
	some w in nw013.violation with input as fleet(c)
	w.severity == "error"
}

test_unknown_own_cluster_id_is_silent if {
	mn := object.union(good, {"network2": {"endpoints": [{"fromRegistry": "cluster3"}]}})
	c := cluster("cluster1", mn, [secret("cluster2")])
	unknown := object.union(c, {"control_planes": [object.remove(c.control_planes[0], ["cluster_id"])]})
	count(nw013.violation) == 0 with input as fleet(unknown)
}
