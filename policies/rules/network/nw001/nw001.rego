# METADATA
# title: System namespace network label matches the installed network
# description: |
#   istiod gives an endpoint the network of its pod's topology.istio.io/network
#   label, else the label of the cluster's system namespace (Controller.Network
#   in pilot/pkg/serviceregistry/kube/controller). In sidecar mode the injector
#   sets that pod label, and ISTIO_META_NETWORK, from global.network (or the
#   injection URL's net parameter: applyMetadata in pkg/kube/inject), so a
#   namespace label that differs only misplaces pods without a sidecar: peers
#   on other networks are sent their pod IPs, which they cannot reach (a
#   warning; Istio's referee shows injected workloads still discovered across
#   networks). In ambient mode no injector labels the pods, so every workload
#   takes the namespace's network while ztunnel and the east-west gateway use
#   global.network, and cross-network traffic fails (an error).
# custom:
#   code: NW001
#   severity: error
#   dimensions: [network]
#   scope: cluster
#   referee:
#     fleets:
#       - testdata/mistakes/03-namespace-network-label-mismatch
#     note: |
#       The referee's sample pods are labelled as the injector labels them, with
#       the installed network, and istiod discovers them on that network across
#       clusters: in sidecar mode the namespace label only misplaces pods
#       without a sidecar, hence a warning there. Ambient mode, where it is an
#       error, is not refereed: the referee runs no ztunnel.
#   istio:
#     component: >-
#       istiod (endpoint network), sidecar injector, ztunnel
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/controller.go
#       Controller.Network (pod label, else system namespace label, else
#       meshNetworks); pkg/kube/inject/inject.go extractClusterAndNetwork (the
#       injector takes global.network, never the namespace label: "TODO allow
#       overriding the values.global network in injection with the system
#       namespace label") and webhook.go applyMetadata (sets the pod label);
#       ambient: pilot/pkg/serviceregistry/ambient/networks.go
#       buildGlobalNetworkCollections and workloads.go take every workload's
#       network from the system namespace label, while ztunnel gets NETWORK
#       from its chart values
#       (manifests/charts/ztunnel/templates/daemonset.yaml)
#     versions: >-
#       sidecar: every release with topology.istio.io/network; ambient:
#       ambient multicluster is alpha in the pinned version
#       (pilot/pkg/features/ambient.go: AMBIENT_ENABLE_MULTI_NETWORK defaults
#       to false, "alpha features like ambient multi-network"); no release
#       number claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (warning: only pods without a sidecar are misplaced) and
#       ambient (error)
#   remediation: |
#     Set the topology.istio.io/network label of the system namespace to the
#     value of values.global.network (or change global.network):
#     kubectl label namespace <system namespace> topology.istio.io/network=<network> --overwrite
package meshcheck.rules.network.nw001

import data.meshcheck.lib.fleet
import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"namespace %s is labelled topology.istio.io/network=%q but the control plane installs network %q: %s",
		[ns.name, ns.network.value, c.network.value, affected(c)],
	),
	"at": ns.network.source,
	"related": [c.network.source],
	"fix": sprintf(
		"In cluster %s, label the system namespace with the installed network: kubectl label namespace %s topology.istio.io/network=%s --overwrite. If %q is the network you meant, set values.global.network to it instead and reinstall.",
		[name, ns.name, c.network.value, ns.network.value],
	),
	"severity": severity(c),
}) if {
	some name, c in input.clusters
	ns := fleet.system_namespace(c)
	ns.network.value != c.network.value
}

# severity is an error where every workload takes its network from the
# namespace (ambient), a warning where only pods without a sidecar do.
severity(c) := "error" if mesh.ambient(c)

else := "warning"

affected(c) := "every ambient workload of the cluster is placed on the namespace's network" if mesh.ambient(c)

else := "pods without a sidecar are placed on the namespace's network (injected pods carry the installed network)"
