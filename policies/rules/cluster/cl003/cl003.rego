# METADATA
# title: Remote secret keys name the target cluster's ID
# description: |
#   Istiod registers the cluster a remote secret reaches under the secret's data
#   key (the networking.istio.io/cluster annotation and the secret's name carry
#   the same string). The key must be the cluster ID the target cluster calls
#   itself; istioctl create-remote-secret without --name uses the target's
#   kube-system namespace UID instead. Then the endpoints of that cluster carry a
#   cluster ID no proxy of it reports: topology.istio.io/cluster subsets match
#   nothing (503s) and locality/network-aware routing misplaces them.
#   The rule fires only when the key is no cluster ID of the fleet and the
#   kubeconfig itself (server host, context cluster, or a key equal to the fleet's
#   name for the cluster) identifies one primary cluster of the fleet that sets a
#   different ID. Remote targets are CL007's; the --type=config secret
#   (istio-kubeconfig) is not keyed by cluster ID and is not checked.
# custom:
#   code: CL003
#   severity: error
#   dimensions: [cluster]
#   scope: fleet
#   referee:
#     fleets:
#       - testdata/referee/duplicate-cluster-id
#       - testdata/mistakes/05-remote-secret-kube-system-uid
#     note: |
#       istiod registers a remote cluster under the secret's key. Where the key
#       collides with another cluster's ID the referee shows discovery broken.
#       With a kube-system UID as the key in a multi-primary mesh it shows
#       endpoints still discovered, registered under the UID (a listed
#       disagreement): each cluster's proxies are served by their own istiod,
#       and what breaks is everything keyed by cluster ID (cluster-local
#       services, topology.istio.io/cluster subsets), which discovery does not
#       show.
#   istio:
#     component: >-
#       istiod (multicluster secret controller, service registry)
#     source: >-
#       pkg/kube/multicluster/secretcontroller.go Controller.addRemoteConfig
#       registers the remote cluster under the secret's data key;
#       pilot/pkg/serviceregistry/util/label/label.go AugmentLabels gives that
#       cluster's endpoints topology.istio.io/cluster = the key, so subsets
#       and cluster-local rules keyed by the real cluster ID match nothing;
#       istioctl/pkg/multicluster/remote_secret.go defaults --name to the
#       kube-system UID
#     versions: >-
#       every release with istio/multiCluster remote secrets; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Recreate the secret named after the target cluster's clusterName:
#     istioctl create-remote-secret --context=<target> --name=<target clusterName> | kubectl apply --context=<holder> -f -
#     and delete the old one.
package meshcheck.rules.cluster.cl003

import data.meshcheck.lib.cluster
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": x.holder,
	"message": sprintf(
		"%s's remote secret %s is keyed %q%s, but its kubeconfig reaches cluster %s (%s), which calls itself %q: istiod registers %s under a name its proxies never report",
		[
			x.holder, x.secret.name, x.entry.key, cluster.uid_hint(x.entry.key),
			x.target, cluster.evidence_text(x), x.target_id, x.target,
		],
	),
	"at": x.entry.source,
	"related": [input.clusters[x.target].id.source],
}) if {
	some x in cluster.misnamed
	input.clusters[x.target].role == "primary"
}
