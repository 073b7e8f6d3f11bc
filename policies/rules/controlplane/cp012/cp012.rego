# METADATA
# title: Control planes sharing a cluster are isolated from each other
# description: |
#   Several control planes in one cluster (one per tenant, in their own
#   system namespaces) must not claim the same namespaces: each needs its own
#   revision (the webhooks, tags and istiod Services are named after it),
#   discoverySelectors that select disjoint sets of namespaces, and
#   enhanced resource scoping so that the selectors also scope configuration
#   and not only endpoints. Otherwise two istiods manage the same workloads
#   and config. Scoping is the default since Istio 1.22, so only turning it
#   off is reported: ENABLE_ENHANCED_RESOURCE_SCOPING=false, or the
#   compatibilityVersion profile of 1.21 or older (which sets it false)
#   without the variable set true. Two revisions in one system namespace are a
#   canary upgrade and are not concerned; an external control plane and the
#   gateway-only istiod next to it read configuration from different clusters.
# custom:
#   code: CP012
#   severity: error
#   dimensions: [controlplane, mesh]
#   scope: cluster
#   referee:
#     note: |
#       Not observable in the referee's setup: it runs one istiod per cluster,
#       so several control planes in one cluster and their discoverySelectors
#       are not exercised.
#   istio:
#     component: >-
#       istiod (discovery selectors, webhooks and Services per revision)
#     source: >-
#       pkg/kube/namespace/filter.go NewDiscoveryNamespacesFilter
#       (meshConfig.discoverySelectors decide which namespaces an istiod
#       reads);
#       manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
#       (webhooks and istiod Services named after the revision); multiple
#       control planes doc
#       (content/en/docs/setup/install/multiple-controlplanes/index.md). The
#       pinned version has no ENABLE_ENHANCED_RESOURCE_SCOPING variable:
#       releasenotes/notes/enable-enhanced-scope.yaml made enhanced scoping
#       the default
#     versions: >-
#       ENABLE_ENHANCED_RESOURCE_SCOPING matters only in releases before it
#       became the default (releasenotes/notes/enable-enhanced-scope.yaml;
#       51399.yaml added it to the 1.20 and 1.21 compatibility profiles);
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Give each control plane its own revision and namespace
#     (values.global.istioNamespace, revision), meshConfig.discoverySelectors
#     matching only its tenants' namespaces (e.g. matchLabels usergroup: usergroup-1),
#     and enhanced resource scoping left on (do not set
#     ENABLE_ENHANCED_RESOURCE_SCOPING=false; with compatibilityVersion 1.21 or
#     older set values.pilot.env.ENABLE_ENHANCED_RESOURCE_SCOPING=true).
package meshcheck.rules.controlplane.cp012

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

candidates(c) := [cp |
	some cp in c.control_planes
	cp.role == "primary"
	controlplane.runs_istiod(cp)
]

# pairs are two control planes of one cluster in different system namespaces.
pairs contains {"cluster": name, "a": a, "b": b} if {
	some name, c in input.clusters
	c.role != "external"
	cps := candidates(c)
	some i, a in cps
	some j, b in cps
	i < j
	a.namespace != b.namespace
}

desc(cp) := sprintf("%s/%s", [cp.namespace, controlplane.rev_label(cp.revision)])

violation contains result.fail(rego.metadata.chain(), {
	"cluster": p.cluster,
	"message": sprintf(
		"control planes %s and %s in %s have the same revision %s: their webhooks, tags and istiod Services clash",
		[desc(p.a), desc(p.b), p.cluster, controlplane.rev_label(p.a.revision)],
	),
	"at": controlplane.anchor(p.b),
	"related": [controlplane.anchor(p.a)],
}) if {
	some p in pairs
	p.a.revision == p.b.revision
}

# selects_all(cp) holds when cp's discoverySelectors select every namespace:
# none set (and the mesh config is shown), an empty list or an empty selector.
selects_all(cp) if {
	not cp.discovery_selectors
	controlplane.mesh_shown(cp)
}

selects_all(cp) if count(cp.discovery_selectors.value) == 0

selects_all(cp) if {
	some s in cp.discovery_selectors.value
	count(s) == 0
}

# covers(sa, sb) holds when every namespace selector sb selects, sa also
# selects: equal selectors, or matchLabels-only selectors where sa's labels
# are a subset of sb's.
covers(sa, sb) if sa == sb

covers(sa, sb) if {
	not sa.matchExpressions
	not sb.matchExpressions
	count(sa.matchLabels) > 0
	every k, v in sa.matchLabels {
		sb.matchLabels[k] == v
	}
}

# reasons(a, b) say why the namespaces a and b select overlap.
reasons(a, b) := (({"one of them selects every namespace" | selects_all(a)} | {"one of them selects every namespace" | selects_all(b)}) | {sprintf("both select namespaces matching %s", [json.marshal(sb)]) |
	some sa in a.discovery_selectors.value
	some sb in b.discovery_selectors.value
	covers(sa, sb)
}) | {sprintf("both select namespaces matching %s", [json.marshal(sa)]) |
	some sa in a.discovery_selectors.value
	some sb in b.discovery_selectors.value
	covers(sb, sa)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": p.cluster,
	"message": sprintf(
		"control planes %s and %s in %s do not have disjoint discoverySelectors (%s): both istiods manage the same namespaces",
		[desc(p.a), desc(p.b), p.cluster, why],
	),
	"at": selector_source(p.b),
	"related": [selector_source(p.a)],
}) if {
	some p in pairs
	why := concat("; ", sort(reasons(p.a, p.b)))
	why != ""
}

selector_source(cp) := cp.discovery_selectors.source if cp.discovery_selectors

selector_source(cp) := controlplane.anchor(cp) if not cp.discovery_selectors

violation contains result.fail(rego.metadata.chain(), {
	"cluster": p.cluster,
	"message": sprintf(
		"control plane %s shares %s with control plane %s but %s: its discoverySelectors scope endpoints but not configuration",
		[desc(cp), p.cluster, desc(other), unscoped_why(cp)],
	),
	"at": scoping_source(cp),
}) if {
	some p in pairs
	some k, cp in [p.a, p.b]
	other := [p.b, p.a][k]
	unscoped_why(cp)
}

# unscoped_why(cp) says why cp's configuration is not scoped by its
# discoverySelectors. Scoping is the default since Istio 1.22 (release note
# enable-enhanced-scope; the pinned version has no switch left), so an unset
# variable is not a finding: only scoping turned off, by the variable or by
# the compatibility profile of 1.21 or older, which sets it false.
unscoped_why(cp) := "sets ENABLE_ENHANCED_RESOURCE_SCOPING=false" if {
	lower(sprintf("%v", [cp.env.ENABLE_ENHANCED_RESOURCE_SCOPING.value])) == "false"
} else := sprintf("installs compatibilityVersion %v, whose profile turns ENABLE_ENHANCED_RESOURCE_SCOPING off, without setting it true", [cp.values.compatibilityVersion]) if {
	old_compatibility(cp.values.compatibilityVersion)
	not scoped(cp)
}

scoped(cp) if lower(sprintf("%v", [cp.env.ENABLE_ENHANCED_RESOURCE_SCOPING.value])) == "true"

# old_compatibility(v) holds for a compatibilityVersion of 1.21 or older.
old_compatibility(v) if {
	parts := split(sprintf("%v", [v]), ".")
	to_number(parts[0]) == 1
	to_number(parts[1]) <= 21
}

scoping_source(cp) := cp.env.ENABLE_ENHANCED_RESOURCE_SCOPING.source if cp.env.ENABLE_ENHANCED_RESOURCE_SCOPING

scoping_source(cp) := controlplane.anchor(cp) if not cp.env.ENABLE_ENHANCED_RESOURCE_SCOPING
