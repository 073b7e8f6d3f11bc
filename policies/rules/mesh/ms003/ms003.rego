# METADATA
# title: Primaries of one mesh share a root of trust
# description: |
#   Sidecars and ztunnels of one mesh verify each other's certificates
#   against their own cluster's root. When the primaries (and external
#   control planes) of a mesh sign with CAs under different roots, mTLS
#   between the clusters fails (istio/istio#37096). The roots compared are
#   the root-cert.pem of each istiod's cacerts Secret, or its self-signed
#   istio-ca-secret when no cacerts is shown (two self-signed roots are
#   MS005). A sidecar mesh may instead trust the peers' roots through
#   meshConfig.caCertificates with ISTIO_MULTIROOT_MESH=true on both sides;
#   ambient has no such path. Remote-profile clusters are exempt (their CA
#   is their primary's), and a cluster whose root the inputs do not show is
#   not judged.
# custom:
#   code: MS003
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
#       istiod CA and the proxies' mTLS validation
#     source: >-
#       pilot/pkg/bootstrap/istio_ca.go (each istiod signs with its cacerts,
#       else its own istio-ca-secret root: detectSigningCABundleAndCRL,
#       createIstioCA); extra roots are used only with ISTIO_MULTIROOT_MESH
#       (pilot/pkg/features/pilot.go MultiRootMesh;
#       pilot/pkg/bootstrap/server.go NewServer builds the trust bundle only
#       then; pilot/pkg/trustbundle/trustbundle.go AddMeshConfigUpdate reads
#       meshConfig.caCertificates); multicluster before-you-begin doc
#       (content/en/docs/setup/install/multicluster/before-you-begin/index.md);
#       istio/istio#61719 (ambient: no trust anchor from another cluster's CA)
#     versions: >-
#       every release; the caCertificates path needs ISTIO_MULTIROOT_MESH;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient (ambient needs one shared root)
#   remediation: |
#     Plug in intermediates signed by one root on every primary: create the
#     cacerts Secret (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem)
#     in istio-system from the same root-cert.pem, e.g.
#     make -f tools/certs/Makefile.selfsigned.mk cluster2-cacerts with the
#     root used for cluster1, then restart istiod and the workloads. For a
#     sidecar mesh that must keep two roots, list each peer's root in
#     meshConfig.caCertificates and set ISTIO_MULTIROOT_MESH=true on istiod.
package meshcheck.rules.mesh.ms003

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": b,
	"message": sprintf(
		"%s's root of trust (%s, %s %s) differs from %s's (%s, %s %s), yet they are one mesh: mTLS between their workloads fails%s",
		[
			b, describe(rb), mesh.short(rb.fingerprint), subject(rb),
			a, describe(ra), mesh.short(ra.fingerprint), subject(ra),
			hint(ca, cb),
		],
	),
	"at": rb.secret.source,
	"related": [ra.secret.source],
}) if {
	some [a, b] in mesh.differing_pairs({c: r.fingerprint | some c, r in mesh.roots})
	ca := input.clusters[a]
	cb := input.clusters[b]
	ra := mesh.roots[a]
	rb := mesh.roots[b]
	not both_self_signed(ra, rb)
	mesh.one_mesh(a, b)
	not multi_root(ca, cb, ra, rb)
}

# Two self-signed roots are MS005's finding.
both_self_signed(ra, rb) if {
	ra.self_signed
	rb.self_signed
}

# multi_root: a sidecar mesh whose istiods each trust the other's root.
multi_root(ca, cb, ra, rb) if {
	not mesh.ambient(ca)
	not mesh.ambient(cb)
	mesh.may_trust(ca, rb.fingerprint)
	mesh.may_trust(cb, ra.fingerprint)
}

describe(r) := sprintf("self-signed Secret %s/%s", [r.secret.namespace, r.secret.name]) if {
	r.self_signed
} else := sprintf("root-cert.pem of Secret %s/%s", [r.secret.namespace, r.secret.name])

subject(r) := sprintf("%q", [r.secret.root_subject]) if {
	r.secret.root_subject
} else := ""

hint(ca, cb) := "; ambient meshes need one shared root" if {
	some c in [ca, cb]
	mesh.ambient(c)
} else := ""
