package meshcheck.rules.mesh.ms011_test

import data.meshcheck.rules.mesh.ms011

istiod(env, kind) := {
	"namespace": "istio-system", "revision": "", "role": "primary", "env": env,
	"ca_certificates": {"value": 1, "source": {"path": "spec.meshConfig.caCertificates"}},
	"mesh_config": {"caCertificates": [{"pem": "-----BEGIN CERTIFICATE-----"}]},
	"sources": [{"object": {"kind": kind}}],
}

fleet(cp) := {"clusters": {"cluster1": {"name": "cluster1", "control_planes": [cp]}}}

multi_root(v) := {"value": v, "source": {"path": "spec.values.pilot.env.ISTIO_MULTIROOT_MESH"}}

test_ca_certificates_without_multi_root if {
	vs := ms011.violation with input as fleet(istiod({}, "IstioOperator"))
	count(vs) == 1
	some v in vs
	v.code == "MS011"
	v.at.path == "spec.meshConfig.caCertificates"
}

test_multi_root_false if {
	cp := object.union(istiod({"ISTIO_MULTIROOT_MESH": multi_root("false")}, "HelmValues"), {"multi_root": {"value": false}})
	vs := ms011.violation with input as fleet(cp)
	count(vs) == 1
	some v in vs
	contains(v.message, `"false"`)
}

test_multi_root_true if {
	cp := object.union(istiod({"ISTIO_MULTIROOT_MESH": multi_root("true")}, "IstioOperator"), {"multi_root": {"value": true}})
	count(ms011.violation) == 0 with input as fleet(cp)
}

test_env_unknown_from_mesh_configmap_alone if {
	count(ms011.violation) == 0 with input as fleet(istiod({}, "ConfigMap"))
}

test_no_pem_entries if {
	cp := object.union(istiod({}, "IstioOperator"), {"mesh_config": {"caCertificates": [{"spiffeBundleUrl": "bundle.example.com"}]}})
	count(ms011.violation) == 0 with input as fleet(cp)
}
