package meshcheck.rules.mesh.ms006_test

import data.meshcheck.lib.groups_test as groups
import data.meshcheck.rules.mesh.ms006

td(v, dflt) := {"value": v, "default": dflt, "source": {"file": sprintf("%s.yaml", [v])}}

istiod(t, aliases) := {"namespace": "istio-system", "revision": "", "role": "primary", "trust_domain": t, "trust_domain_aliases": {"value": aliases, "source": {"file": "aliases.yaml"}}}

fleet(cp1, cp2) := groups.with_groups({
	"clusters": {
		"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [cp1]},
		"cluster2": {"name": "cluster2", "role": "primary", "control_planes": [cp2]},
	},
	"links": [
		{"from": "cluster1", "to": "cluster2", "kind": "remote-secret"},
		{"from": "cluster2", "to": "cluster1", "kind": "remote-secret"},
	],
	"meshes": [{"clusters": ["cluster1", "cluster2"]}],
})

test_different_trust_domains if {
	vs := ms006.violation with input as fleet(istiod(td("cluster.local", true), []), istiod(td("cluster2.local", false), []))
	count(vs) == 1
	some v in vs
	v.code == "MS006"
	v.cluster == "cluster2"
	contains(v.message, "neither lists")
}

test_blames_the_explicit_side if {
	vs := ms006.violation with input as fleet(istiod(td("cluster1.local", false), []), istiod(td("cluster.local", true), []))
	some v in vs
	v.cluster == "cluster1"
}

test_same_trust_domain if {
	count(ms006.violation) == 0 with input as fleet(istiod(td("cluster.local", true), []), istiod(td("cluster.local", false), []))
}

test_mutual_aliases if {
	inp := fleet(istiod(td("a.local", false), ["b.local"]), istiod(td("b.local", false), ["a.local"]))
	count(ms006.violation) == 0 with input as inp
}

test_one_sided_alias_blames_the_other if {
	vs := ms006.violation with input as fleet(istiod(td("a.local", false), ["b.local"]), istiod(td("b.local", false), []))
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
	v.at.file == "aliases.yaml"
	contains(v.message, `cluster2 does not list "a.local"`)
}

test_unknown_trust_domain_is_silent if {
	cp2 := object.remove(istiod(td("x", false), []), ["trust_domain"])
	count(ms006.violation) == 0 with input as fleet(istiod(td("cluster.local", true), []), cp2)
}

test_remote_inherits if {
	inp := groups.with_groups({
		"clusters": {
			"cluster1": {"name": "cluster1", "role": "primary", "control_planes": [istiod(td("a.local", false), [])]},
			"cluster2": {"name": "cluster2", "role": "remote", "control_planes": [object.union(istiod(td("b.local", false), []), {"role": "remote"})]},
		},
		"links": [{"from": "cluster2", "to": "cluster1", "kind": "control-plane"}],
		"meshes": [{"clusters": ["cluster1", "cluster2"]}],
	})
	count(ms006.violation) == 0 with input as inp
}

skip(t) := object.union(istiod(t, []), {"env": {"PILOT_SKIP_VALIDATE_TRUST_DOMAIN": {"value": "true", "source": {}}}})

# PILOT_SKIP_VALIDATE_TRUST_DOMAIN: istiod gives its proxies no trust domain
# to check peers against (TrustDomainsForValidation), so identities of any
# trust domain are accepted.
test_both_skip_trust_domain_validation if {
	count(ms006.violation) == 0 with input as fleet(skip(td("cluster1", false)), skip(td("cluster2", false)))
}

test_one_side_skipping_blames_the_other if {
	vs := ms006.violation with input as fleet(skip(td("cluster1", false)), istiod(td("cluster2", false), []))
	count(vs) == 1
	some v in vs
	v.cluster == "cluster2"
}
