# METADATA
# title: The primary exposes istiod through its east-west gateway to its remotes
# description: |
#   In primary-remote (one network or several) the remote's proxies and
#   injection webhook reach the primary's istiod at global.remotePilotAddress,
#   the primary's east-west gateway. That gateway must expose 15012 (xDS, CA)
#   and 15017 (webhook), an Istio Gateway must open them in PASSTHROUGH mode
#   on it, and a VirtualService must route them to istiod
#   (samples/multicluster/expose-istiod.yaml). When the gateway's address is
#   known (live), remotePilotAddress must be that address. Otherwise the
#   remote's webhook fails ("no endpoints available for service") and its
#   proxies never get configuration.
# custom:
#   code: CP005
#   severity: error
#   dimensions: [controlplane, network]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: exposing istiod through the east-west
#       gateway (a Gateway and VirtualService on 15012 and 15017) is routing in
#       the data plane; the referee's proxies reach istiod directly over
#       loopback.
#   istio:
#     component: >-
#       primary's east-west gateway, the remote's proxies and injection
#       webhook
#     source: >-
#       samples/multicluster/expose-istiod.yaml (Gateway istiod-gateway, 15012
#       and 15017 in PASSTHROUGH, VirtualService istiod-vs to istiod);
#       primary-remote docs
#       (content/en/docs/setup/install/multicluster/primary-remote/index.md,
#       primary-remote_multi-network/index.md); istio/istio#58445 ("no
#       endpoints available for service")
#     versions: >-
#       every release whose primary-remote guide exposes istiod through the
#       east-west gateway; no lower bound claimed; checked against the pinned
#       istio.io/istio (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     On the primary, expose istiod through the east-west gateway:
#     kubectl apply --context=CTX_PRIMARY -n istio-system -f samples/multicluster/expose-istiod.yaml
#     (expose-istiod-rev.yaml.tmpl for a revisioned control plane), make sure
#     the gateway Service has ports 15012 and 15017, and set the remote's
#     values.global.remotePilotAddress to the gateway's external address.
package meshcheck.rules.controlplane.cp005

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

# served holds each remote control plane that reaches its primary through
# remotePilotAddress.
served contains {"remote": r, "primary": p, "cp": rcp} if {
	some r, c in input.clusters
	c.role == "remote"
	p := c.control_plane_cluster
	input.clusters[p].role == "primary"
	some rcp in controlplane.remote_control_planes(c)
	rcp.remote_pilot_address
}

# ports(s) are the istiod ports the remote needs: 15017 too unless its
# webhook goes to an injectionURL of its own.
ports(s) := {15012} if s.cp.injection_url

ports(s) := {15012, 15017} if not s.cp.injection_url

# istiod_gateways(p) are p's east-west gateways whose Service carries 15012.
istiod_gateways(p) := [g |
	some g in input.clusters[p].network_gateways
	some port in g.ports
	port.port == 15012
]

# servers(p, port) are the Istio Gateway servers of p on port that select
# one of p's east-west gateways.
servers(p, port) := [{"gateway": gw, "server": sv, "ew": ew} |
	some gw in input.clusters[p].gateways
	some ew in input.clusters[p].network_gateways
	controlplane.selects(gw.selector, ew.selector)
	some sv in gw.servers
	sv.port == port
]

any_server(p, port) if {
	some gw in input.clusters[p].gateways
	some sv in gw.servers
	sv.port == port
}

# tls_routes_shown(p) holds when p has Gateway API TLSRoutes, which may
# expose istiod instead of an Istio Gateway.
tls_routes_shown(p) if count(input.clusters[p].tls_routes) > 0

# (1) The east-west gateway carries 15012 but nothing opens it.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"%s's remote control plane reaches istiod at %q (global.remotePilotAddress), but no Istio Gateway in %s opens port 15012 on east-west gateway %s/%s: istiod is not exposed (samples/multicluster/expose-istiod.yaml not applied)",
		[s.remote, s.cp.remote_pilot_address.value, s.primary, g.namespace, g.name],
	),
	"at": g.source,
	"related": [s.cp.remote_pilot_address.source],
}) if {
	some s in served
	gws := istiod_gateways(s.primary)
	count(gws) > 0
	g := gws[0]
	not any_server(s.primary, 15012)
	not tls_routes_shown(s.primary)
}

# (2) The server that opens an istiod port does not pass TLS through.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"Gateway %s/%s opens istiod port %d on east-west gateway %s with tls mode %q; remote %s needs PASSTHROUGH so that istiod terminates TLS itself",
		[x.gateway.namespace, x.gateway.name, port, x.ew.name, mode(x.server), s.remote],
	),
	"at": x.server.source,
	"related": [s.cp.remote_pilot_address.source],
}) if {
	some s in served
	some port in ports(s)
	some x in servers(s.primary, port)
	x.server.tls_mode != "PASSTHROUGH"
}

mode(sv) := sv.tls_mode if sv.tls_mode != ""

mode(sv) := "(none)" if sv.tls_mode == ""

# (3) 15012 is opened but the webhook port 15017 is not.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"Gateway %s/%s opens istiod port 15012 on east-west gateway %s but no Gateway opens the webhook port 15017: remote %s's injection webhook cannot reach istiod",
		[x.gateway.namespace, x.gateway.name, x.ew.name, s.remote],
	),
	"at": x.gateway.source,
	"related": [s.cp.remote_pilot_address.source],
}) if {
	some s in served
	15017 in ports(s)
	some x in servers(s.primary, 15012)
	not any_server(s.primary, 15017)
}

# (4) A port is opened but no VirtualService routes it to istiod.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"Gateway %s/%s opens istiod port %d but no VirtualService bound to it routes port %d to istiod: remote %s's connections go nowhere",
		[x.gateway.namespace, x.gateway.name, port, port, s.remote],
	),
	"at": x.gateway.source,
	"related": [s.cp.remote_pilot_address.source],
}) if {
	some s in served
	some port in ports(s)
	some x in servers(s.primary, port)
	x.server.tls_mode == "PASSTHROUGH"
	not routed(s.primary, x.gateway, port)
}

routed(p, gw, port) if {
	some vs in input.clusters[p].virtual_services
	binds(vs, gw)
	some r in vs.tls_routes
	object.get(r, "port", 0) in {0, port}
	some d in r.destinations
	startswith(d.host, "istiod")
}

binds(vs, gw) if {
	some name in vs.gateways
	name == concat("/", [gw.namespace, gw.name])
}

binds(vs, gw) if {
	some name in vs.gateways
	name == gw.name
	object.get(vs, "namespace", "") in {"", gw.namespace}
}

# (5) A Gateway opens an istiod port on an east-west gateway whose Service lacks it.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"Gateway %s/%s opens istiod port %d on east-west gateway %s/%s, but that gateway's Service has no port %d (it has %s)",
		[x.gateway.namespace, x.gateway.name, port, x.ew.namespace, x.ew.name, port, concat(", ", [sprintf("%d", [q.port]) | some q in x.ew.ports])],
	),
	"at": x.ew.source,
	"related": [x.server.source],
}) if {
	some s in served
	some port in ports(s)
	some x in servers(s.primary, port)
	count(x.ew.ports) > 0
	every q in x.ew.ports {
		q.port != port
	}
}

# (6) The gateway's address is known and remotePilotAddress is not it.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.remote,
	"message": sprintf(
		"%s's global.remotePilotAddress is %q, but %s's east-west gateway that exposes istiod has address %s",
		[s.remote, s.cp.remote_pilot_address.value, s.primary, concat(", ", sort(addresses))],
	),
	"at": s.cp.remote_pilot_address.source,
	"related": [g.source | some g in istiod_gateways(s.primary)],
}) if {
	some s in served
	gws := istiod_gateways(s.primary)
	count(gws) > 0
	every g in gws {
		g.addresses_known == true
	}
	addresses := {a | some g in gws; some a in g.addresses}
	count(addresses) > 0
	not s.cp.remote_pilot_address.value in addresses
}
