# METADATA
# title: Config cluster with an east-west gateway exposes services across networks
# description: |
#   An east-west gateway only passes cross-network traffic once a Gateway
#   opens its mTLS port with AUTO_PASSTHROUGH (expose-services.yaml), and
#   istiod reads that Gateway from its config cluster: each primary in
#   multi-primary, the primary for its remotes (one Gateway covers the
#   east-west gateways of both), the config cluster under an external
#   control plane. Without it the network's services cannot be reached
#   from other networks. Files rarely show that something is absent, so the
#   rule fires only on this evidence: a cluster of a multi-network mesh runs
#   a Service-based east-west gateway exposing the mTLS port (15443 or its
#   gatewayPort), the Istio Gateways of the config cluster that configures
#   it (itself, its primary, or its external control plane's config
#   cluster) are in the files (the inventory is complete, or other Gateways
#   such as istiod-gateway are there), and none of them opens that port.
#   When no Istio Gateway of the config cluster is in the files, the
#   cross-network Gateway may simply be kept elsewhere: unknown, silent.
#   Ambient (HBONE) and Gateway API gateways need no such Gateway.
# custom:
#   code: NW009
#   severity: error
#   dimensions: [network]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: exposing services across networks from a
#       config cluster is routing in the east-west gateway, which the referee
#       does not run.
#   istio:
#     component: >-
#       istiod (config cluster's Gateways) and the east-west gateway
#     source: >-
#       pilot/pkg/networking/core/gateway.go
#       ListenerBuilder.buildGatewayNetworkFiltersFromTLSRoutes (the
#       passthrough listener exists only where an AUTO_PASSTHROUGH Gateway is
#       configured); samples/multicluster/expose-services.yaml; multi-network
#       install docs
#       (content/en/docs/setup/install/multicluster/multi-primary_multi-network/index.md,
#       primary-remote_multi-network/index.md: exposing services on the
#       primary covers both east-west gateways)
#     versions: >-
#       every release with the sidecar multi-network install; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient and Gateway API gateways need no such Gateway)
#   remediation: |
#     Apply the cross-network Gateway in the config cluster:
#     kubectl apply -n istio-system -f samples/multicluster/expose-services.yaml
package meshcheck.rules.network.nw009

import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s runs east-west gateway %s/%s for network %q on port %d, but %s opens port %d with AUTO_PASSTHROUGH: services behind it cannot be reached from the mesh's other networks",
		[name, g.namespace, g.name, g.network.value, port, where(name, cfg), port],
	),
	"at": g.source,
}) if {
	some name in network.multi_network_cluster
	c := input.clusters[name]
	cfg := config_cluster_of(name)
	some g in c.network_gateways
	g.network
	not network.gateway_api(g)
	port := network.mtls_port(g)
	port in network.port_numbers(g)
	gateways_shown(input.clusters[cfg])
	not opens(input.clusters[cfg], port)
}

# config_cluster_of(name) is the cluster whose Istio config the istiod
# serving cluster name reads: itself for a primary or an external control
# plane's config cluster, the primary for a remote it serves, the config
# cluster of the same external control plane for another remote.
config_cluster_of(name) := name if {
	input.clusters[name].role == "primary"
} else := name if {
	input.clusters[name].config_cluster
} else := p if {
	p := input.clusters[name].control_plane_cluster
	input.clusters[p].role == "primary"
} else := k if {
	e := input.clusters[name].control_plane_cluster
	input.clusters[e].role == "external"
	ks := {k | some k, kc in input.clusters; kc.config_cluster; kc.control_plane_cluster == e}
	count(ks) == 1
	some k in ks
}

gateways_shown(c) if c.complete.Gateway

gateways_shown(c) if count(c.gateways) > 0

opens(c, port) if {
	some gw in c.gateways
	some s in gw.servers
	s.port == port
}

where(name, cfg) := sprintf("none of its Istio Gateways (%s)", [gateway_list(cfg)]) if {
	name == cfg
} else := sprintf("none of the Istio Gateways of its config cluster %s (%s)", [cfg, gateway_list(cfg)])

gateway_list(cfg) := concat(", ", sort([sprintf("%s/%s", [gw.namespace, gw.name]) | some gw in input.clusters[cfg].gateways])) if {
	count(input.clusters[cfg].gateways) > 0
} else := "none"
