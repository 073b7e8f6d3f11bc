package meshcheck.rules.controlplane.cp008_test

import data.meshcheck.rules.controlplane.cp008

fleet(role, extra) := {"clusters": {"cluster2": {"control_planes": [object.union(
	{"namespace": "istio-system", "revision": "", "role": role},
	extra,
)]}}}

path := {"injection_path": {"value": "/inject/cluster/cluster2/net/network1", "source": {"cluster": "cluster2", "path": "spec.values.istiodRemote.injectionPath"}}}

test_injection_path_on_primary_fires if {
	vs := cp008.violation with input as fleet("primary", path)
	count(vs) == 1
	some v in vs
	v.code == "CP008"
	v.at.path == "spec.values.istiodRemote.injectionPath"
}

test_injection_url_on_external_fires if {
	url := {"injection_url": {"value": "https://x:15017/inject", "source": {}}}
	count(cp008.violation) == 1 with input as fleet("external", url)
}

test_remote_passes if {
	count(cp008.violation) == 0 with input as fleet("remote", path)
}

test_primary_without_settings_passes if {
	count(cp008.violation) == 0 with input as fleet("primary", {})
}
