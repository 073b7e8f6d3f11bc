# METADATA
# title: Namespace istio.io/rev names an installed revision, without istio-injection
# description: |
#   A namespace labelled istio.io/rev is injected by the control plane of that
#   revision or revision tag. A value that names no installed revision or tag
#   matches no injection webhook, so its pods silently run without sidecars
#   (or keep an old proxy). A name counts as unknown when the cluster's
#   revision tags are known (revisionTags values, tag webhooks) or when it is
#   a version-style revision name (1-25-2), since istioctl tag set creates
#   tags outside Git. istio-injection takes precedence over
#   istio.io/rev, so a namespace carrying both is not injected by the
#   revision it names (istioctl analyze IST0123).
# custom:
#   code: CP011
#   severity: warning
#   dimensions: [controlplane]
#   scope: cluster
#   referee:
#     note: |
#       Not observable by the referee: injection labels act in the sidecar
#       injector, which it does not run.
#   istio:
#     component: >-
#       sidecar injector (mutating webhook configuration)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
#       namespaceSelectors: the revision webhooks match istio.io/rev In
#       [<rev>] with istio-injection DoesNotExist, so a namespace with
#       istio-injection or an unknown revision is not injected by that
#       revision; istioctl analyze IST0123
#       (pkg/config/analysis/analyzers/injection)
#     versions: >-
#       every release with revision-based injection; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar
#   remediation: |
#     Label the namespace with an installed revision or tag and drop the
#     legacy label:
#     kubectl label namespace NS istio.io/rev=REV istio-injection- --overwrite
package meshcheck.rules.controlplane.cp011

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"namespace %s is labelled istio.io/rev=%s, but %s installs no such revision or tag (it has %s): its pods are not injected",
		[ns.name, ns.revision.value, name, concat(", ", sort(known))],
	),
	"at": ns.revision.source,
}) if {
	some name, c in input.clusters
	count(c.control_planes) > 0
	known := controlplane.revision_labels(c)
	some ns in c.namespaces
	ns.revision

	# "default" is always valid (istioctl makes the first revisioned install
	# the default); other names count as unknown only when the cluster's tags
	# are known or the name looks like a version revision (not a tag).
	controlplane.unknown_revision(c, ns.revision.value)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"namespace %s has both istio-injection=%s and istio.io/rev=%s: istio-injection takes precedence, so revision %s does not inject it",
		[ns.name, ns.injection.value, ns.revision.value, ns.revision.value],
	),
	"at": ns.injection.source,
	"related": [ns.revision.source],
}) if {
	some name, c in input.clusters
	some ns in c.namespaces
	ns.injection
	ns.revision
}
