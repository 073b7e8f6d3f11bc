# METADATA
# description: |
#   Mesh and trust views shared by the MSxxx rules: which control planes own
#   a cluster's mesh values, the cluster's mesh ID, trust domain and root of
#   trust, and how strongly two clusters are shown to be one mesh.
#
#   input.meshes joins clusters on any link, including a shared mesh ID and
#   a one-way remote secret. The rules need finer evidence:
#   - strongly joined: a path of control-plane links (a remote and the
#     istiod serving it), declared links (configuration) and remote secrets
#     held both ways (multi-primary). Such clusters are meant to be one mesh.
#   - linked: a path of any links but the shared mesh ID.
#   - one mesh: in one input mesh, unless the evidence says they are apart:
#     a one-way remote secret between clusters declaring different mesh IDs
#     (MS009), or a shared mesh ID as the only link between clusters whose
#     trust domains and roots of trust both differ (MS007).
package meshcheck.lib.mesh

import data.meshcheck.lib.fleet

# istiods(c) are the control planes that own mesh values for cluster c: a
# primary's istiods, or the external control plane an external cluster
# hosts. Remote-profile control planes are left out: a remote takes mesh ID,
# trust domain and CA from the istiod serving it.
istiods(c) := [cp | some cp in fleet.mesh_control_planes(c); cp.role != "remote"]

# install_kinds are the inputs that describe a whole install, where a
# missing setting means "not set" rather than "not shown".
install_kinds := {"IstioOperator", "Istio", "HelmValues"}

# install_source(cp) is where cp is installed from (its IOP, Sail Istio or
# Helm values), the place a missing setting belongs; else its first source.
install_source(cp) := ss[0] if {
	ss := [s | some s in cp.sources; s.object.kind in install_kinds]
	count(ss) > 0
} else := cp.sources[0]

# describe(cp) names a control plane for messages.
describe(cp) := sprintf("control plane in %s, revision %s", [cp.namespace, cp.revision]) if {
	cp.revision != ""
} else := sprintf("control plane in %s", [cp.namespace])

# mesh_id(c) is the meshID fact the cluster's istiods declare, when they all
# declare the same one.
mesh_id(c) := cps[0].mesh_id if {
	cps := istiods(c)
	count(cps) > 0
	every cp in cps {
		cp.mesh_id
	}
	count({cp.mesh_id.value | some cp in cps}) == 1
}

# declared_mesh_id(c) is mesh_id(c), or for a remote-profile cluster the
# meshID it inherits from the istiod serving it.
declared_mesh_id(c) := mesh_id(c) if {
	count(istiods(c)) > 0
} else := cps[0].mesh_id if {
	c.role == "remote"
	cps := [cp | some cp in c.control_planes; cp.role == "remote"]
	count(cps) > 0
	every cp in cps {
		cp.mesh_id
	}
	count({cp.mesh_id.value | some cp in cps}) == 1
}

# trust_domain(c) is the trust domain fact of the cluster's istiods (the
# chart default cluster.local included), when they agree.
trust_domain(c) := cps[0].trust_domain if {
	cps := istiods(c)
	count(cps) > 0
	every cp in cps {
		cp.trust_domain
	}
	count({cp.trust_domain.value | some cp in cps}) == 1
}

# aliases(c) are the trust domain aliases of the cluster's istiods.
aliases(c) := {a | some cp in istiods(c); some a in cp.trust_domain_aliases.value}

# accepts_domain(c, td): the cluster's istiods take td as their own.
accepts_domain(c, td) if td == trust_domain(c).value

accepts_domain(c, td) if td in aliases(c)

# effective_mesh_id(c) is the mesh ID the cluster's proxies are given: the
# declared meshID, else the trust domain (istio.io: "If the mesh admin does
# not specify a value, Istio will use the value of the mesh's Trust
# Domain"). explicit says which; source points at the meshID, or at the
# install that lacks it.
effective_mesh_id(c) := {"value": f.value, "source": f.source, "explicit": true} if {
	f := mesh_id(c)
} else := {"value": td.value, "source": install_source(cps[0]), "explicit": false, "trust_domain": td} if {
	cps := istiods(c)
	count(cps) > 0
	every cp in cps {
		not cp.mesh_id
	}
	td := trust_domain(c)
}

# ca_namespace(c, s): CA Secret s is in a namespace of the cluster's
# istiods, or names none (applied with kubectl -n).
ca_namespace(c, s) if s.namespace in {cp.namespace | some cp in istiods(c)}

ca_namespace(_, s) if s.namespace == ""

# plugged_cas(c) are the cacerts Secrets the cluster's istiods read.
plugged_cas(c) := [s | some s in c.ca_secrets; s.name == "cacerts"; ca_namespace(c, s)]

# self_signed_cas(c) are the istio-ca-secret Secrets beside the istiods.
self_signed_cas(c) := [s | some s in c.ca_secrets; s.self_signed; ca_namespace(c, s)]

# root(c) is the cluster's root of trust when the inputs show it: the
# root-cert.pem of cacerts (istiod prefers a plugged-in CA), else, when no
# cacerts is shown, the self-signed istio-ca-secret. fingerprint is a
# certificate hash; no key material is ever read.
root(c) := {"fingerprint": ss[0].root_fingerprint, "secret": ss[0], "self_signed": false} if {
	cas := plugged_cas(c)
	ss := [s | some s in cas; s.root_fingerprint]
	count(ss) > 0
	count(ss) == count(cas)
	count({s.root_fingerprint | some s in ss}) == 1
} else := {"fingerprint": ss[0].root_fingerprint, "secret": ss[0], "self_signed": true} if {
	count(plugged_cas(c)) == 0
	ss := [s | some s in self_signed_cas(c); s.root_fingerprint]
	count(ss) > 0
	count({s.root_fingerprint | some s in ss}) == 1
}

# short(fp) shortens a fingerprint for messages.
short(fp) := sprintf("%s…", [substring(fp, 0, 19)]) if {
	count(fp) > 19
} else := fp

# self_signed(c) is the evidence that the cluster's istiod signs with its own
# self-generated root: an istio-ca-secret shown beside it without a cacerts,
# or a complete Secret inventory (live audit) without cacerts and without a
# sign of an external CA. A Git tree without cacerts alone says nothing.
self_signed(c) := {"source": s.source, "secret": s, "evidence": sprintf("Secret %s/%s%s, no cacerts", [s.namespace, s.name, root_note(s)])} if {
	count(plugged_cas(c)) == 0
	s := self_signed_cas(c)[0]
} else := {"source": install_source(cps[0]), "evidence": sprintf("no cacerts in %s, whose Secrets are listed in full", [concat(", ", sort({cp.namespace | some cp in cps}))])} if {
	c.complete.Secret == true
	cps := istiods(c)
	count(cps) > 0
	count(plugged_cas(c)) == 0
	not external_ca(c)
}

root_note(s) := sprintf(" with root %s", [short(s.root_fingerprint)]) if {
	s.root_fingerprint
} else := ""

# external_ca(c): something other than istiod's own CA signs workload
# certificates (istio-csr, a custom CA address, or the CA server disabled).
external_ca(c) if {
	some cp in istiods(c)
	cp.values.global.caAddress != ""
}

external_ca(c) if {
	some cp in istiods(c)
	cp.env.EXTERNAL_CA
}

external_ca(c) if {
	some cp in istiods(c)
	lower(cp.env.ENABLE_CA_SERVER.value) == "false"
}

# ambient(c): the cluster's istiods run the ambient profile.
ambient(c) if {
	some cp in istiods(c)
	cp.ambient.value == true
}

# trusts_root(c, fp): every istiod of c enables multi-root trust
# (ISTIO_MULTIROOT_MESH=true) and lists root fp in meshConfig.caCertificates.
trusts_root(c, fp) if {
	cps := istiods(c)
	count(cps) > 0
	every cp in cps {
		cp.multi_root.value == true
		fp in cp.ca_certificate_fingerprints.value
	}
}

# extra_roots_unknown(c): multi-root trust is on and some extra root is not
# given as pem (spiffeBundleUrl): the files cannot say which roots it adds.
extra_roots_unknown(c) if {
	some cp in istiods(c)
	cp.multi_root.value == true
	some e in cp.mesh_config.caCertificates
	not e.pem
}

# may_trust(c, fp): c trusts root fp besides its own, or may (unknown).
may_trust(c, fp) if trusts_root(c, fp)

may_trust(c, _) if extra_roots_unknown(c)

# strongly_joined(a, b): a path of control-plane links, declared links and
# two-way remote secrets joins the two clusters. The model finds these
# groups once (input.groups), so a pair costs two lookups.
strongly_joined(a, b) if {
	a != b
	input.groups.strong[a] == input.groups.strong[b]
}

# linked(a, b): some path of links other than a shared mesh ID joins them.
linked(a, b) if {
	a != b
	input.groups.linked[a] == input.groups.linked[b]
}

# join_reason(a, b) says why a and b are taken as one mesh, for messages.
join_reason(a, b) := "each holds a remote secret for the other" if {
	some l in input.links
	l.kind == "remote-secret"
	l.from == a
	l.to == b
	some m in input.links
	m.kind == "remote-secret"
	m.from == b
	m.to == a
} else := "the configuration declares them one mesh" if {
	some l in input.links
	l.kind == "declared"
	{l.from, l.to} == {a, b}
} else := "one's control plane serves the other" if {
	some l in input.links
	l.kind == "control-plane"
	{l.from, l.to} == {a, b}
} else := "they are joined through other clusters of their mesh"

# The per-cluster facts by cluster name, each computed once: rules compare
# clusters through these rather than calling the functions for every pair.
mesh_ids := {name: mesh_id(c) | some name, c in input.clusters}

declared_mesh_ids := {name: declared_mesh_id(c) | some name, c in input.clusters}

effective_mesh_ids := {name: effective_mesh_id(c) | some name, c in input.clusters}

trust_domains := {name: trust_domain(c) | some name, c in input.clusters}

roots := {name: root(c) | some name, c in input.clusters}

self_signed_roots := {name: self_signed(c) | some name, c in input.clusters}

# separate(a, b): a and b declare the same meshID, yet nothing else links
# them and both their trust domains (neither aliasing the other) and their
# roots of trust differ: two meshes that share a mesh ID (MS007).
separate(a, b) if {
	not linked(a, b)
	mesh_ids[a].value == mesh_ids[b].value
	ta := trust_domains[a].value
	tb := trust_domains[b].value
	ta != tb
	not accepts_domain(input.clusters[a], tb)
	not accepts_domain(input.clusters[b], ta)
	roots[a].fingerprint != roots[b].fingerprint
}

# declared_apart(a, b): a and b declare different mesh IDs and are not
# strongly joined (at most a one-way remote secret joins them: MS009).
declared_apart(a, b) if {
	not strongly_joined(a, b)
	declared_mesh_ids[a].value != declared_mesh_ids[b].value
}

# differing_pairs(values) are the pairs [a, b] (a < b) of clusters of one
# input mesh whose values (by cluster name) differ: the only pairs the
# one-mesh rules look at. Clusters are grouped by value first, so a mesh
# that agrees costs one pass over its clusters, and a mesh with one cluster
# out of line costs one pass per value, never every pair of the mesh.
differing_pairs(values) := {[a, b] |
	some m in input.meshes
	count({values[c] | some c in m.clusters}) > 1
	classes := {v: {c | some c in m.clusters; values[c] == v} | some c in m.clusters; v := values[c]}
	some va, xs in classes
	some vb, ys in classes
	va != vb
	some a in xs
	some b in ys
	a < b
}

# one_mesh(a, b): two distinct clusters are taken as one mesh.
one_mesh(a, b) if {
	fleet.same_mesh(a, b)
	not separate(a, b)
	not declared_apart(a, b)
}
