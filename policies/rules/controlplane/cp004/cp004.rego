# METADATA
# title: Every istiod holds a remote secret for the clusters it must reach
# description: |
#   An istiod only discovers endpoints of, and authenticates workloads from,
#   the clusters it holds a remote secret for. In multi-primary every primary
#   needs one for every other cluster of the mesh; in primary-remote (and with
#   an external control plane) the managing istiod needs one for each remote
#   it serves ("Without API Server access, the control plane will reject the
#   requests"). A missing Secret can only be told apart from one not kept in
#   Git when the holder's Secret inventory is complete (a live audit, or
#   complete: [Secret] in .meshcheck.yaml).
# custom:
#   code: CP004
#   severity: error
#   dimensions: [controlplane, cluster]
#   scope: fleet
#   remediation: |
#     Create the missing remote secret on the cluster whose istiod must reach the other one:
#     istioctl create-remote-secret --context=CTX_TARGET --name=TARGET | kubectl apply --context=CTX_HOLDER -f -
package meshcheck.rules.controlplane.cp004

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.fleet
import data.meshcheck.lib.result

# A primary must reach every other primary or remote of its mesh.
needs contains {"holder": h, "target": t} if {
	some h, hc in input.clusters
	hc.complete.Secret == true
	hc.role == "primary"
	some t in fleet.peers(h)
	input.clusters[t].role in {"primary", "remote"}
}

# A cluster hosting an external control plane must reach each remote it
# serves, except its config cluster (reached through istio-kubeconfig, CP009).
needs contains {"holder": h, "target": t} if {
	some h, hc in input.clusters
	hc.complete.Secret == true
	hc.role == "external"
	some t, tc in input.clusters
	tc.control_plane_cluster == h
	not controlplane.served_by_external_as_config(t)
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": n.holder,
	"message": sprintf(
		"%s holds no remote secret for %s (its Secret inventory is complete): %s's istiod cannot read %s's API server, so %s's endpoints are not discovered and its workloads are rejected",
		[n.holder, n.target, n.holder, n.target, n.target],
	),
	"at": at_of(n.holder),
	"related": related(n.target),
}) if {
	some n in needs
	not holds_secret(n.holder, n.target)
}

# holds_secret(h, t) holds when h has a remote-type secret that names t, by
# the link the model derived or by its key, annotation or name. Both are
# looked up in indexes built once: the needs of a mesh are primaries times
# clusters, and scanning the links or secrets for each would make it cubic.
holds_secret(h, t) if [h, t] in remote_secret_pairs

holds_secret(h, t) if {
	some name in target_names(t)
	name in held_names[h]
}

remote_secret_pairs contains [l.from, l.to] if {
	some l in input.links
	l.kind == "remote-secret"
}

# held_names[h] are the names h's remote-type secrets give their targets.
held_names[h] contains name if {
	some h, hc in input.clusters
	hc.complete.Secret == true
	some rs in hc.remote_secrets
	rs.type == "remote"
	some name in names_of(rs)
}

names_of(rs) := (({e.key | some e in rs.entries} | {e.context_cluster | some e in rs.entries}) | {rs.cluster_annotation.value | rs.cluster_annotation}) | {substring(rs.name, count("istio-remote-secret-"), -1) | startswith(rs.name, "istio-remote-secret-")}

target_names(t) := {t, input.clusters[t].id.value} if input.clusters[t].id

target_names(t) := {t} if not input.clusters[t].id

# at_of(h) points at the holder's serving control plane.
at_of(h) := controlplane.anchor(cps[0]) if {
	cps := controlplane.serving_control_planes(h)
	count(cps) > 0
} else := {"cluster": h, "object": {"kind": "Cluster", "name": h}}

related(t) := [t_id | t_id := input.clusters[t].id.source]
