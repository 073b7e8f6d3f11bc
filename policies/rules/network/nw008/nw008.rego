# METADATA
# title: Cross-network Gateway passes mTLS through on 15443
# description: |
#   The cross-network Gateway (samples/multicluster/expose-services.yaml)
#   opens port 15443 of the east-west gateway with protocol TLS, tls.mode
#   AUTO_PASSTHROUGH and hosts "*.local": the gateway routes on the SNI of the
#   caller's mTLS connection and passes it to the workload untouched, so the
#   workloads' own certificates are checked end to end. A server that
#   terminates TLS (ISTIO_MUTUAL, SIMPLE) breaks secure naming, a non-TLS
#   protocol cannot read the SNI, and hosts that cover no service names
#   (*.local, a *.svc.<domain> wildcard or a service name) expose nothing.
#   The Gateway must also select the east-west gateway pods: when the files
#   show the pod labels of every network gateway of the cluster, a selector
#   that matches none of them fires. Checked in clusters that take part in a
#   multicluster setup.
# custom:
#   code: NW008
#   severity: error
#   dimensions: [network]
#   scope: cluster
#   referee:
#     note: |
#       Not observable by the referee: the Gateway that passes mTLS through on
#       15443 configures the east-west gateway proxy, which the referee does not
#       run.
#   istio:
#     component: >-
#       east-west gateway (Envoy listener built by istiod)
#     source: >-
#       pilot/pkg/networking/core/gateway.go
#       ListenerBuilder.buildGatewayNetworkFiltersFromTLSRoutes: only a server
#       with tls.mode AUTO_PASSTHROUGH gets the SNI-routed passthrough filter
#       chains cross-network mTLS needs;
#       samples/multicluster/expose-services.yaml; istio/istio#31480 ("the
#       gateway should be configured as a AUTO_PASSTHROUGH")
#     versions: >-
#       every release with the sidecar multi-network install; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient east-west gateways use HBONE on 15008, NW016)
#   remediation: |
#     Apply samples/multicluster/expose-services.yaml: selector
#     {istio: eastwestgateway}, port {number: 15443, name: tls, protocol: TLS},
#     tls: {mode: AUTO_PASSTHROUGH}, hosts: ["*.local"].
package meshcheck.rules.network.nw008

import data.meshcheck.lib.fleet
import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf("Gateway %s/%s in %s serves the cross-network port 15443 %s", [gw.namespace, gw.name, name, why]),
	"at": s.source,
}) if {
	some name in fleet.multicluster
	some gw in input.clusters[name].gateways
	some s in gw.servers
	s.port == network.default_gateway_port
	some why in server_problems(s)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"Gateway %s/%s in %s serves the cross-network port 15443 but its selector %s matches no east-west gateway of %s (%s)",
		[gw.namespace, gw.name, name, show(gw.selector), name, concat("; ", sort(pods))],
	),
	"at": gw.source,
}) if {
	some name in fleet.multicluster
	c := input.clusters[name]
	some gw in c.gateways
	some s in gw.servers
	s.port == network.default_gateway_port
	count(gw.selector) > 0
	pods := {sprintf("%s %s", [w.name, show(w.labels)]) | some w in gateway_pods(c)}
	count(pods) > 0
	not unknown_pods(c)
	not selects_gateway(c, gw.selector)
}

server_problems(s) := ({p | upper(field(s, "protocol")) != "TLS"; p := sprintf("with protocol %q instead of TLS", [field(s, "protocol")])} | {p |
	upper(field(s, "tls_mode")) != "AUTO_PASSTHROUGH"
	p := sprintf("with tls.mode %q instead of AUTO_PASSTHROUGH", [field(s, "tls_mode")])
}) | {p |
	not covers_services(s.hosts)
	p := sprintf("with hosts %v, which cover no service name (want \"*.local\")", [s.hosts])
}

field(s, k) := object.get(s, k, "")

# covers_services(hosts) holds when some host (without its namespace/
# prefix) can match a service name: "*", a name or wildcard under a .local
# domain.
covers_services(hosts) if {
	some h in hosts
	host := host_part(h)
	covers(host)
}

covers("*")

covers(host) if endswith(host, ".local")

host_part(h) := parts[count(parts) - 1] if parts := split(h, "/")

gateway_pods(c) := [w | some w in c.workloads; w.gateway]

# unknown_pods(c) holds when some network gateway of the cluster (other than
# a Gateway API one, which istiod deploys itself) has no gateway workload in
# the files carrying its selector: its pods' labels are unknown.
unknown_pods(c) if {
	some g in c.network_gateways
	not network.gateway_api(g)
	not selects_gateway(c, g.selector)
}

selects_gateway(c, selector) if {
	some w in gateway_pods(c)
	network.labels_match(selector, w.labels)
}

show(m) := sprintf("{%s}", [concat(", ", sort([sprintf("%s: %s", [k, v]) | some k, v in m]))])
