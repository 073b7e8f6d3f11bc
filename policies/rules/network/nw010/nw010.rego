# METADATA
# title: Clusters on one network have pod ranges that do not overlap
# description: |
#   Istio treats clusters on the same network as directly routable: istiod
#   sends a proxy the pod IPs of the other clusters' endpoints, and the proxy
#   connects to them without a gateway. When two clusters of one mesh are on
#   the same network but their Nodes' pod ranges (spec.podCIDRs) overlap, an
#   endpoint address can belong to either cluster: traffic reaches the wrong
#   pod or none. Overlapping ranges are what separate networks (and east-west
#   gateways) are for. Fires only when the Nodes of both clusters are read
#   (audit, or Node manifests in the files); CNIs that allocate pod IPs from
#   their own pools may not use the Node ranges.
# custom:
#   code: NW010
#   severity: warning
#   dimensions: [network]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: overlapping pod ranges break routing in
#       the data plane; the referee's pod IPs are data only.
#   istio:
#     component: >-
#       istiod (endpoints on one network) and the data plane's routing
#     source: >-
#       pilot/pkg/xds/endpoints/ep_filters.go
#       EndpointBuilder.EndpointsByNetworkFilter (endpoints on the proxy's own
#       network are sent as pod IPs, no gateway); deployment models doc
#       (content/en/docs/ops/deployment/deployment-models/index.md: a single
#       network means workloads "can reach each other directly"; overlapping
#       ranges call for several networks)
#     versions: >-
#       every release; no lower bound claimed; checked against the pinned
#       istio.io/istio (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Give one of the clusters its own network (values.global.network and the
#     topology.istio.io/network label of its system namespace) with an
#     east-west gateway, as in Istio's multi-network install; or rebuild it
#     with a pod CIDR (kube-controller-manager --cluster-cidr) that does not
#     overlap.
package meshcheck.rules.network.nw010

import data.meshcheck.lib.fleet
import data.meshcheck.lib.network
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": a,
	"message": sprintf(
		"clusters %s and %s of one mesh are both on network %q but their pod ranges overlap (%s of %s and %s of %s%s): pods on one network are reached directly by IP, so an endpoint address can belong to either cluster",
		[b, a, nw, pair[1], b, pair[0], a, more],
	),
	"at": input.clusters[a].pod_cidrs.source,
	"related": [input.clusters[b].pod_cidrs.source],
}) if {
	some nw, names in by_network
	some a in names
	some b in names
	a > b
	fleet.same_mesh(a, b)
	overlaps := sort([[x, y] |
		some x in merged[a]
		some y in merged[b]
		net.cidr_intersects(x, y)
	])
	count(overlaps) > 0
	pair := overlaps[0]
	more := extra(count(overlaps) - 1)
}

extra(0) := ""

extra(n) := sprintf(", and %d more", [n]) if n > 0

# merged[name] is a cluster's pod ranges merged, so that per-Node ranges
# become the few ranges they cover and pairs compare few ranges.
merged := {name: net.cidr_merge(c.pod_cidrs.value) |
	some name, c in input.clusters
	c.pod_cidrs
}

# network_index[name] is the network of a cluster whose pod ranges are known.
network_index := {name: nw |
	some name, _ in merged
	nw := network.network_of(input.clusters[name])
}

# by_network groups those clusters by network, so that only clusters
# sharing a network are compared.
by_network := {nw: names |
	some nw in {n | some n in network_index}
	names := {name | some name, n in network_index; n == nw}
}
