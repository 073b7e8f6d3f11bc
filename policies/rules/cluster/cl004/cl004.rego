# METADATA
# title: Remote secrets are well-formed
# description: |
#   A Secret labelled istio/multiCluster=true is what istioctl create-remote-secret
#   prints: the networking.istio.io/cluster annotation equals its one data key, and
#   the key holds a kubeconfig whose current context uses a cluster of the same
#   name and a user with a credential istiod accepts. Istiod registers the cluster
#   under the key while istioctl analyze and humans read the annotation and the
#   context cluster, so a secret that disagrees with itself is registered under a
#   name nobody expects (a warning: discovery still works). A kubeconfig that does
#   not parse, carries no token (service-account token Secrets are not created
#   automatically since Kubernetes 1.24, istio/istio#38246), or uses an option
#   istiod refuses in a remote secret (exec, an auth provider other than oidc,
#   client key or certificate files, a token file: they run code or read files on
#   istiod's host) leaves the cluster out of the mesh: an error where an istiod
#   of the inputs reads the secret (for a refused option, one whose environment
#   is shown without PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS allowing
#   it), a warning where the inputs do not show that istiod or its
#   environment, and nothing where they show that no istiod reads the secret's
#   namespace. For the --type=config secret
#   (istio-kubeconfig, key config) only the kubeconfig and its credential are
#   checked. The kubeconfig of a SOPS-encrypted file is not checked.
# custom:
#   code: CL004
#   severity: warning
#   dimensions: [cluster]
#   scope: object
#   referee:
#     fleets:
#       - testdata/mistakes/12-remote-secret-without-token
#       - testdata/rules/CL004/fail/remote-secret-exec-credential
#     note: |
#       With a kubeconfig that carries no credential istiod cannot list the
#       remote API server: /debug/clusterz shows the remote cluster timed out
#       and its endpoints never arrive. With one that uses exec, istiod refuses
#       the secret and never registers the cluster; the referee keeps the
#       refused option in the kubeconfig it writes, and the same fleet with
#       PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS=exec on istiod discovers
#       across clusters (testdata/rules/CL004/pass/exec-allowed-by-istiod-env).
#       The self-contradicting annotation and context are warnings: istiod
#       uses the key, and discovery works.
#   istio:
#     component: >-
#       istiod (multicluster secret controller)
#     source: >-
#       pkg/kube/multicluster/secretcontroller.go
#       DefaultBuildClientsFromConfig and Controller.createRemoteCluster build
#       the remote client from the kubeconfig under the data key (the ID the
#       cluster is registered under); a kubeconfig that does not parse fails
#       there, one that uses a refused option fails in pkg/kube/util.go
#       NewUntrustedRestConfig (sanitizeKubeConfig, every user of the
#       kubeconfig, allowlist pilot/pkg/features/pilot.go
#       PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS, empty by default), one
#       without a credential is refused by the API server and the cluster
#       never syncs (pkg/kube/multicluster/cluster.go Cluster.Run,
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
import data.meshcheck.lib.controlplane
import data.meshcheck.lib.fleet
import data.meshcheck.lib.result

# Each violation walks the secrets in place (input.clusters[name].
# remote_secrets): a set of [name, secret] pairs would hash every secret.
# Only the kubeconfigs the files show in clear are read (not encrypted).
# Each body tests what few entries have (a refused option, no credential)
# before what costs (the kubeconfig's problems, which istiods read it): a
# mesh of 1,000 primaries holds 19,000 secrets.

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
	e.context_cluster != e.key
	not cluster.kubeconfig_problem(e)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q cannot be used: %s",
		[name, rs.name, e.key, problem],
	),
	"at": e.source,
	"severity": severity,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	problem := cluster.kubeconfig_problem(e)
	severity := unusable_severity(c, rs)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q has no credential for the user of context %q (no token, client key, exec or auth-provider), so istiod cannot read the cluster it reaches",
		[name, rs.name, e.key, e.current_context],
	),
	"at": e.source,
	"severity": severity,
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	not e.has_credentials
	not cluster.kubeconfig_problem(e)
	severity := unusable_severity(c, rs)
}

# An option istiod refuses, where the istiod reading the secret is shown:
# refused unless that istiod's environment allows it.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q uses %s, which istiod (%s/%s) refuses in a remote secret, so the cluster is never registered",
		[name, rs.name, e.key, concat(", ", refused), cp.namespace, controlplane.istiod_name(cp.revision)],
	),
	"at": e.source,
	"related": [controlplane.anchor(cp)],
	"severity": "error",
	"fix": refused_fix(name, rs, e.key, refused),
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	count(object.get(e, "refused_auth", [])) > 0
	not cluster.kubeconfig_problem(e)
	some cp in readers(c, rs)
	controlplane.env_shown(cp)
	refused := refused_by(cp, e)
	count(refused) > 0
}

# The environment of the istiod reading the secret is not in the inputs:
# unknown, and the default refuses.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote secret %s: the kubeconfig under key %q uses %s, which istiod refuses in a remote secret unless its PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS allows it (the inputs do not show the environment of %s's istiod)",
		[name, rs.name, e.key, concat(", ", e.refused_auth), name],
	),
	"at": e.source,
	"severity": "warning",
	"fix": refused_fix(name, rs, e.key, e.refused_auth),
}) if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	not cluster.encrypted(rs)
	some e in rs.entries
	count(object.get(e, "refused_auth", [])) > 0
	not cluster.kubeconfig_problem(e)
	unusable_severity(c, rs)
	not reader_env_shown(c, rs)
}

# unusable_severity(c, rs) is how much a kubeconfig istiod cannot use in rs
# matters: an error where an istiod of the inputs reads rs, a warning where
# the inputs do not show which istiod reads it, and nothing (undefined)
# where they show that none does: istiod ignores the secret.
unusable_severity(c, rs) := "error" if {
	count(readers(c, rs)) > 0
} else := "warning" if {
	not ignored(c, rs)
}

ignored(c, rs) if {
	cps := fleet.mesh_control_planes(c)
	count(cps) > 0
	every cp in cps {
		cp.istiod
		not reads_as_istiod(cp, rs)
	}
}

reads_as_istiod(cp, rs) if {
	controlplane.runs_istiod(cp)
	cluster.reads(cp, rs)
}

# readers(c, rs) are the control planes of c whose istiod reads rs.
readers(c, rs) := [cp |
	some cp in fleet.mesh_control_planes(c)
	reads_as_istiod(cp, rs)
]

reader_env_shown(c, rs) if {
	some cp in readers(c, rs)
	controlplane.env_shown(cp)
}

# refused_by(cp, e) are the refused options of e's kubeconfig that cp's
# istiod does not allow (a comma-separated list, split as istiod splits it).
refused_by(cp, e) := [o |
	some o in object.get(e, "refused_auth", [])
	not o in split(object.get(cp, ["env", "PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS", "value"], ""), ",")
]

refused_fix(name, rs, key, refused) := sprintf(
	"Give the secret a kubeconfig with a service-account token (istioctl create-remote-secret --context=<context of %s> --name=%s), or, accepting that whoever can write Secrets in %s's %s can then run code or read files on istiod's host, set pilot.env.PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS=%s on %s's istiod",
	[key, key, name, object.get(rs, "namespace", "istio-system"), concat(",", refused), name],
)
