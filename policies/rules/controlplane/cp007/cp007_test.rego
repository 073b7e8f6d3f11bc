package meshcheck.rules.controlplane.cp007_test

import data.meshcheck.rules.controlplane.cp007

fleet(addr) := {"clusters": {"cluster2": {"control_planes": [{
	"namespace": "istio-system", "revision": "", "role": "remote",
	"remote_pilot_address": {"value": addr, "source": {"cluster": "cluster2", "path": "spec.values.global.remotePilotAddress"}},
}]}}}

test_elb_hostname_fires if {
	vs := cp007.violation with input as fleet("a1b2c3-1234567890.us-east-1.elb.amazonaws.com")
	count(vs) == 1
	some v in vs
	v.code == "CP007"
	v.at.path == "spec.values.global.remotePilotAddress"
}

test_ipv4_passes if {
	count(cp007.violation) == 0 with input as fleet("203.0.113.10")
}

test_ipv6_passes if {
	count(cp007.violation) == 0 with input as fleet("2001:db8::10")
}

test_unset_is_silent if {
	count(cp007.violation) == 0 with input as {"clusters": {"cluster2": {"control_planes": [{"role": "remote"}]}}}
}
