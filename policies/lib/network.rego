# METADATA
# description: |
#   Shared views of the network dimension: a cluster's network (install
#   values, else the system namespace label), the networks a mesh spans, the
#   kinds of network gateway, and readers for legacy meshNetworks.
package meshcheck.lib.network

import data.meshcheck.lib.fleet

# default_gateway_port is where istiod expects a network gateway's mTLS port
# when the Service has no networking.istio.io/gatewayPort label.
default_gateway_port := 15443

# hbone_port is the HBONE port of an ambient (or dual-mode) network gateway.
hbone_port := 15008

# network_fact(c) is the fact giving the cluster's default network: the
# install values (what injection uses), else the system namespace label.
network_fact(c) := c.network if {
	c.network
} else := fleet.system_namespace(c).network

# network_of(c) is the cluster's default network name, when known.
network_of(c) := network_fact(c).value

# network_names(c) are every network the cluster declares as its default
# (values and namespace label; two when NW001 fires).
network_names(c) := {n | n := c.network.value} | {n | n := fleet.system_namespace(c).network.value}

# mesh_networks(mesh) are the networks that the clusters of a mesh are on.
# A cluster counts with its default network only, so that a cluster whose
# label and values disagree (NW001) does not make its mesh multi-network.
mesh_networks(mesh) := {n |
	some name in mesh.clusters
	n := network_of(input.clusters[name])
} | {n | some n in mesh.networks}

# multi_network(mesh) holds when the clusters of a mesh span several networks.
multi_network(mesh) if count(mesh_networks(mesh)) > 1

# multi_network_cluster contains the clusters that are in a multi-network mesh.
multi_network_cluster contains name if {
	some mesh in input.meshes
	multi_network(mesh)
	some name in mesh.clusters
}

# served_by_external(c) holds for a cluster whose istiod runs in an external
# control-plane cluster.
served_by_external(c) if input.clusters[c.control_plane_cluster].role == "external"

# install_shown(c) holds when the files show the cluster's own control
# plane (a primary's istiod or a remote's install), so that its gateway
# inventory is taken to be in the files too.
install_shown(c) if {
	c.role in {"primary", "remote"}
	count(fleet.own_control_planes(c)) > 0
}

# gateway_api(g) holds for a network gateway that is a Gateway API Gateway.
gateway_api(g) if g.source.object.kind == "Gateway"

# mtls_port(g) is the port istiod reads cross-network mTLS traffic on.
mtls_port(g) := g.gateway_port if {
	g.gateway_port > 0
} else := default_gateway_port

# port_numbers(g) are the ports a network gateway exposes (Service ports or
# Gateway API listener ports).
port_numbers(g) := {p.port | some p in g.ports} | {l.port | some l in g.listeners}

# gateway_networks contains every network that some network gateway of the
# fleet is labelled with.
gateway_networks contains g.network.value if {
	some c in input.clusters
	some g in c.network_gateways
}

# hbone_listener(g) holds for a Gateway API gateway with an HBONE listener on 15008.
hbone_listener(g) if {
	some l in g.listeners
	l.port == hbone_port
	upper(l.protocol) == "HBONE"
}

# truthy(v) holds for the values Go's strconv.ParseBool reads as true.
truthy(v) if lower(sprintf("%v", [v])) in {"true", "1", "t"}

# labels_match(selector, labels) holds when every selector label is in labels.
labels_match(selector, labels) if {
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}

# mesh_networks_of(cp) is the legacy meshNetworks map of a control plane
# (network name to {endpoints, gateways}), when it sets one.
mesh_networks_of(cp) := cp.mesh_networks.value if is_object(cp.mesh_networks.value)

# endpoints(spec) are the endpoints of one meshNetworks network.
endpoints(spec) := [e | some e in spec.endpoints; is_object(e)] if {
	is_array(spec.endpoints)
} else := []

# registries(spec) are the fromRegistry names of one meshNetworks network.
registries(spec) := {r | some e in endpoints(spec); r := e.fromRegistry; is_string(r)}

# cidrs(spec) are the valid fromCidr ranges of one meshNetworks network.
cidrs(spec) := {r | some e in endpoints(spec); r := e.fromCidr; is_string(r); net.cidr_is_valid(r)}

# has_gateways(spec) holds when a meshNetworks network lists gateways.
has_gateways(spec) if count(spec.gateways) > 0

# declared_gateway_networks contains the networks some meshNetworks lists
# gateways for.
declared_gateway_networks contains n if {
	some c in input.clusters
	some cp in c.control_planes
	some n, spec in mesh_networks_of(cp)
	has_gateways(spec)
}
