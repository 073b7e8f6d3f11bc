# METADATA
# title: Remote secrets are well-formed
# description: |
#   A Secret labelled istio/multiCluster=true is what istioctl create-remote-secret
#   prints: the networking.istio.io/cluster annotation equals its one data key, and
#   the key holds a kubeconfig whose current context uses a cluster of the same
#   name and a user with a credential. Istiod registers the cluster under the key
#   while istioctl analyze and humans read the annotation and the context cluster,
#   so a secret that disagrees with itself is registered under a name nobody
#   expects; a kubeconfig that does not parse or carries no token (service-account
#   token Secrets are not created automatically since Kubernetes 1.24,
#   istio/istio#38246) leaves the cluster out of the mesh. For the --type=config
#   secret (istio-kubeconfig, key config) only the kubeconfig and its credential
#   are checked. The kubeconfig of a SOPS-encrypted file is not checked.
# custom:
#   code: CL004
#   severity: warning
#   dimensions: [cluster]
#   scope: object
#   referee:
#     fleets:
#       - testdata/mistakes/12-remote-secret-without-token
#     note: |
#       With a kubeconfig that carries no credential istiod cannot list the
#       remote API server: /debug/clusterz shows the remote cluster timed out
#       and its endpoints never arrive. The referee shows a breakage where this
#       rule says warning (a listed disagreement): a candidate for error
#       severity when the key names a cluster of the mesh.
#   istio:
#     component: >-
#       istiod (multicluster secret controller)
#     source: >-
#       pkg/kube/multicluster/secretcontroller.go
#       DefaultBuildClientsFromConfig and Controller.createRemoteCluster build
#       the remote client from the kubeconfig under the data key (the ID the
#       cluster is registered under); a kubeconfig that does not parse fails
#       there, one without a credential is refused by the API server and the
#       cluster never syncs (pkg/kube/multicluster/cluster.go Cluster.Run,
#       sync timeout); istioctl/pkg/multicluster/remote_secret.go writes
#       annotation, key and context from one --name
#     versions: >-
#       every release with istio/multiCluster remote secrets; service-account
#       token Secrets are not created automatically from Kubernetes 1.24
#       (istio/istio#38246); checked against the pinned istio.io/istio
#       (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Regenerate the secret instead of editing it:
#     istioctl create-remote-secret --context=<target> --name=<target clusterName> | kubectl apply --context=<holder> -f -
#     On Kubernetes >= 1.24 make sure the reader service account has a token
#     (istioctl >= 1.14 creates a token Secret for it).
package meshcheck.rules.cluster.cl004

import data.meshcheck.lib.cluster
import data.meshcheck.lib.result

# Each violation walks the secrets in place (input.clusters[name].
# remote_secrets): a set of [name, secret] pairs would hash every secret.
# Only the kubeconfigs the files show in clear are read (not encrypted).

# The annotation names the cluster istioctl and readers see.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s has no networking.istio.io/cluster annotation naming the cluster of its key %s",
		[name, rs.name, concat(", ", [sprintf("%q", [e.key]) | some e in rs.entries])],
	),
	"at": rs.source,
	"related": [e.source | some e in rs.entries],
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	rs.type == "remote"
	not rs.cluster_annotation
	count(rs.entries) > 0
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s is annotated networking.istio.io/cluster=%q but holds its kubeconfig under key %q, the name istiod registers the cluster under",
		[name, rs.name, rs.cluster_annotation.value, e.key],
	),
	"at": rs.cluster_annotation.source,
	"related": [e.source],
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	rs.type == "remote"
	some e in rs.entries
	e.key != rs.cluster_annotation.value
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q has current context %q on cluster %q; istioctl analyze takes that as the cluster ID while istiod uses the key",
		[name, rs.name, e.key, e.current_context, e.context_cluster],
	),
	"at": e.source,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	rs.type == "remote"
	some e in rs.entries
	not cluster.kubeconfig_problem(e)
	e.context_cluster != e.key
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q cannot be used: %s",
		[name, rs.name, e.key, problem],
	),
	"at": e.source,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	problem := cluster.kubeconfig_problem(e)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q has no credential for the user of context %q (no token, client key, exec or auth-provider), so istiod cannot read the cluster it reaches",
		[name, rs.name, e.key, e.current_context],
	),
	"at": e.source,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	not cluster.kubeconfig_problem(e)
	not e.has_credentials
}
