package meshcheck.rules.controlplane.cp012_test

import data.meshcheck.rules.controlplane.cp012

fact(v, path) := {"value": v, "source": {"cluster": "cluster1", "path": path}}

cp(group, selectors, scoping) := object.union(
	{
		"namespace": group, "revision": group, "role": "primary",
		"istiod": fact(true, "spec.components.pilot.enabled"),
		"sources": [{"cluster": "cluster1", "object": {"kind": "IstioOperator"}}],
		"env": {"ENABLE_ENHANCED_RESOURCE_SCOPING": fact(scoping, "env") | scoping != null},
	},
	{"discovery_selectors": fact(selectors, "spec.meshConfig.discoverySelectors") | selectors != null},
)

sel(group) := [{"matchLabels": {"usergroup": group}}]

fleet(cps) := {"clusters": {"cluster1": {"role": "primary", "control_planes": cps}}}

test_official_multiple_control_planes_pass if {
	count(cp012.violation) == 0 with input as fleet([cp("usergroup-1", sel("usergroup-1"), "true"), cp("usergroup-2", sel("usergroup-2"), "true")])
}

test_same_selectors_fire if {
	vs := cp012.violation with input as fleet([cp("usergroup-1", sel("usergroup-1"), "true"), cp("usergroup-2", sel("usergroup-1"), "true")])
	count(vs) == 1
	some v in vs
	v.code == "CP012"
	v.at.path == "spec.meshConfig.discoverySelectors"
}

test_subset_selector_fires if {
	wide := [{"matchLabels": {"team": "a"}}]
	narrow := [{"matchLabels": {"team": "a", "env": "prod"}}]
	count(cp012.violation) == 1 with input as fleet([cp("usergroup-1", wide, "true"), cp("usergroup-2", narrow, "true")])
}

test_missing_selectors_fire if {
	count(cp012.violation) == 1 with input as fleet([cp("usergroup-1", null, "true"), cp("usergroup-2", sel("usergroup-2"), "true")])
}

test_selectors_unknown_are_silent if {
	a := object.union(cp("usergroup-1", null, "true"), {"sources": [{"object": {"kind": "Deployment"}}]})
	count(cp012.violation) == 0 with input as fleet([a, cp("usergroup-2", sel("usergroup-2"), "true")])
}

# Scoping is on by default since 1.22: unset is not a finding.
test_unset_scoping_is_silent if {
	count(cp012.violation) == 0 with input as fleet([cp("usergroup-1", sel("usergroup-1"), null), cp("usergroup-2", sel("usergroup-2"), "true")])
}

test_scoping_turned_off_fires if {
	vs := cp012.violation with input as fleet([cp("usergroup-1", sel("usergroup-1"), "false"), cp("usergroup-2", sel("usergroup-2"), "true")])
	count(vs) == 1
	some v in vs
	contains(v.message, "sets ENABLE_ENHANCED_RESOURCE_SCOPING=false")
	v.at.path == "env"
}

test_old_compatibility_version_fires_unless_scoping_is_set if {
	old := object.union(cp("usergroup-1", sel("usergroup-1"), null), {"values": {"compatibilityVersion": "1.21"}})
	vs := cp012.violation with input as fleet([old, cp("usergroup-2", sel("usergroup-2"), "true")])
	count(vs) == 1
	some v in vs
	contains(v.message, "compatibilityVersion 1.21")
	scoped := object.union(old, {"env": {"ENABLE_ENHANCED_RESOURCE_SCOPING": fact("true", "env")}})
	count(cp012.violation) == 0 with input as fleet([scoped, cp("usergroup-2", sel("usergroup-2"), "true")])
	recent := object.union(old, {"values": {"compatibilityVersion": "1.22"}})
	count(cp012.violation) == 0 with input as fleet([recent, cp("usergroup-2", sel("usergroup-2"), "true")])
}

test_same_revision_fires if {
	a := cp("usergroup-1", sel("usergroup-1"), "true")
	b := object.union(cp("usergroup-2", sel("usergroup-2"), "true"), {"revision": "usergroup-1"})
	count(cp012.violation) == 1 with input as fleet([a, b])
}

test_canary_upgrade_is_not_concerned if {
	a := object.union(cp("istio-system", null, null), {"revision": "1-21"})
	b := object.union(cp("istio-system", null, null), {"revision": "1-22"})
	count(cp012.violation) == 0 with input as fleet([a, b])
}

test_external_cluster_is_not_concerned if {
	f := fleet([cp("istio-system", null, null), object.union(cp("external-istiod", null, null), {"role": "external"})])
	count(cp012.violation) == 0 with input as f
	g := json.patch(fleet([cp("istio-system", null, null), cp("external-istiod", null, null)]), [{"op": "replace", "path": "/clusters/cluster1/role", "value": "external"}])
	count(cp012.violation) == 0 with input as g
}
