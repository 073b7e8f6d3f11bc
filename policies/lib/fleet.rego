# METADATA
# description: |
#   Shared views of the fleet model (docs/model.md) that several rules need:
#   which mesh a cluster is in, which clusters take part in a multicluster
#   mesh, and the control planes that speak for a cluster.
package meshcheck.lib.fleet

# mesh_index[name] is the index in input.meshes of the mesh holding cluster
# name. A comprehension, so that it is built once and every lookup is a
# keyed access (a partial rule would scan the meshes on each lookup).
mesh_index := {name: i |
	some i, mesh in input.meshes
	some name in mesh.clusters
}

# mesh_of(name) is the mesh holding cluster name.
mesh_of(name) := input.meshes[mesh_index[name]]

# same_mesh(a, b) holds for two distinct clusters of one mesh.
same_mesh(a, b) if {
	a != b
	mesh_index[a] == mesh_index[b]
}

# peers(name) are the other clusters of name's mesh: a set difference on
# each mesh's set of clusters, built once.
peers(name) := mesh_clusters[mesh_index[name]] - {name}

mesh_clusters := [{c | some c in mesh.clusters} | some mesh in input.meshes]

# multicluster[name] holds when the cluster takes part in a multicluster
# setup: it is in a mesh of several clusters, holds or is named by a remote
# secret, is a remote, or sets a network.
multicluster contains name if {
	some name, _ in input.clusters
	count(mesh_of(name).clusters) > 1
}

multicluster contains name if {
	some name, c in input.clusters
	count(c.remote_secrets) > 0
}

multicluster contains name if {
	some name, c in input.clusters
	c.role == "remote"
}

multicluster contains name if {
	some name, c in input.clusters
	c.network
}

# control_planes[name] are the control planes that serve the cluster's own
# workloads: all but the external ones it merely hosts for another cluster.
own_control_planes(c) := [cp | some cp in c.control_planes; cp.role != "external"]

# mesh_control_planes(c) are the control planes whose mesh values count for
# the cluster: its own ones, or for a cluster hosting an external control
# plane, that one (its other istiod only serves a local gateway).
mesh_control_planes(c) := [cp | some cp in c.control_planes; cp.role == "external"] if {
	c.role == "external"
} else := own_control_planes(c)

# system_namespace(c) is the cluster's istio system namespace object, when the inputs show it.
system_namespace(c) := c.namespaces[c.system_namespace]

# multi_network(mesh) holds when the mesh spans several networks.
multi_network(mesh) if count(mesh.networks) > 1

# has_mesh_networks(c) holds when the cluster uses legacy meshNetworks.
has_mesh_networks(c) if {
	some cp in c.control_planes
	cp.mesh_networks
}
