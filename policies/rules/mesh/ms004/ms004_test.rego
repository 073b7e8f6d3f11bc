package meshcheck.rules.mesh.ms004_test

import data.meshcheck.rules.mesh.ms004

all_keys := ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"]

secret(extra) := object.union({"name": "cacerts", "namespace": "istio-system", "keys": all_keys, "root_fingerprint": "sha256:aa", "root_subject": "CN=Root CA,O=Istio", "chains_to_root": true, "self_signed": false, "source": {"path": "metadata.name"}}, extra)

fleet(s) := {"clusters": {"cluster1": {"name": "cluster1", "ca_secrets": [s]}}}

test_complete_cacerts if {
	count(ms004.violation) == 0 with input as fleet(secret({}))
}

test_missing_keys if {
	vs := ms004.violation with input as fleet(secret({"keys": ["ca-cert.pem", "root-cert.pem"]}))
	count(vs) == 1
	some v in vs
	v.code == "MS004"
	contains(v.message, "ca-key.pem, cert-chain.pem")
	not contains(v.message, "BEGIN")
}

test_does_not_chain if {
	vs := ms004.violation with input as fleet(secret({"chains_to_root": false}))
	count(vs) == 1
}

test_unreadable_root if {
	s := object.remove(secret({"error": "root-cert.pem: certificate does not parse"}), ["root_fingerprint", "chains_to_root"])
	count(ms004.violation) == 1 with input as fleet(s)
}

test_chain_unknown_is_silent if {
	count(ms004.violation) == 0 with input as fleet(object.remove(secret({}), ["chains_to_root"]))
}

test_secret_without_data_is_silent if {
	count(ms004.violation) == 0 with input as fleet(object.remove(secret({"keys": []}), ["chains_to_root", "root_fingerprint"]))
}

test_istio_ca_secret_is_not_checked if {
	count(ms004.violation) == 0 with input as fleet(secret({"name": "istio-ca-secret", "self_signed": true, "keys": ["ca-cert.pem", "ca-key.pem"]}))
}
