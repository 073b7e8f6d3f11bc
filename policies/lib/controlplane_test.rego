package meshcheck.lib.controlplane_test

import data.meshcheck.lib.controlplane

test_rev_label_and_back if {
	controlplane.rev_label("") == "default"
	controlplane.rev_label("canary") == "canary"
	controlplane.norm_rev("default") == ""
	controlplane.norm_rev("canary") == "canary"
	controlplane.istiod_name("") == "istiod"
	controlplane.istiod_name("canary") == "istiod-canary"
}

test_istiod_revision_of_service_names if {
	controlplane.istiod_revision("istiod") == ""
	controlplane.istiod_revision("istiod-canary") == "canary"
	not controlplane.istiod_revision("ingress")
}

test_service_of_hosts if {
	controlplane.service_of("istiod-canary.istio-system.svc.cluster.local") == {"name": "istiod-canary", "namespace": "istio-system"}
	controlplane.service_of("istiod") == {"name": "istiod", "namespace": ""}
}

test_is_ip if {
	controlplane.is_ip("203.0.113.10")
	controlplane.is_ip("2001:db8::1")
	not controlplane.is_ip("istiod.example.com")
	not controlplane.is_ip("a-1.us-east-1.elb.amazonaws.com")
}

test_env_and_mesh_shown if {
	iop := {"sources": [{"object": {"kind": "IstioOperator"}}]}
	dep := {"sources": [{"object": {"kind": "Deployment", "name": "istiod"}}]}
	mesh := {"sources": [{"object": {"kind": "ConfigMap", "name": "istio-canary"}}]}
	injector := {"sources": [{"object": {"kind": "ConfigMap", "name": "istio-sidecar-injector"}}]}
	controlplane.env_shown(iop)
	controlplane.mesh_shown(iop)
	controlplane.env_shown(dep)
	not controlplane.mesh_shown(dep)
	controlplane.mesh_shown(mesh)
	not controlplane.env_shown(mesh)
	not controlplane.mesh_shown(injector)
}

test_selects if {
	controlplane.selects({"istio": "eastwestgateway"}, {"istio": "eastwestgateway", "app": "x"})
	not controlplane.selects({"istio": "eastwestgateway"}, {"istio": "ingressgateway"})
	not controlplane.selects({}, {"istio": "eastwestgateway"})
}

test_serving_prefers_same_revision if {
	cps := [
		{"namespace": "istio-system", "revision": "", "role": "primary"},
		{"namespace": "istio-system", "revision": "canary", "role": "primary"},
	]
	f := {"clusters": {"p": {"role": "primary", "control_planes": cps}}}
	[cp.revision | some cp in controlplane.serving("p", "canary")] == ["canary"] with input as f
	count(controlplane.serving("p", "other")) == 2 with input as f
}

test_revision_labels_include_tags if {
	c := {
		"control_planes": [{"revision": "1-22", "revision_tags": {"value": ["prod"]}, "values": {}}],
		"injector_webhooks": [{"tag": "canary"}],
	}
	controlplane.revision_labels(c) == {"1-22", "prod", "canary"}
	not controlplane.default_tag(c)
}

test_unknown_revision_needs_evidence if {
	c := {"control_planes": [{"revision": "1-26-0", "values": {}}], "injector_webhooks": [], "complete": {}}
	controlplane.unknown_revision(c, "1-25-2")
	not controlplane.unknown_revision(c, "1-26-0")
	not controlplane.unknown_revision(c, "prod-stable")
	not controlplane.unknown_revision(c, "default")
	live := object.union(c, {"complete": {"MutatingWebhookConfiguration": true}})
	controlplane.unknown_revision(live, "prod-stable")
}
