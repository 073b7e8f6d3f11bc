package meshcheck.rules.network.nw006_test

import data.meshcheck.rules.network.nw006

wl(net, view) := {
	"kind": "Deployment", "name": "istio-eastwestgateway", "namespace": "istio-system", "gateway": true,
	"network": {"value": net, "source": {"path": "label"}},
	"requested_network_view": {"value": view, "source": {"path": "env"}},
}

inp(w) := {"clusters": {"c1": {"workloads": [w]}}}

test_view_differs_from_label if {
	vs := nw006.violation with input as inp(wl("network2", "network1"))
	count(vs) == 1
	some v in vs
	v.code == "NW006"
	v.at.path == "env"
}

test_view_equals_label if {
	count(nw006.violation) == 0 with input as inp(wl("network1", "network1"))
}

test_missing_label_is_silent if {
	count(nw006.violation) == 0 with input as inp(object.remove(wl("x", "network1"), ["network"]))
}

test_missing_view_is_silent if {
	count(nw006.violation) == 0 with input as inp(object.remove(wl("network1", "x"), ["requested_network_view"]))
}

test_view_listing_its_network_among_others_is_silent if {
	count(nw006.violation) == 0 with input as inp(wl("network2", "network1,network2"))
	count(nw006.violation) == 1 with input as inp(wl("network3", "network1,network2"))
}

test_view_is_split_as_istiod_splits_it if {
	# istiod splits on commas without trimming: " network2" is another name.
	count(nw006.violation) == 1 with input as inp(wl("network2", "network1, network2"))
}
