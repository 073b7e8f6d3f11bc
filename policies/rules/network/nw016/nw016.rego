# METADATA
# title: Ambient multi-network has multi-network istiod and an HBONE east-west gateway
# description: |
#   In ambient mode, traffic between networks goes through an east-west
#   Gateway of class istio-east-west that terminates double HBONE on 15008
#   and is labelled with its network, and istiod only builds the
#   cross-network configuration with AMBIENT_ENABLE_MULTI_NETWORK=true.
#   A cluster with an ambient control plane in a mesh spanning several
#   networks fires when its istiod does not set the variable (the ambient
#   install input is shown, so its env is too), when it has an istio-east-west
#   gateway without a 15008 HBONE listener or without a network label, or
#   when its network's gateways are all sidecar-style ones (no istio-east-west
#   gateway for the network anywhere in the mesh; a network with no gateway
#   at all is NW007's finding). Exported services also need istio.io/global=true, which meshcheck
#   does not check.
# custom:
#   code: NW016
#   severity: error
#   dimensions: [network, controlplane]
#   scope: cluster
#   referee:
#     note: |
#       Not observable by the referee: ambient multi-network needs ztunnel and
#       an HBONE east-west gateway, a data plane the referee does not run.
#   istio:
#     component: >-
#       istiod (ambient multi-network) and the ambient east-west gateway
#     source: >-
#       pilot/pkg/features/ambient.go EnableAmbientMultiNetwork
#       (AMBIENT_ENABLE_MULTI_NETWORK, default false);
#       pilot/pkg/xds/endpoints/ep_filters.go EndpointsByNetworkFilter;
#       pilot/pkg/serviceregistry/ambient/networks.go
#       k8sGatewayToNetworkGateways (network gateways from Gateway API
#       gateways labelled with the network); ambient multi-network install doc
#       (content/en/docs/ambient/install/multicluster/multi-primary_multi-network/index.md)
#     versions: >-
#       ambient multicluster is alpha in the pinned version
#       (pilot/pkg/features/ambient.go: AMBIENT_ENABLE_MULTI_NETWORK defaults
#       to false, "alpha features like ambient multi-network"); no release
#       number claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       ambient
#   remediation: |
#     Install istiod with the variable (Helm --set env.AMBIENT_ENABLE_MULTI_NETWORK=true,
#     IstioOperator components.pilot.k8s.env, Sail spec.values.pilot.env), and
#     apply the east-west gateway from
#     samples/multicluster/gen-eastwest-gateway.sh --network <network> --ambient.
package meshcheck.rules.network.nw016

import data.meshcheck.lib.fleet
import data.meshcheck.lib.network
import data.meshcheck.lib.result

# ambient_cps(name) are the ambient control planes that serve a cluster.
ambient_cps(name) := [cp |
	some cp in fleet.mesh_control_planes(input.clusters[name])
	cp.ambient.value == true
]

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s runs ambient in a mesh spanning networks %s, but its istiod %s AMBIENT_ENABLE_MULTI_NETWORK=true",
		[name, concat(", ", sort(network.mesh_networks(fleet.mesh_of(name)))), env_state(cp)],
	),
	"at": env_at(cp),
}) if {
	some name in network.multi_network_cluster
	some cp in ambient_cps(name)
	not enabled(cp)
}

enabled(cp) if network.truthy(cp.env.AMBIENT_ENABLE_MULTI_NETWORK.value)

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf("ambient east-west gateway %s/%s in %s %s", [g.namespace, g.name, name, problem]),
	"at": g.source,
}) if {
	some name in network.multi_network_cluster
	count(ambient_cps(name)) > 0
	some g in input.clusters[name].network_gateways
	g.class == "istio-east-west"
	some problem in gateway_problems(g)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s runs ambient on network %q of a mesh spanning networks %s, but the network's gateways (%s) are not of class istio-east-west: ambient needs an HBONE east-west gateway",
		[name, n, concat(", ", sort(network.mesh_networks(mesh))), concat(", ", sort(gateways_of(mesh, n)))],
	),
	"at": network.network_fact(c).source,
}) if {
	some name in network.multi_network_cluster
	count(ambient_cps(name)) > 0
	c := input.clusters[name]
	mesh := fleet.mesh_of(name)
	n := network.network_of(c)
	count(gateways_of(mesh, n)) > 0
	not east_west_for(mesh, n)
	not has_east_west(c)
}

gateway_problems(g) := {p | not network.hbone_listener(g); p := "has no HBONE listener on port 15008"} | {p |
	not g.network
	p := "has no topology.istio.io/network label"
}

gateways_of(mesh, n) := {sprintf("%s/%s/%s", [m, g.namespace, g.name]) |
	some m in mesh.clusters
	some g in input.clusters[m].network_gateways
	g.network.value == n
}

east_west_for(mesh, n) if {
	some m in mesh.clusters
	some g in input.clusters[m].network_gateways
	g.class == "istio-east-west"
	g.network.value == n
}

has_east_west(c) if {
	some g in c.network_gateways
	g.class == "istio-east-west"
}

env_state(cp) := sprintf("sets %q instead of", [cp.env.AMBIENT_ENABLE_MULTI_NETWORK.value]) if {
	cp.env.AMBIENT_ENABLE_MULTI_NETWORK
} else := "does not set"

env_at(cp) := cp.env.AMBIENT_ENABLE_MULTI_NETWORK.source if {
	cp.env.AMBIENT_ENABLE_MULTI_NETWORK
} else := cp.ambient.source
