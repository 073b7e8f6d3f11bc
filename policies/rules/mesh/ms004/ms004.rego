# METADATA
# title: cacerts holds a complete CA that chains to its root
# description: |
#   istiod reads a plugged-in CA from the cacerts Secret: ca-cert.pem and
#   ca-key.pem (the signing intermediate), root-cert.pem and cert-chain.pem
#   (intermediates then root). A missing key makes istiod fall back to a
#   self-signed root or fail to start, and an intermediate that does not
#   chain to root-cert.pem issues certificates no peer accepts. Only key
#   names and certificate hashes are read; key material never is. A cacerts
#   shown without data is not judged.
# custom:
#   code: MS004
#   severity: error
#   dimensions: [mesh]
#   scope: object
#   referee:
#     note: |
#       Not observable by the referee: mesh identity and trust are checked in
#       the data plane's mTLS handshakes, and the referee runs no proxies; it
#       reads the trust domain and mesh ID each istiod serves (/debug/mesh),
#       which shows the values this rule compares, not the handshake that fails.
#   istio:
#     component: >-
#       istiod CA (plugged-in certificates)
#     source: >-
#       security/pkg/pki/ca/ca.go (file names CACertFile, CAPrivateKeyFile,
#       CertChainFile, RootCertFile; NewPluggedCertIstioCAOptions loads them
#       with util.NewVerifiedKeyCertBundleFromFile, which verifies the chain:
#       security/pkg/pki/util/keycertbundle.go Verify);
#       pilot/pkg/bootstrap/istio_ca.go detectSigningCABundleAndCRL (without a
#       complete cacerts, istio-ca-secret is used); plug-in CA doc
#       (content/en/docs/tasks/security/cert-management/plugin-ca-cert/index.md)
#     versions: >-
#       every release with the cacerts plug-in; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Recreate the Secret from the four files of one intermediate, e.g.
#     kubectl create secret generic cacerts -n istio-system
#     --from-file=ca-cert.pem --from-file=ca-key.pem
#     --from-file=root-cert.pem --from-file=cert-chain.pem
#     where ca-cert.pem is signed by root-cert.pem and cert-chain.pem is
#     ca-cert.pem (plus any intermediates) followed by root-cert.pem.
package meshcheck.rules.mesh.ms004

import data.meshcheck.lib.result

required := {"ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem"}

plugged contains [name, s] if {
	some name, c in input.clusters
	some s in c.ca_secrets
	s.name == "cacerts"
	count(s.keys) > 0
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"Secret %s/cacerts in %s lacks %s (it has %s): istiod needs ca-cert.pem, ca-key.pem, root-cert.pem and cert-chain.pem",
		[s.namespace, name, concat(", ", sort(missing)), concat(", ", s.keys)],
	),
	"at": s.source,
}) if {
	some [name, s] in plugged
	missing := required - {k | some k in s.keys}
	count(missing) > 0
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"ca-cert.pem of Secret %s/cacerts in %s does not chain to its root-cert.pem (%q): certificates it issues will not verify",
		[s.namespace, name, s.root_subject],
	),
	"at": s.source,
}) if {
	some [name, s] in plugged
	s.chains_to_root == false
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf("Secret %s/cacerts in %s has an unreadable %s", [s.namespace, name, s.error]),
	"at": s.source,
}) if {
	some [name, s] in plugged
	s.error
}
