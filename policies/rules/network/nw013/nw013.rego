# METADATA
# title: Legacy meshNetworks is consistent
# description: |
#   meshNetworks (values.global.meshNetworks, the meshNetworks key of the
#   istio ConfigMap) assigns endpoints to networks by service registry
#   (fromRegistry: a cluster ID, as istiod registers clusters: its own
#   CLUSTER_ID and the keys of its remote secrets) or by CIDR, and lists each
#   network's gateways. istiod uses its registry and CIDR assignments for
#   endpoints that neither a pod label nor the system namespace label places
#   (Controller.Network checks those first), and its gateway lists always:
#   a registry that names no cluster leaves that cluster's unlabelled
#   endpoints without a network; "Kubernetes" only names the local registry
#   while the cluster ID is left at its default; a registry can be in one
#   network only and CIDRs must not overlap across networks, or endpoints
#   land on the wrong network; a network with endpoints but no gateway (in
#   meshNetworks or labelled anywhere in the fleet) cannot be reached from
#   the other networks. An unknown registry is only reported when the
#   cluster's remote secrets are in the files (or listed completely).
# custom:
#   code: NW013
#   severity: error
#   dimensions: [network]
#   scope: cluster
#   referee:
#     note: |
#       Observable, not yet refereed: istiod reads meshNetworks for networks and
#       gateways (/debug/networkz). The rule's fixtures do not link their
#       clusters with remote secrets, so the referee's breakage there is not
#       this rule's.
#   istio:
#     component: >-
#       istiod (meshNetworks)
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/network.go
#       networkManager.reloadMeshNetworks (fromRegistry must equal the cluster
#       ID, a registry in two networks is kept in one, with a warning,
#       fromCidr ranges feed networkFromMeshNetworks, which takes the first
#       match with a warning) and getGatewayDetails (registryServiceName
#       gateways); controller.go Controller.Network; istioctl analyze IST0126
#       (pkg/config/analysis/analyzers/multicluster/meshnetworks.go)
#     versions: >-
#       every release with meshNetworks; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar (error); ambient (warning: istiod's ambient index builds
#       networks from namespace labels and Gateway API gateways and never
#       reads meshNetworks, pilot/pkg/serviceregistry/ambient/networks.go, so
#       only sidecar-injected pods and sidecar-style gateways are misplaced)
#   remediation: |
#     Fix values.global.meshNetworks: use the cluster IDs istiod knows
#     (global.multiCluster.clusterName, the remote-secret names), put each
#     registry and CIDR in one network, and give every network gateways
#     (or drop meshNetworks and use topology.istio.io/network labels).
package meshcheck.rules.network.nw013

import data.meshcheck.lib.fleet
import data.meshcheck.lib.mesh
import data.meshcheck.lib.network
import data.meshcheck.lib.result

# istiods(c) are the control planes of the cluster that run an istiod.
istiods(c) := [cp | some cp in c.control_planes; cp.role != "remote"]

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s puts registry %q in network %q, but %s knows no cluster by that ID (known: %s)",
		[name, r, n, name, concat(", ", sort(known - {"External", "Mock"}))],
	),
	"at": cp.mesh_networks.source,
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	secrets_shown(c)
	some cp in istiods(c)
	cp.cluster_id # an istiod whose own ID is unknown may be the registry named
	some n, spec in network.mesh_networks_of(cp)
	some r in network.registries(spec)
	r != "Kubernetes"
	known := known_registries(name, cp)
	not r in known
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s puts registry \"Kubernetes\" in network %q, but the istiod's cluster ID is %q, so no registry is called \"Kubernetes\"",
		[name, n, cp.cluster_id.value],
	),
	"at": cp.mesh_networks.source,
	"related": [cp.cluster_id.source],
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	some cp in istiods(c)
	cp.cluster_id.value != "Kubernetes"
	some n, spec in network.mesh_networks_of(cp)
	"Kubernetes" in network.registries(spec)
	not "Kubernetes" in secret_names(c)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s puts registry %q in several networks (%s); a registry can only be assigned to one network",
		[name, r, concat(", ", sort(nets))],
	),
	"at": cp.mesh_networks.source,
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	some cp in istiods(c)
	mn := network.mesh_networks_of(cp)
	some spec in mn
	some r in network.registries(spec)
	nets := {n | some n, s in mn; r in network.registries(s)}
	count(nets) > 1
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s gives network %q the range %s and network %q the overlapping range %s; CIDRs must not overlap across networks",
		[name, a, x, b, y],
	),
	"at": cp.mesh_networks.source,
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	some cp in istiods(c)
	mn := network.mesh_networks_of(cp)
	some a, sa in mn
	some b, sb in mn
	a < b
	some x in network.cidrs(sa)
	some y in network.cidrs(sb)
	net.cidr_intersects(x, y)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"meshNetworks in %s lists endpoints for network %q but no gateways, and no gateway in the fleet is labelled with it: other networks cannot reach its endpoints",
		[name, n],
	),
	"at": cp.mesh_networks.source,
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	some cp in istiods(c)
	mn := network.mesh_networks_of(cp)
	count(mn) > 1
	some n, spec in mn
	count(network.endpoints(spec)) > 0
	not network.has_gateways(spec)
	not n in network.gateway_networks
}

# severity is an error where the cluster's workloads are placed by
# meshNetworks (sidecar mode), a warning in an ambient cluster, where
# istiod's ambient index ignores meshNetworks (ambient/networks.go) and
# only sidecar-injected pods and sidecar-style gateways follow it.
severity(c) := "warning" if mesh.ambient(c)

else := "error"

# secrets_shown(c) holds when the cluster's remote secrets are in view.
secrets_shown(c) if c.complete.Secret

secrets_shown(c) if count(c.remote_secrets) > 0

# secret_names(c) are the cluster names the cluster's remote secrets register.
secret_names(c) := {k |
	some s in c.remote_secrets
	s.type == "remote"
	some e in s.entries
	some k in entry_names(e)
} | {s.cluster_annotation.value | some s in c.remote_secrets; s.type == "remote"}

entry_names(e) := {k | some f in ["key", "context_cluster"]; k := object.get(e, f, ""); k != ""}

# known_registries(name, cp) are the registries an istiod knows: its own
# cluster ID, its remote secrets, the IDs the other clusters of its mesh set,
# and the non-Kubernetes built-in registries.
known_registries(name, cp) := (({cp.cluster_id.value | cp.cluster_id} | secret_names(input.clusters[name])) | {id |
	some m in fleet.mesh_of(name).clusters
	id := input.clusters[m].id.value
	not input.clusters[m].id["default"]
}) | {"External", "Mock"}
