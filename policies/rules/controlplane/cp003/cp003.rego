# METADATA
# title: A remote is annotated for, and led by, the istiod that serves it
# description: |
#   An istiod only manages a remote cluster (writes its CA root ConfigMaps,
#   webhooks, leader lock) when it runs with EXTERNAL_ISTIOD=true
#   (values.global.externalIstiod) and the remote's system namespace carries
#   topology.istio.io/controlPlaneClusters listing that istiod's cluster ID
#   (or "*"): "Istiod will not attempt to lead unannotated remote clusters".
#   The config cluster of an external control plane needs no annotation,
#   since the external istiod treats it as its own cluster.
# custom:
#   code: CP003
#   severity: error
#   dimensions: [controlplane]
#   scope: fleet
#   referee:
#     note: |
#       Not observable in discovery: the namespace annotation and
#       EXTERNAL_ISTIOD decide which istiod leads a remote (writes its webhook
#       configuration and istio-ca-root-cert ConfigMaps: checkShouldLead in
#       pilot/pkg/serviceregistry/kube/controller/multicluster.go), not which
#       endpoints istiod discovers; the referee does not check those objects.
#   istio:
#     component: >-
#       istiod (multicluster controller, leader election for remote clusters)
#     source: >-
#       pilot/pkg/serviceregistry/kube/controller/multicluster.go
#       Multicluster.checkShouldLead: only with EXTERNAL_ISTIOD
#       (pilot/pkg/features/pilot.go ExternalIstiod) and only when the
#       remote's system namespace annotation
#       topology.istio.io/controlPlaneClusters lists its cluster ID or *,
#       istiod leads the remote (istio-ca-root-cert ConfigMaps, webhook
#       patching)
#     versions: >-
#       every release with EXTERNAL_ISTIOD; Helm needs only
#       global.externalIstiod since releasenotes/notes/51595.yaml; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     Annotate the remote's system namespace with the cluster ID of the
#     istiod that serves it:
#     kubectl --context=<remote> annotate namespace <system namespace> topology.istio.io/controlPlaneClusters=<primary cluster ID>
#     and install that istiod with values.global.externalIstiod=true (or
#     pilot.env.EXTERNAL_ISTIOD=true).
package meshcheck.rules.controlplane.cp003

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

# served holds, for each remote control plane of a remote cluster r, the
# cluster p that serves it and the control planes there that serve it.
served contains {"remote": r, "primary": p, "remote_cp": rcp, "serving": serving} if {
	some r, c in input.clusters
	c.role == "remote"
	p := c.control_plane_cluster
	input.clusters[p]
	some rcp in controlplane.remote_control_planes(c)
	serving := controlplane.serving(p, rcp.revision)
	count(serving) > 0
}

# ids(s) are the explicit cluster IDs of the serving control planes.
ids(s) := {cp.cluster_id.value | some cp in s.serving; not cp.cluster_id.default}

# The system namespace is shown but not annotated at all.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": r,
	"message": sprintf(
		"namespace %s of remote %s has no topology.istio.io/controlPlaneClusters annotation: %s's istiod (cluster ID %s) will not lead it",
		[ns.name, r, s.primary, concat(", ", sort(ids(s)))],
	),
	"at": ns.source,
	"fix": annotate(r, ns, s),
}) if {
	some s in served
	r := s.remote
	not controlplane.served_by_external_as_config(r)
	count(ids(s)) > 0
	ns := input.clusters[r].namespaces[s.remote_cp.namespace]
	not ns.control_plane_clusters
}

# annotate is the command that annotates r's namespace ns with the cluster
# ID of the istiod that serves it.
annotate(r, ns, s) := sprintf(
	"In cluster %s: kubectl annotate namespace %s topology.istio.io/controlPlaneClusters=%s --overwrite",
	[r, ns.name, min(ids(s))],
)

# The annotation names neither "*" nor the serving istiod's cluster ID.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": r,
	"message": sprintf(
		"namespace %s of remote %s is annotated topology.istio.io/controlPlaneClusters=%s, but the istiod that serves it (in %s) calls its cluster %s",
		[ns.name, r, concat(",", listed), s.primary, concat(" or ", sort(ids(s)))],
	),
	"at": ns.control_plane_clusters.source,
	"related": [cp.cluster_id.source | some cp in s.serving; cp.cluster_id.value in ids(s)],
	"fix": annotate(r, ns, s),
}) if {
	some s in served
	r := s.remote
	not controlplane.served_by_external_as_config(r)
	count(ids(s)) > 0
	ns := input.clusters[r].namespaces[s.remote_cp.namespace]
	listed := ns.control_plane_clusters.value
	not "*" in listed
	count({id | some id in listed; id in ids(s)}) == 0
}

# The serving istiod is not told to manage remotes.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": s.primary,
	"message": sprintf(
		"%s's istiod (%s/%s) serves remote %s but does not run with EXTERNAL_ISTIOD=true (values.global.externalIstiod): it will not manage the remote",
		[s.primary, cp.namespace, controlplane.rev_label(cp.revision), r],
	),
	"at": at_of(cp),
	"related": [controlplane.anchor(s.remote_cp)],
}) if {
	some s in served
	r := s.remote
	every scp in s.serving {
		not scp.external_istiod.value == true
	}
	some cp in s.serving
	controlplane.env_shown(cp)
	not cp.external_istiod.value == true
}

at_of(cp) := cp.external_istiod.source if cp.external_istiod

at_of(cp) := controlplane.anchor(cp) if not cp.external_istiod
