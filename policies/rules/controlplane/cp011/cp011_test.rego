package meshcheck.rules.controlplane.cp011_test

import data.meshcheck.rules.controlplane.cp011

label(v, path) := {"value": v, "source": {"cluster": "cluster1", "path": path}}

ns(rev, injection) := object.union(
	{"name": "app", "source": {}},
	object.union(
		{"revision": label(rev, "metadata.labels.istio\\.io/rev") | rev != null},
		{"injection": label(injection, "metadata.labels.istio-injection") | injection != null},
	),
)

fleet(cps, n) := {"clusters": {"cluster1": {"control_planes": cps, "injector_webhooks": [], "namespaces": {"app": n}}}}

cp(rev) := {"namespace": "istio-system", "revision": rev, "role": "primary", "values": {}}

test_unknown_revision_fires if {
	vs := cp011.violation with input as fleet([cp("1-22")], ns("1-21", null))
	count(vs) == 1
	some v in vs
	v.code == "CP011"
	v.at.path == "metadata.labels.istio\\.io/rev"
}

test_installed_revision_passes if {
	count(cp011.violation) == 0 with input as fleet([cp("1-22")], ns("1-22", null))
}

test_default_label_passes if {
	count(cp011.violation) == 0 with input as fleet([cp("")], ns("default", null))
	count(cp011.violation) == 0 with input as fleet([cp("1-22")], ns("default", null))
}

test_tag_passes if {
	c := object.union(cp("1-22"), {"revision_tags": {"value": ["prod-stable"]}})
	count(cp011.violation) == 0 with input as fleet([c], ns("prod-stable", null))
}

test_tag_webhook_passes if {
	f := fleet([cp("1-22")], ns("prod-canary", null))
	g := json.patch(f, [{"op": "add", "path": "/clusters/cluster1/injector_webhooks", "value": [{"name": "istio-revision-tag-prod-canary", "tag": "prod-canary"}]}])
	count(cp011.violation) == 0 with input as g
}

test_control_planes_unknown_is_silent if {
	count(cp011.violation) == 0 with input as fleet([], ns("1-21", null))
}

test_both_labels_fire if {
	vs := cp011.violation with input as fleet([cp("1-22")], ns("1-22", "enabled"))
	count(vs) == 1
	some v in vs
	v.at.path == "metadata.labels.istio-injection"
}

test_injection_label_alone_passes if {
	count(cp011.violation) == 0 with input as fleet([cp("")], ns(null, "enabled"))
}

test_tag_like_name_is_silent_when_tags_unknown if {
	# istioctl tag set prod-stable --revision 1-22 leaves no trace in the values
	count(cp011.violation) == 0 with input as fleet([cp("1-22")], ns("prod-stable", null))
}

test_tag_like_name_fires_when_tags_known if {
	c := object.union(cp("1-22"), {"revision_tags": {"value": ["prod-stable"]}})
	count(cp011.violation) == 1 with input as fleet([c], ns("prod-canary", null))
}
