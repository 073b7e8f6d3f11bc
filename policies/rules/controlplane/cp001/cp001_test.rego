package meshcheck.rules.controlplane.cp001_test

import data.meshcheck.rules.controlplane.cp001

src(path) := {"cluster": "cluster2", "path": path}

remote(extra) := object.union(
	{
		"namespace": "istio-system", "revision": "", "role": "remote",
		"profile": {"value": "remote", "source": src("spec.profile")},
		"sources": [src("")],
	},
	extra,
)

fleet(cp) := {"clusters": {"cluster2": {"role": "remote", "control_planes": [cp]}}}

test_remote_without_address_fires if {
	vs := cp001.violation with input as fleet(remote({"injection_path": {"value": "/inject/cluster/cluster2/net/network1", "source": src("p")}}))
	count(vs) == 1
	some v in vs
	v.code == "CP001"
	v.cluster == "cluster2"
	v.at.path == "spec.profile"
}

test_remote_pilot_address_passes if {
	count(cp001.violation) == 0 with input as fleet(remote({"remote_pilot_address": {"value": "203.0.113.10", "source": src("a")}}))
}

test_injection_url_passes if {
	url := "https://external-istiod.example.com:15017/inject/cluster/remote1/net/network1"
	count(cp001.violation) == 0 with input as fleet(remote({"injection_url": {"value": url, "source": src("u")}}))
}

test_primary_is_not_concerned if {
	count(cp001.violation) == 0 with input as fleet(remote({"role": "primary"}))
}

test_remote_without_profile_anchors_on_first_source if {
	cp := object.remove(remote({}), ["profile"])
	vs := cp001.violation with input as fleet(cp)
	some v in vs
	v.at.path == ""
}
