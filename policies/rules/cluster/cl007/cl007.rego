# METADATA
# title: A remote cluster has one name everywhere
# description: |
#   A remote-profile cluster is named three times: the cluster parameter of its
#   injection path or URL (which the injector gives its pods as
#   ISTIO_META_CLUSTER_ID, overriding values), values.global.multiCluster.clusterName
#   if set, and the key of the remote secret the control plane's cluster holds for
#   it (the name istiod registers its endpoints under). They must be the same
#   string, or the remote's proxies report a cluster istiod does not know:
#   topology.istio.io/cluster routing, ambient gateway selection and
#   locality-aware load balancing break (deckhouse/deckhouse#22884). The secret
#   is matched to the remote by its kubeconfig (server host, context cluster, or a
#   key equal to the fleet's name for the remote), only when its key is no
#   cluster ID of the fleet.
# custom:
#   code: CL007
#   severity: error
#   dimensions: [cluster]
#   scope: object
#   referee:
#     fleets:
#       - testdata/mistakes/05-remote-secret-name-differs-from-injection-path
#     note: |
#       The primary registers the remote's API server under the secret's name
#       while the remote's proxies, which that primary serves, claim the cluster
#       ID of their injection path: the referee finds no endpoints under the ID
#       the proxies claim, and its verdict is broken.
#   istio:
#     component: >-
#       sidecar injector and istiod (CA authenticator, multicluster secret
#       controller)
#     source: >-
#       pkg/kube/inject/webhook.go URLParameterToEnv and parseInjectEnvs (the
#       injection path's cluster parameter becomes ISTIO_META_CLUSTER_ID, over
#       values: inject.go extractClusterAndNetwork);
#       security/pkg/server/ca/authenticate/kubeauth/kube_jwt.go
#       KubeJWTAuthenticator.authenticate refuses a CSR from a cluster ID no
#       remote secret registers ("client claims to be in cluster ..., but we
#       only know about ..."); pkg/kube/multicluster/secretcontroller.go
#       Controller.addRemoteConfig registers the remote under the secret's key
#     versions: >-
#       every release whose remote profile takes the cluster from the
#       injection path or URL; no lower bound claimed; checked against the
#       pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad of
#       2026-08-27)
#     modes: >-
#       sidecar (remote-profile clusters are injected by their primary;
#       ambient has no remote profile, CP013)
#   remediation: |
#     Pick one name for the remote and use it in istiodRemote.injectionPath
#     (/inject/cluster/<name>/net/<network>) or injectionURL, in
#     global.multiCluster.clusterName, and as --name of
#     istioctl create-remote-secret --context=<remote> --name=<name> applied to the primary.
package meshcheck.rules.cluster.cl007

import data.meshcheck.lib.cluster
import data.meshcheck.lib.result

# Injection parameter against clusterName, both on the remote's install.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"remote cluster %s is named %q by the cluster parameter of its injection %s but %q by global.multiCluster.clusterName; its pods report %q",
		[name, cp.injection_cluster.value, injection_kind(cp), cp.cluster_name.value, cp.injection_cluster.value],
	),
	"at": cp.cluster_name.source,
	"related": [cp.injection_cluster.source],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "remote"
	cp.injection_cluster.value != cp.cluster_name.value
}

# The remote secret the fleet holds for the remote against its own name.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": x.holder,
	"message": sprintf(
		"%s's remote secret %s registers remote cluster %s as %q%s, but %s calls itself %q (%s); its kubeconfig reaches %s (%s)",
		[
			x.holder, x.secret.name, x.target, x.entry.key, cluster.uid_hint(x.entry.key),
			x.target, x.target_id, id_origin(x.target), x.target, cluster.evidence_text(x),
		],
	),
	"at": x.entry.source,
	"related": [input.clusters[x.target].id.source],
}) if {
	some x in cluster.misnamed
	input.clusters[x.target].role == "remote"
}

injection_kind(cp) := "URL" if cp.injection_url

else := "path"

# id_origin(name) says where a remote's cluster ID comes from.
id_origin(name) := "from its injection path" if {
	endswith(input.clusters[name].id.source.path, "injectionPath")
} else := "from its injection URL" if {
	endswith(input.clusters[name].id.source.path, "injectionURL")
} else := "from global.multiCluster.clusterName" if {
	endswith(input.clusters[name].id.source.path, "clusterName")
} else := "from its istiod's CLUSTER_ID"
