# METADATA
# title: Primaries of one mesh do not each self-sign their CA
# description: |
#   Without a plugged-in cacerts Secret, each istiod generates its own root
#   (istio-ca-secret). Two primaries of one mesh then have different roots
#   and cross-cluster mTLS fails; changing the CA afterwards "typically
#   requires reinstalling Istio" (multicluster before-you-begin). A Git tree
#   without cacerts proves nothing, so the rule needs evidence for each
#   cluster: an istio-ca-secret shown beside its istiod with no cacerts, or
#   a complete Secret inventory (live audit) without cacerts and without an
#   external CA. Two istio-ca-secrets with the same root (copied between
#   clusters) are accepted.
# custom:
#   code: MS005
#   severity: error
#   dimensions: [mesh]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: mesh identity and trust are checked in
#       the data plane's mTLS handshakes, and the referee runs no proxies; it
#       reads the trust domain and mesh ID each istiod serves (/debug/mesh),
#       which shows the values this rule compares, not the handshake that fails.
#   istio:
#     component: >-
#       istiod CA (self-signed root)
#     source: >-
#       security/pkg/pki/ca/ca.go NewSelfSignedIstioCAOptions (without cacerts
#       istiod generates its own root and keeps it in istio-ca-secret,
#       CASecret); pilot/pkg/bootstrap/istio_ca.go; multicluster
#       before-you-begin doc
#       (content/en/docs/setup/install/multicluster/before-you-begin/index.md:
#       changing the CA later "typically requires reinstalling Istio")
#     versions: >-
#       every release; no lower bound claimed; checked against the pinned
#       istio.io/istio (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Generate one root and an intermediate per cluster and plug them in as
#     the cacerts Secret in istio-system of every primary before installing
#     (istio.io "Plug in CA Certificates", tools/certs/Makefile.selfsigned.mk),
#     then restart istiod and the workloads.
package meshcheck.rules.mesh.ms005

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": b,
	"message": sprintf(
		"%s and %s are one mesh but each istiod signs with a root it generated itself (%s: %s; %s: %s), so mTLS between the clusters fails",
		[a, b, a, sa.evidence, b, sb.evidence],
	),
	"at": sb.source,
	"related": [sa.source],
}) if {
	some [a, b] in mesh.differing_pairs({c: root_of(c, s) | some c, s in mesh.self_signed_roots})
	sa := mesh.self_signed_roots[a]
	sb := mesh.self_signed_roots[b]
	mesh.one_mesh(a, b)
}

# root_of is the self-signed root a cluster's evidence shows, else the
# cluster's own name: a root not shown is taken as its own, as no other
# cluster can be shown to hold a copy of it.
root_of(_, s) := s.secret.root_fingerprint

root_of(c, s) := sprintf("unknown root of %s", [c]) if not s.secret.root_fingerprint
