# METADATA
# title: Remote secrets carry a credential the remote API server accepts
# description: |
#   Istiod reads each cluster of the mesh with the kubeconfig of its remote
#   secret. A kubeconfig can hold a credential (CL004 checks that it does) that
#   the API server nevertheless refuses: a token that expired or was revoked, a
#   service-account token Secret that Kubernetes 1.24 and later no longer create
#   (istio/istio#38246), a token of another cluster. Istiod then discovers no
#   endpoints of that cluster and cannot authenticate its workloads. Only a live
#   audit can tell: with --from-remote-secrets meshcheck connects with the
#   secret's kubeconfig, and the rule fires when the API server answers 401
#   Unauthorized: an error, as istiod then never reads that cluster (the
#   referee shows the same for a kubeconfig without a credential, CL004). A
#   403 (the credential is valid, a permission is missing) does not count, nor
#   does a cluster that could not be reached.
# custom:
#   code: CP014
#   severity: error
#   dimensions: [controlplane, cluster]
#   scope: cluster
#   referee:
#     note: |
#       Observable, not yet refereed as such: a credential the remote API server
#       refuses leaves the remote cluster timed out in /debug/clusterz with no
#       endpoints, as the referee shows for a kubeconfig without a credential
#       (CL004); its test API servers accept the credentials it writes, so an
#       expired or revoked one is not reproduced.
#   live_only: true
#   istio:
#     component: >-
#       istiod (multicluster secret controller, CA authenticator)
#     source: >-
#       pkg/kube/multicluster/cluster.go Cluster.Run: a remote whose API
#       server refuses the credential never syncs and is reported timed out
#       after PILOT_REMOTE_CLUSTER_TIMEOUT (pilot/pkg/features/pilot.go);
#       security/pkg/server/ca/authenticate/kubeauth/kube_jwt.go
#       KubeJWTAuthenticator.authenticate cannot review that cluster's tokens
#       ("failed to validate the JWT from cluster ...")
#     versions: >-
#       every release with istio/multiCluster remote secrets; token Secrets
#       are not created automatically from Kubernetes 1.24 (istio/istio#38246,
#       PR istio/istio#38249); checked against the pinned istio.io/istio
#       (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Regenerate the secret with a current token of the remote cluster's reader service account:
#     istioctl create-remote-secret --context=CTX_TARGET --name=TARGET | kubectl apply --context=CTX_HOLDER -f -
#     On Kubernetes >= 1.24 make sure the service account has a token Secret
#     (istioctl >= 1.14 creates one); check the token with
#     kubectl --kubeconfig=<decoded secret> auth can-i list pods --all-namespaces.
package meshcheck.rules.controlplane.cp014

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s/%s: the API server %s rejected the credential of the kubeconfig under key %q (401 Unauthorized), so istiod holding this secret cannot read that cluster either",
		[name, rs.namespace, rs.name, server(e), e.key],
	),
	"at": e.credential_rejected.source,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	some e in rs.entries
	e.credential_rejected.value == true
}

# server names the API server by host only: a URL may carry user info.
server(e) := sprintf("of %q (%s)", [e.key, e.server_host]) if e.server_host != ""

else := sprintf("of %q", [e.key])
