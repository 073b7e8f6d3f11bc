# METADATA
# title: External control plane and its config cluster agree
# description: |
#   An external istiod serves the remote it reads its configuration from
#   (the config cluster) as its own cluster: its CLUSTER_ID and
#   global.multiCluster.clusterName must both be the config cluster's name,
#   the one the config cluster's injectionURL gives its proxies. It reaches
#   the config cluster through exactly one --type=config secret
#   (istio-kubeconfig) in its namespace, and both sides must use the same
#   istio namespace (global.istioNamespace), where the external istiod reads
#   the mesh config and writes the webhooks.
# custom:
#   code: CP009
#   severity: error
#   dimensions: [controlplane, cluster]
#   scope: fleet
#   referee:
#     note: |
#       Not yet refereed: no fleet the referee runs has an external control
#       plane, whose istiod reads its config cluster through istio-kubeconfig;
#       the cluster ID it registers that cluster under is what the referee's
#       identity check would show.
#   istio:
#     component: >-
#       external istiod (multicluster secret controller, config-cluster
#       client)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/deployment.yaml
#       mounts the istio-kubeconfig Secret at /var/run/secrets/remote and sets
#       KUBECONFIG to its config key;
#       pkg/kube/multicluster/secretcontroller.go NewController takes
#       opts.ClusterID as the config cluster's ID (the config cluster is not
#       registered from a remote secret); external control plane doc
#       (content/en/docs/setup/install/external-controlplane/index.md)
#     versions: >-
#       every release with the external control plane install; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     Set CLUSTER_ID and values.global.multiCluster.clusterName of the external
#     istiod to the config cluster's name (REMOTE_CLUSTER_NAME), keep one
#     secret from istioctl create-remote-secret --type=config
#     --namespace=external-istiod, and use the same global.istioNamespace in
#     the external istiod and the config cluster's remote install.
package meshcheck.rules.controlplane.cp009

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

externals contains {"host": x, "cp": e} if {
	some x, xc in input.clusters
	some e in xc.control_planes
	e.role == "external"
}

# config_cluster(ext) is the config cluster of external control plane ext:
# a remote that declares itself one (global.configCluster) and is served by
# ext's cluster, or is served by nobody known while ext is the fleet's only
# external control plane; or a remote whose ID is ext's CLUSTER_ID.
config_clusters(ext) := {r |
	some r, c in input.clusters
	c.role == "remote"
	c.config_cluster == true
	served_by(c, ext.host)
} | {r |
	some r, c in input.clusters
	c.role == "remote"
	c.control_plane_cluster == ext.host
	c.id.value == ext.cp.cluster_id.value
}

served_by(c, x) if c.control_plane_cluster == x

served_by(c, _) if {
	not c.control_plane_cluster
	count(externals) == 1
}

# (a) CLUSTER_ID and clusterName of the external istiod differ.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": ext.host,
	"message": sprintf(
		"external istiod %s/%s in %s runs with CLUSTER_ID %q but global.multiCluster.clusterName %q: both must be the config cluster's name",
		[ext.cp.namespace, controlplane.istiod_name(ext.cp.revision), ext.host, id.value, cn.value],
	),
	"at": id.source,
	"related": [cn.source],
}) if {
	some ext in externals
	id := ext.cp.env.CLUSTER_ID
	cn := ext.cp.cluster_name
	id.value != cn.value
}

# (b) The external istiod calls its config cluster by another name than the
# config cluster calls itself.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": ext.host,
	"message": sprintf(
		"external istiod %s/%s in %s has cluster ID %q, but its config cluster %s calls itself %q: its proxies and the istiod disagree on the cluster name",
		[ext.cp.namespace, controlplane.istiod_name(ext.cp.revision), ext.host, ext.cp.cluster_id.value, r, rc.id.value],
	),
	"at": ext.cp.cluster_id.source,
	"related": [rc.id.source],
}) if {
	some ext in externals
	not ext.cp.cluster_id.default
	some r in config_clusters(ext)
	rc := input.clusters[r]
	not rc.id.default
	rc.id.value != ext.cp.cluster_id.value
}

config_secrets(ext) := [s |
	some s in input.clusters[ext.host].remote_secrets
	s.type == "config"
	s.namespace == ext.cp.namespace
]

# registrations(ext) are the secrets in the external istiod's namespace that
# register its config cluster: the config secret, and any remote-type
# secret keyed with the config cluster's ID.
registrations(ext) := array.concat(config_secrets(ext), [s |
	some s in input.clusters[ext.host].remote_secrets
	s.type == "remote"
	s.namespace == ext.cp.namespace
	some e in s.entries
	e.key == ext.cp.cluster_id.value
])

# (c) The config cluster is registered by more than one secret.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": ext.host,
	"message": sprintf(
		"namespace %s of %s holds %d secrets for config cluster %s (%s): external istiod %s needs exactly one, the --type=config secret istio-kubeconfig",
		[ext.cp.namespace, ext.host, count(secrets), ext.cp.cluster_id.value, concat(", ", [s.name | some s in secrets]), controlplane.istiod_name(ext.cp.revision)],
	),
	"at": secrets[count(secrets) - 1].source,
	"related": [secrets[0].source],
}) if {
	some ext in externals
	secrets := registrations(ext)
	count(secrets) > 1
}

# (c') No config secret at all, when the Secret inventory is complete.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": ext.host,
	"message": sprintf(
		"namespace %s of %s holds no config secret (istioctl create-remote-secret --type=config) although its Secret inventory is complete: external istiod %s cannot reach its config cluster",
		[ext.cp.namespace, ext.host, controlplane.istiod_name(ext.cp.revision)],
	),
	"at": controlplane.anchor(ext.cp),
}) if {
	some ext in externals
	input.clusters[ext.host].complete.Secret == true
	count(config_secrets(ext)) == 0
}

# (d) The config cluster's remote install uses another istio namespace.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": r,
	"message": sprintf(
		"config cluster %s installs its remote control plane in namespace %s, but external istiod in %s uses namespace %s: global.istioNamespace must be the same on both sides",
		[r, rcp.namespace, ext.host, ext.cp.namespace],
	),
	"at": ns_source(rcp),
	"related": [ns_source(ext.cp)],
}) if {
	some ext in externals
	some r in config_clusters(ext)
	some rcp in controlplane.remote_control_planes(input.clusters[r])
	rcp.namespace != ext.cp.namespace
}

ns_source(cp) := cp.istio_namespace.source if cp.istio_namespace

ns_source(cp) := controlplane.anchor(cp) if not cp.istio_namespace
