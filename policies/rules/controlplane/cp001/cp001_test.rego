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

url := {"injection_url": {"value": "https://external-istiod.example.com:15017/inject/cluster/remote1/net/network1", "source": src("spec.values.istiodRemote.injectionURL")}}

external(extra) := {"role": "external", "control_planes": [object.union(
	{"namespace": "external-istiod", "revision": "", "role": "external", "sources": [{"object": {"kind": "IstioOperator"}}]},
	extra,
)]}

served_fleet(ext) := {"clusters": {
	"ext": ext,
	"cluster2": {"role": "remote", "control_plane_cluster": "ext", "control_planes": [remote(url)]},
}}

test_injection_url_with_discovery_address_on_external_passes if {
	ext := external({"discovery_address": {"value": "external-istiod.example.com:15012", "source": {}}})
	count(cp001.violation) == 0 with input as served_fleet(ext)
}

test_injection_url_without_discovery_address_fires if {
	vs := cp001.violation with input as served_fleet(external({}))
	count(vs) == 1
	some v in vs
	v.at.path == "spec.values.istiodRemote.injectionURL"
}

test_injection_url_with_serving_mesh_config_unknown_is_silent if {
	ext := external({"sources": [{"object": {"kind": "Deployment"}}]})
	count(cp001.violation) == 0 with input as served_fleet(ext)
}
