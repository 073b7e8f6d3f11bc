package meshcheck.lib.mesh_test

import data.meshcheck.lib.mesh

fact(v, path) := {"value": v, "source": {"path": path}}

istiod(extra) := object.union(
	{
		"namespace": "istio-system", "revision": "", "role": "primary",
		"env": {}, "values": {}, "mesh_config": {},
		"sources": [{"object": {"kind": "IstioOperator"}, "file": "cp.yaml", "line": 2}],
	},
	extra,
)

cluster(name, cps, extra) := object.union(
	{"name": name, "role": "primary", "control_planes": cps, "ca_secrets": [], "remote_secrets": [], "complete": {}},
	extra,
)

cacerts(fp) := {"name": "cacerts", "namespace": "istio-system", "keys": ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"], "root_fingerprint": fp, "self_signed": false, "source": {"path": "metadata.name"}}

selfsigned(fp) := {"name": "istio-ca-secret", "namespace": "istio-system", "keys": ["ca-cert.pem", "ca-key.pem"], "root_fingerprint": fp, "self_signed": true, "source": {"path": "metadata.name"}}

rs(a, b) := {"from": a, "to": b, "kind": "remote-secret", "source": {"object": {"name": sprintf("istio-remote-secret-%s", [b])}}}

# The model's groups (model.Groups) for two clusters: joined or apart.
joined := {"c1": "c1", "c2": "c1"}

apart := {"c1": "c1", "c2": "c2"}

two(ca, cb, links, strong, linked) := {
	"clusters": {"c1": ca, "c2": cb},
	"links": links,
	"meshes": [{"clusters": ["c1", "c2"]}],
	"groups": {"strong": strong, "linked": linked},
}

test_strongly_joined_reads_the_model_groups if {
	inp := two(cluster("c1", [], {}), cluster("c2", [], {}), [rs("c1", "c2"), rs("c2", "c1")], joined, joined)
	mesh.strongly_joined("c1", "c2") with input as inp
	mesh.linked("c1", "c2") with input as inp
	mesh.join_reason("c1", "c2") == "each holds a remote secret for the other" with input as inp
	not mesh.strongly_joined("c1", "c1") with input as inp
}

test_linked_without_strong if {
	inp := two(cluster("c1", [], {}), cluster("c2", [], {}), [rs("c1", "c2")], apart, joined)
	not mesh.strongly_joined("c1", "c2") with input as inp
	mesh.linked("c1", "c2") with input as inp
}

test_apart if {
	inp := two(cluster("c1", [], {}), cluster("c2", [], {}), [{"from": "c1", "to": "c2", "kind": "mesh-id"}], apart, apart)
	not mesh.strongly_joined("c1", "c2") with input as inp
	not mesh.linked("c1", "c2") with input as inp
}

test_effective_mesh_id if {
	e1 := mesh.effective_mesh_id(cluster("c1", [istiod({"mesh_id": fact("mesh1", "m")})], {}))
	e1.value == "mesh1"
	e1.explicit
	e2 := mesh.effective_mesh_id(cluster("c2", [istiod({"trust_domain": fact("td.example", "t")})], {}))
	e2.value == "td.example"
	not e2.explicit
	e2.source.file == "cp.yaml"
}

test_effective_mesh_id_unknown_without_trust_domain if {
	not mesh.effective_mesh_id(cluster("c1", [istiod({})], {}))
}

test_remote_control_planes_are_not_istiods if {
	c := cluster("r", [istiod({"role": "remote", "mesh_id": object.union(fact("mesh1", "m"), {"inherited_from": "p"})})], {"role": "remote"})
	count(mesh.istiods(c)) == 0
	not mesh.mesh_id(c)
	mesh.declared_mesh_id(c).value == "mesh1"
}

test_external_cluster_uses_external_control_plane if {
	c := cluster(
		"x", [
			istiod({"namespace": "external-istiod", "role": "external", "mesh_id": fact("mesh1", "m")}),
			istiod({}),
		],
		{"role": "external"},
	)
	mesh.mesh_id(c).value == "mesh1"
	count(mesh.istiods(c)) == 1
}

test_root_prefers_cacerts if {
	c := cluster("c1", [istiod({})], {"ca_secrets": [selfsigned("sha256:bb"), cacerts("sha256:aa")]})
	r := mesh.root(c)
	r.fingerprint == "sha256:aa"
	not r.self_signed
	not mesh.self_signed(c)
}

test_root_self_signed_when_no_cacerts if {
	c := cluster("c1", [istiod({})], {"ca_secrets": [selfsigned("sha256:bb")]})
	mesh.root(c).self_signed
	mesh.self_signed(c).secret.name == "istio-ca-secret"
}

test_root_ignores_other_namespaces if {
	s := object.union(cacerts("sha256:aa"), {"namespace": "other"})
	not mesh.root(cluster("c1", [istiod({})], {"ca_secrets": [s]}))
}

test_root_unknown_when_cacerts_unreadable if {
	s := object.remove(cacerts("x"), ["root_fingerprint"])
	not mesh.root(cluster("c1", [istiod({})], {"ca_secrets": [s, selfsigned("sha256:bb")]}))
}

test_self_signed_from_complete_inventory if {
	c := cluster("c1", [istiod({})], {"complete": {"Secret": true}})
	mesh.self_signed(c)
	not mesh.self_signed(cluster("c1", [istiod({})], {}))
	not mesh.self_signed(cluster("c1", [istiod({"env": {"EXTERNAL_CA": fact("ISTIOD_RA_KUBERNETES_API", "e")}})], {"complete": {"Secret": true}}))
}

test_one_mesh_excludes_one_way_secret_between_mesh_ids if {
	ca := cluster("c1", [istiod({"mesh_id": fact("mesh1", "m")})], {})
	cb := cluster("c2", [istiod({"mesh_id": fact("mesh2", "m")})], {})
	not mesh.one_mesh("c1", "c2") with input as two(ca, cb, [rs("c1", "c2")], apart, joined)
	mesh.one_mesh("c1", "c2") with input as two(ca, cb, [rs("c1", "c2"), rs("c2", "c1")], joined, joined)
}

test_separate_needs_trust_domain_and_root_to_differ if {
	ca := cluster("c1", [istiod({"mesh_id": fact("mesh1", "m"), "trust_domain": fact("a.example", "t")})], {"ca_secrets": [cacerts("sha256:aa")]})
	cb := cluster("c2", [istiod({"mesh_id": fact("mesh1", "m"), "trust_domain": fact("b.example", "t")})], {"ca_secrets": [cacerts("sha256:bb")]})
	idlink := [{"from": "c1", "to": "c2", "kind": "mesh-id"}]
	mesh.separate("c1", "c2") with input as two(ca, cb, idlink, apart, apart)
	not mesh.one_mesh("c1", "c2") with input as two(ca, cb, idlink, apart, apart)
	not mesh.separate("c1", "c2") with input as two(ca, cb, array.concat(idlink, [rs("c1", "c2")]), apart, joined)
	cb2 := object.union(cb, {"ca_secrets": [cacerts("sha256:aa")]})
	not mesh.separate("c1", "c2") with input as two(ca, cb2, idlink, apart, apart)
	mesh.one_mesh("c1", "c2") with input as two(ca, cb2, idlink, apart, apart)
}

test_trusts_root_needs_multi_root_and_pem if {
	cp := istiod({"multi_root": fact(true, "e"), "ca_certificate_fingerprints": fact(["sha256:bb"], "m")})
	mesh.trusts_root(cluster("c1", [cp], {}), "sha256:bb")
	not mesh.trusts_root(cluster("c1", [object.remove(cp, ["multi_root"])], {}), "sha256:bb")
	not mesh.trusts_root(cluster("c1", [cp], {}), "sha256:cc")
}

test_short if {
	mesh.short("sha256:0123456789abcdef") == "sha256:0123456789ab…"
	mesh.short("abc") == "abc"
}
