# METADATA
# title: No remote secret for the cluster that holds it
# description: |
#   Istiod ignores a remote secret whose key is its own cluster ID ("ignoring
#   cluster as it would overwrite the config cluster"): the secret is dead
#   configuration, and usually a sign that it was applied to the wrong cluster
#   or created with the wrong --name, so the cluster it was meant for is missing.
#   The ID compared is that of the istiod reading the secret (the control plane of
#   the secret's namespace; for a cluster hosting an external control plane, the
#   config cluster's ID it serves).
# custom:
#   code: CL005
#   severity: warning
#   dimensions: [cluster]
#   scope: cluster
#   referee:
#     fleets:
#       - testdata/referee/duplicate-cluster-id
#     note: |
#       istiod skips a remote secret keyed with its own cluster ID (it would
#       overwrite the config cluster): the key does not appear in
#       /debug/clusterz and nothing else changes, so the secret is dead
#       configuration, a warning.
#   istio:
#     component: >-
#       istiod (multicluster secret controller)
#     source: >-
#       pkg/kube/multicluster/secretcontroller.go Controller.addRemoteConfig:
#       a data key equal to the istiod's own cluster ID is skipped ("ignoring
#       cluster as it would overwrite the config cluster")
#     versions: >-
#       every release with istio/multiCluster remote secrets; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Delete the secret from this cluster, or, if it was meant for a peer, apply it
#     to that peer instead: istioctl create-remote-secret --context=<this cluster> --name=<its clusterName> | kubectl apply --context=<peer> -f -
package meshcheck.rules.cluster.cl005

import data.meshcheck.lib.cluster
import data.meshcheck.lib.fleet
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s is keyed %q, the cluster ID of %s's own istiod in %s: istiod ignores it as it would overwrite its own cluster",
		[name, rs.name, e.key, name, cp.namespace],
	),
	"at": e.source,
	"related": [cp.cluster_id.source],
}) if {
	some name, c in input.clusters
	cps := fleet.mesh_control_planes(c)
	some rs in c.remote_secrets
	rs.type == "remote"
	some e in rs.entries
	some cp in cps
	e.key == cp.cluster_id.value
	cluster.reads(cp, rs)
}
