# METADATA
# title: Primaries of one mesh share a trust domain or alias each other's
# description: |
#   Workload identities are spiffe://<trust domain>/ns/<ns>/sa/<sa>. When
#   the primaries of one mesh use different trust domains, a proxy rejects
#   the peer's identity (CERTIFICATE_VERIFY_FAILED, only local endpoints
#   served) even with a shared root, unless each lists the other's trust
#   domain in meshConfig.trustDomainAliases (istio/istio#39204, #30349).
#   An istiod run with PILOT_SKIP_VALIDATE_TRUST_DOMAIN=true gives its
#   proxies no trust domains to validate peers against
#   (pilot/pkg/networking/plugin/authn TrustDomainsForValidation returns
#   none), so a cluster whose istiods all set it accepts any trust domain
#   (Solo's Gloo Platform catalog runs one trust domain per cluster so).
#   The chart default cluster.local counts as a trust domain. Remote-profile
#   clusters take the trust domain of their istiod and are not compared.
# custom:
#   code: MS006
#   severity: error
#   dimensions: [mesh]
#   scope: fleet
#   referee:
#     fleets:
#       - examples/fleet
#       - testdata/rules/MS006/fail/alias-on-one-side-only
#     note: |
#       The referee reads the trust domain and aliases each istiod serves
#       (/debug/mesh trustDomain, trustDomainAliases, and the istiod's
#       PILOT_SKIP_VALIDATE_TRUST_DOMAIN) and judges the mesh dimension:
#       istiods of one mesh whose trust domains do not accept each other show
#       as "differs", and mutual aliases as consistent
#       (testdata/rules/MS006/pass/mutual-aliases). Discovery works there; the
#       mTLS handshake that fails is in the data plane, which the referee does
#       not run.
#   istio:
#     component: >-
#       istiod (peer validation config pushed to proxies)
#     source: >-
#       pilot/pkg/networking/plugin/authn/util.go TrustDomainsForValidation:
#       proxies accept peers of meshConfig.trustDomain, trustDomainAliases and
#       caCertificates trustDomains only, or any when
#       PILOT_SKIP_VALIDATE_TRUST_DOMAIN is set
#       (pilot/pkg/features/security.go); istio/istio#39204, #30349
#     versions: >-
#       every release with trust domain validation; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient (the cited code is the sidecar path; ztunnel's
#       validation is not in this module)
#   remediation: |
#     Give every primary of the mesh the same meshConfig.trustDomain (IOP
#     spec.meshConfig.trustDomain, Helm/Sail meshConfig.trustDomain), or, while
#     migrating, list each other cluster's trust domain in
#     meshConfig.trustDomainAliases on every primary.
package meshcheck.rules.mesh.ms006

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": bad,
	"message": sprintf(
		"%s uses trust domain %q%s and %s uses %q%s, yet they are one mesh: %s",
		[bad, tbad.value, default_note(tbad), good, tgood.value, default_note(tgood), why(cbad, tbad, cgood, tgood)],
	),
	"at": at(cbad, tbad),
	"related": [tgood.source],
}) if {
	some [a, b] in mesh.differing_pairs({c: t.value | some c, t in mesh.trust_domains})
	ca := input.clusters[a]
	cb := input.clusters[b]
	ta := mesh.trust_domains[a]
	tb := mesh.trust_domains[b]
	not mutual(ca, ta, cb, tb)
	mesh.one_mesh(a, b)
	[bad, cbad, tbad, good, cgood, tgood] := blame(a, ca, ta, b, cb, tb)
}

mutual(ca, ta, cb, tb) if {
	accepts(ca, tb)
	accepts(cb, ta)
}

# accepts(c, t): the proxies of c accept identities of trust domain t.
accepts(c, t) if t.value in mesh.aliases(c)

accepts(c, _) if skips_validation(c)

# skips_validation(c): every istiod of c skips the peer trust-domain check.
skips_validation(c) if {
	cps := mesh.istiods(c)
	count(cps) > 0
	every cp in cps {
		lower(cp.env.PILOT_SKIP_VALIDATE_TRUST_DOMAIN.value) == "true"
	}
}

# blame reports first the cluster that lacks the alias when the other has
# one; else the one that moved away from the default; else the later name.
blame(a, ca, ta, b, cb, tb) := [a, ca, ta, b, cb, tb] if {
	not accepts(ca, tb)
	accepts(cb, ta)
} else := [b, cb, tb, a, ca, ta] if {
	not accepts(cb, ta)
	accepts(ca, tb)
} else := [a, ca, ta, b, cb, tb] if {
	not ta.default
	tb.default
} else := [b, cb, tb, a, ca, ta]

default_note(t) := " (the default)" if {
	t.default
} else := ""

why(cbad, tbad, cgood, tgood) := "neither lists the other's in meshConfig.trustDomainAliases, so each rejects the other's workload identities" if {
	not accepts(cbad, tgood)
	not accepts(cgood, tbad)
} else := sprintf("%s does not list %q in meshConfig.trustDomainAliases, so it rejects the other's workload identities", [bad, tgood.value]) if {
	bad := cbad.name
}

# at points at the aliases the cluster would need to extend, else its trust domain.
at(c, t) := aliases[0].source if {
	aliases := [cp.trust_domain_aliases | some cp in mesh.istiods(c); cp.trust_domain_aliases]
	count(aliases) > 0
} else := t.source
