# METADATA
# title: Gateway's requested network view includes its network
# description: |
#   An east-west gateway asks istiod, through ISTIO_META_REQUESTED_NETWORK_VIEW,
#   for the endpoints of the networks it serves (a comma-separated list, split
#   on commas as istiod splits it); its topology.istio.io/network label says
#   which network it is. istiod gives a proxy with a view only the endpoints
#   of the networks listed (and those without a network), so a gateway whose
#   view leaves out its own network holds none of its network's endpoints:
#   every cross-network request that arrives for a service of its network
#   fails, or is sent on to another network. A view that lists the gateway's
#   network among others (a gateway serving several networks) is not
#   reported.
# custom:
#   code: NW006
#   severity: error
#   dimensions: [network]
#   scope: object
#   referee:
#     fleets:
#       - testdata/referee/gateway-labelled-with-other-network
#     note: |
#       Not observable by the referee on its own: the requested network view
#       is what a gateway proxy asks istiod for, and the referee runs no
#       gateway proxy. It fires beside NW003 on the refereed fleet whose
#       gateway is labelled with the other cluster's network (its view still
#       names its own): the cross-network breakage istiod shows there is the
#       label's, which NW003 names.
#   istio:
#     component: >-
#       istiod (proxy network view) and the east-west gateway
#     source: >-
#       pilot/pkg/model/proxy_view.go newProxyView: a proxy with
#       ISTIO_META_REQUESTED_NETWORK_VIEW sees only endpoints of the requested
#       networks (and of no network); pkg/model/proxy.go StringList splits the
#       value on commas; manifests/charts/gateway/templates/deployment.yaml sets it
#       and the pod's network label from one networkGateway value, as
#       samples/multicluster/gen-eastwest-gateway.sh does
#     versions: >-
#       every release with REQUESTED_NETWORK_VIEW; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (the sidecar-style east-west gateway; the ambient one is a
#       Gateway API gateway)
#   remediation: |
#     Set ISTIO_META_REQUESTED_NETWORK_VIEW to the gateway's network label, or
#     add the label's network to the list
#     (gen-eastwest-gateway.sh --network sets both; with the istio/gateway
#     chart use --set networkGateway=<network>).
package meshcheck.rules.network.nw006

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"gateway %s %s/%s in %s is labelled topology.istio.io/network=%q but requests the network view %q, which leaves its own network out: istiod sends it no endpoint of %s, so cross-network requests for services of %s fail",
		[w.kind, w.namespace, w.name, name, w.network.value, w.requested_network_view.value, w.network.value, w.network.value],
	),
	"at": w.requested_network_view.source,
	"related": [w.network.source],
}) if {
	some name, c in input.clusters
	some w in c.workloads
	not w.network.value in split(w.requested_network_view.value, ",")
}
