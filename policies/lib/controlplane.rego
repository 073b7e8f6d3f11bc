# METADATA
# description: |
#   Control-plane views shared by the CPxxx rules: revisions and revision
#   tags, the control planes that serve a remote, whether an input shows a
#   control plane's install in full (so that a value it does not set is
#   Istio's default), and address helpers.
package meshcheck.lib.controlplane

import data.meshcheck.lib.fleet

# rev_label(r) is how revision r is written in istio.io/rev labels: the
# unrevisioned control plane is "default".
rev_label(r) := "default" if r == ""

rev_label(r) := r if r != ""

# norm_rev(r) maps the label value "default" back to the empty revision.
norm_rev(r) := "" if r == "default"

norm_rev(r) := r if r != "default"

# istiod_name(r) is the name of revision r's istiod Service.
istiod_name(r) := "istiod" if r == ""

istiod_name(r) := concat("-", ["istiod", r]) if r != ""

# env_kinds are the inputs that show a control plane's istiod environment
# and values in full: an install (IstioOperator, Sail Istio, Helm values),
# the istiod Deployment itself, or the merged values ConfigMap.
env_kinds := {"IstioOperator", "Istio", "HelmValues", "Deployment"}

# env_shown(cp) holds when an input of cp shows its istiod env, so that an
# env var it does not set is unset rather than unknown.
env_shown(cp) if {
	some src in cp.sources
	src.object.kind in env_kinds
}

env_shown(cp) if {
	some src in cp.sources
	values_config_map(src)
}

# mesh_shown(cp) holds when an input of cp shows its mesh config in full
# (an install or the istio[-rev] / values[-rev] ConfigMap): a Deployment
# alone does not.
mesh_shown(cp) if {
	some src in cp.sources
	src.object.kind in (env_kinds - {"Deployment"})
}

mesh_shown(cp) if {
	some src in cp.sources
	values_config_map(src)
}

mesh_shown(cp) if {
	some src in cp.sources
	src.object.kind == "ConfigMap"
	regex.match(`^istio(-.+)?$`, src.object.name)
	not startswith(src.object.name, "istio-sidecar-injector")
}

values_config_map(src) if {
	src.object.kind == "ConfigMap"
	regex.match(`^values(-.+)?$`, src.object.name)
}

# anchor(cp) is the source to point at for a fact about the control plane
# as a whole: its profile when set, else its first input.
anchor(cp) := cp.profile.source if cp.profile

anchor(cp) := cp.sources[0] if not cp.profile

# runs_istiod(cp) holds when an istiod runs (or is asked for) for cp.
runs_istiod(cp) if cp.istiod.value == true

# serving_control_planes(p) are the control planes of cluster p that can
# serve remotes: its external ones on a cluster hosting an external control
# plane, otherwise its primaries.
serving_control_planes(p) := [cp |
	some cp in fleet.mesh_control_planes(input.clusters[p])
	cp.role != "remote"
]

# serving(p, rev) are the control planes of p that serve a remote of
# revision rev: those of the same revision when there are any, else all.
serving(p, rev) := same if {
	same := [cp | some cp in serving_control_planes(p); cp.revision == rev]
	count(same) > 0
} else := serving_control_planes(p)

# remote_control_planes(c) are the remote-profile control planes of c.
remote_control_planes(c) := [cp | some cp in c.control_planes; cp.role == "remote"]

# served_by_external_as_config(name) holds when cluster name is the config
# cluster of the external control plane that serves it: the external istiod
# calls it by its cluster ID, and it needs no controlPlaneClusters
# annotation (the external istiod treats it as its own cluster).
served_by_external_as_config(name) if {
	c := input.clusters[name]
	p := c.control_plane_cluster
	input.clusters[p].role == "external"
	some cp in serving_control_planes(p)
	cp.role == "external"
	cp.cluster_id.value == c.id.value
}

served_by_external_as_config(name) if {
	c := input.clusters[name]
	c.config_cluster == true
	input.clusters[c.control_plane_cluster].role == "external"
}

# tags(c) are the revision tags the cluster's inputs show (Helm revisionTags,
# tag webhooks), as label values.
tags(c) := {t | some cp in c.control_planes; some t in cp.revision_tags.value} | {w.tag |
	some w in c.injector_webhooks
	w.tag != ""
}

# default_tag(c) holds when something makes a revisioned control plane the
# "default" one (a default tag or the Helm defaultRevision value).
default_tag(c) if "default" in tags(c)

default_tag(c) if {
	some cp in c.control_planes
	object.get(cp.values, "defaultRevision", "") != ""
}

# revision_labels(c) are the istio.io/rev values that select an installed
# control plane of c: its revisions and tags.
revision_labels(c) := {rev_label(cp.revision) | some cp in c.control_planes} | tags(c)

# tags_known(c) holds when the cluster's inputs define its revision tags
# (Helm revisionTags, tag webhooks) or a live audit listed all its webhooks:
# only then is a name that is neither a revision nor a shown tag known not
# to be a tag (istioctl tag set creates tags outside any values file).
tags_known(c) if count(tags(c)) > 0

tags_known(c) if c.complete.MutatingWebhookConfiguration == true

# version_like(r) holds for revision names made from a version (1-26-0,
# 1-26, 1-26-0-beta), which teams use for revisions and not for tags.
version_like(r) if regex.match(`^[0-9]+-[0-9]+([-.].*)?$`, r)

# unknown_revision(c, label) holds when istio.io/rev value label names
# neither an installed revision nor a revision tag of c, as far as the
# inputs can tell.
unknown_revision(c, label) if {
	not label in revision_labels(c)
	label != "default"
	tags_known(c)
}

unknown_revision(c, label) if {
	not label in revision_labels(c)
	label != "default"
	version_like(label)
}

# is_ip(s) holds for an IPv4 or IPv6 address.
is_ip(s) if net.cidr_is_valid(concat("", [s, "/32"]))

is_ip(s) if {
	contains(s, ":")
	net.cidr_is_valid(concat("", [s, "/128"]))
}

# service_of(host) splits a Service host name (name.namespace.svc...) into
# its name and namespace; the namespace is "" for a bare name.
service_of(host) := {"name": parts[0], "namespace": parts[1]} if {
	parts := split(host, ".")
	count(parts) > 1
}

service_of(host) := {"name": host, "namespace": ""} if not contains(host, ".")

# istiod_revision(name) is the revision an istiod Service name stands for.
istiod_revision(name) := "" if name == "istiod"

istiod_revision(name) := substring(name, 7, -1) if startswith(name, "istiod-")

# selects(selector, labels) holds when every selector label is in labels.
selects(selector, labels) if {
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}
