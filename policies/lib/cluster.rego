# METADATA
# description: |
#   Cluster-identity views shared by the CLxxx rules: the cluster IDs the
#   fleet's control planes set explicitly, which cluster a remote secret's
#   kubeconfig reaches (from evidence other than its key), and which
#   control planes read a remote secret.
package meshcheck.lib.cluster

import data.meshcheck.lib.fleet

# explicit_id[name] is the cluster ID the cluster's own control plane sets
# (clusterName, CLUSTER_ID or an injection URL parameter); the "Kubernetes"
# default is not an explicit ID.
explicit_id := {name: c.id.value |
	some name, c in input.clusters
	not c.id.default
	c.id.value != ""
}

# fleet_ids are all explicit cluster IDs of the fleet.
fleet_ids := {id | some id in explicit_id}

# host_names(host) are the names a kubeconfig server host may carry for its
# cluster: the host itself and its first DNS label.
host_names(host) := {host, split(host, ".")[0]} if host != ""

# evidence(holder, e, n) describes why the kubeconfig of entry e (held by
# holder) is taken to reach cluster n, from what the kubeconfig says other
# than a cluster ID in its key.
evidence(holder, e, n) := ({s | s := key_evidence(holder, e, n)} | {s | s := context_evidence(holder, e, n)}) | {s | s := server_evidence(holder, e, n)}

key_evidence(holder, e, n) := sprintf("its key is the fleet's name for %s", [n]) if {
	n != holder
	input.clusters[n]
	e.key == n
}

context_evidence(holder, e, n) := sprintf("its current context uses cluster %q", [e.context_cluster]) if {
	n != holder
	input.clusters[n]
	e.context_cluster != ""
	e.context_cluster != e.key
	e.context_cluster in {n, object.get(explicit_id, n, n)}
}

server_evidence(holder, e, n) := sprintf("its server is %s", [e.server]) if {
	n != holder
	input.clusters[n]
	some h in host_names(e.server_host)
	h in {n, object.get(explicit_id, n, n)}
}

# candidates(holder, e) are the clusters entry e's kubeconfig may reach.
# Evidence only ever names a cluster by its fleet name or explicit ID, so
# the clusters are looked up by the names the entry gives (its key, context
# cluster and server host), not scanned: one entry costs the same in a
# fleet of 5,000 clusters as in one of 5.
candidates(holder, e) := {n |
	some s in entry_names(e)
	some n in clusters_named(s)
	count(evidence(holder, e, n)) > 0
}

# entry_names(e) are the names a kubeconfig entry gives its cluster.
entry_names(e) := ({object.get(e, "key", ""), object.get(e, "context_cluster", "")} | host_names(object.get(e, "server_host", ""))) - {""}

# clusters_named(s) are the clusters whose fleet name or explicit ID is s.
clusters_named(s) := {s | input.clusters[s]} | object.get(by_explicit_id, s, set())

# by_explicit_id[id] are the clusters that set cluster ID id (OPA indexes
# the inner comprehension on id: built in one pass).
by_explicit_id := {id: names |
	some id in fleet_ids
	names := {n | some n, i in explicit_id; i == id}
}

# target(holder, e) is the one cluster entry e's kubeconfig reaches, when
# the evidence names exactly one.
target(holder, e) := t if {
	ts := candidates(holder, e)
	count(ts) == 1
	some t in ts
}

# misnamed contains the remote-secret kubeconfigs whose key is no cluster ID
# of the fleet although the kubeconfig reaches a cluster of the fleet that
# sets a different, explicit ID: istiod registers that cluster under the key.
# Only the kubeconfigs of type-remote secrets count (istioctl
# create-remote-secret --type=remote); the --type=config secret
# (istio-kubeconfig) follows other conventions. The entries are walked in
# place: a set of every entry would hash each secret once per entry.
misnamed contains {"holder": name, "secret": rs, "entry": e, "target": t, "target_id": id} if {
	some name, c in input.clusters
	some rs in c.remote_secrets
	rs.type == "remote"
	some e in rs.entries
	not fleet_ids[e.key]
	t := target(name, e)
	id := explicit_id[t]
	id != e.key
}

# evidence_text(x) joins the evidence for a misnamed entry.
evidence_text(x) := concat(", ", sort([s | some s in evidence(x.holder, x.entry, x.target)]))

# uid_hint(key) explains a key that looks like a kube-system namespace UID,
# which istioctl create-remote-secret uses when --name is not given.
uid_hint(key) := " (a kube-system namespace UID: the secret was created without --name)" if {
	regex.match(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, key)
} else := ""

# cp_namespaces(cp) are the namespaces a control plane's istiod reads remote
# secrets from: its system namespace and values.global.istioNamespace.
cp_namespaces(cp) := {cp.namespace, object.get(cp, ["istio_namespace", "value"], cp.namespace)}

# secret_namespaces(c) are the namespaces where the cluster's mesh control
# planes look for remote secrets. For a cluster hosting an external control
# plane that is the external one's namespace only (its istio-system istiod
# serves only a gateway).
secret_namespaces(c) := {ns | some cp in fleet.mesh_control_planes(c); some ns in cp_namespaces(cp)}

# reads(cp, rs): control plane cp reads remote secret rs, which is in its
# namespace, or whose namespace is unknown.
reads(_, rs) if rs.namespace == ""

reads(cp, rs) if rs.namespace in cp_namespaces(cp)

# kubeconfig_problem(e) says why a kubeconfig cannot be used, when it cannot.
kubeconfig_problem(e) := e.error if {
	e.error
} else := sprintf("its current-context %q names no context with a cluster", [e.current_context]) if {
	object.get(e, "context_cluster", "") == ""
} else := sprintf("cluster %q of its current context has no server", [e.context_cluster]) if {
	object.get(e, "server", "") == ""
}

# encrypted(rs) holds when the remote secret's file is SOPS-encrypted: its
# data values are ciphertext, not kubeconfigs, and say nothing about the
# kubeconfig that will be applied.
encrypted(rs) if rs.encrypted == true
