# METADATA
# title: Distinct meshes have distinct trust domains
# description: |
#   "Every mesh has an exclusive trust domain" (istio.io glossary): the trust
#   domain is what tells one mesh's identities from another's, and
#   federating two meshes means importing the peer's trust bundle for its
#   trust domain. Two meshes with the same trust domain cannot tell each
#   other's workloads apart. Distinct meshes are taken from evidence only:
#   clusters that declare different meshIDs and that no link joins (no
#   remote secret, control plane or configured mesh, directly or through
#   other clusters). The chart default cluster.local counts. Sharing a
#   trust domain only matters when the meshes also trust each other's
#   certificates: the same root of trust, or one importing the other's root
#   in caCertificates. Then a workload of one mesh is accepted by the other
#   under an identity it cannot tell from its own. Separate meshes that
#   merely both keep cluster.local with their own roots are not flagged
#   (that is most fleets, and harmless until they federate). Clusters that
#   leave meshID unset are not judged, nor is a one-way remote secret
#   between different mesh IDs (MS009).
# custom:
#   code: MS008
#   severity: warning
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
#       proxies' identity validation (trust domain of peer identities)
#     source: >-
#       trust domain glossary
#       (content/en/docs/reference/glossary/trust-domain.md: "Every mesh has
#       an exclusive trust domain"); deployment models doc, Trust between
#       meshes; pilot/pkg/networking/plugin/authn/util.go
#       TrustDomainsForValidation (a peer is validated by trust domain, so a
#       peer mesh with the same trust domain and a trusted root is accepted as
#       one's own)
#     versions: >-
#       every release; no lower bound claimed; checked against the pinned
#       istio.io/istio (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Give each mesh its own meshConfig.trustDomain (e.g. mesh1.example.com
#     and mesh2.example.com) before workloads depend on their identities; to
#     federate, import the peer's root with meshConfig.caCertificates
#     (trustDomains) or spiffeBundleUrl.
package meshcheck.rules.mesh.ms008

import data.meshcheck.lib.fleet
import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": b,
	"message": sprintf(
		"%s (meshID %q) and %s (meshID %q) are separate meshes but share trust domain %q%s and %s: each accepts the other's workloads under identities it cannot tell from its own",
		[a, ia.value, b, ib.value, tb.value, default_note(tb), trust_note(ca, cb)],
	),
	"at": tb.source,
	"related": [ta.source],
}) if {
	some [a, b] in trusting_pairs
	ca := input.clusters[a]
	cb := input.clusters[b]
	ia := mesh.mesh_id(ca)
	ib := mesh.mesh_id(cb)
	ia.value != ib.value
	not fleet.same_mesh(a, b)
	ta := mesh.trust_domain(ca)
	tb := mesh.trust_domain(cb)
	ta.value == tb.value
	trust_note(ca, cb)
}

# trusting_pairs are the pairs of clusters whose certificates the other
# accepts: the same root, or one importing the other's root. Found through
# an index by root fingerprint rather than by comparing every pair.
by_root := {fp: {n | some n, f in fingerprints; f == fp} | some fp in {f | some f in fingerprints}}

fingerprints := {name: r.fingerprint | some name, r in mesh.roots}

trusting_pairs contains [a, b] if {
	some _, names in by_root
	some a in names
	some b in names
	a < b
}

trusting_pairs contains [min({a, b}), max({a, b})] if {
	some a, ca in input.clusters
	some cp in mesh.istiods(ca)
	some fp in cp.ca_certificate_fingerprints.value
	some b in by_root[fp]
	a != b
}

# trust_note(ca, cb) says how the two meshes trust each other's certificates.
trust_note(ca, cb) := "the same root of trust" if {
	mesh.root(ca).fingerprint == mesh.root(cb).fingerprint
} else := "one imports the other's root" if {
	mesh.trusts_root(ca, mesh.root(cb).fingerprint)
} else := "one imports the other's root" if {
	mesh.trusts_root(cb, mesh.root(ca).fingerprint)
}

default_note(t) := " (the default)" if {
	t.default
} else := ""
