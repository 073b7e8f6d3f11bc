# METADATA
# title: Multicluster clusters set an explicit cluster ID
# description: |
#   Istiod calls its cluster "Kubernetes" unless values.global.multiCluster.clusterName
#   (CLUSTER_ID) is set, and a remote-profile cluster takes its ID from the
#   cluster parameter of its injection path or URL. In a multicluster mesh every
#   cluster then calls itself the same name, or a remote's pods take the ID of the
#   istiod that injects them: peers cannot tell the clusters apart, remote
#   secrets cannot be keyed after the cluster, and topology.istio.io/cluster
#   routing breaks (istio/istio#42516). Clusters that only host an external
#   control plane are not checked: their istio-system istiod serves a gateway.
# custom:
#   code: CL001
#   severity: warning
#   dimensions: [cluster]
#   scope: cluster
#   referee:
#     fleets:
#       - testdata/mistakes/04-cluster-name-unset
#     note: |
#       istiod registers the cluster that sets no name under the default ID
#       Kubernetes, while its peers' remote secrets name it otherwise: the
#       referee reports a cluster registered under another ID. Endpoints are
#       still discovered while no two clusters share the default, which is why
#       this is a warning and a duplicate ID (CL002) the error.
#   istio:
#     component: >-
#       istiod (CLUSTER_ID) and the sidecar injector (ISTIO_META_CLUSTER_ID)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/deployment.yaml
#       (CLUSTER_ID defaults to Kubernetes) and files/injection-template.yaml
#       (ISTIO_META_CLUSTER_ID defaults likewise; pkg/config/constants
#       DefaultClusterName); pkg/kube/multicluster/secretcontroller.go
#       Controller.addRemoteConfig skips a secret keyed with the istiod's own
#       ID, so two clusters both called Kubernetes cannot register each other
#     versions: >-
#       every release whose istiod chart defaults CLUSTER_ID to Kubernetes; no
#       lower bound claimed; checked against the pinned istio.io/istio
#       (VERSION 1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Give every cluster of the mesh a unique name and install it with
#     values.global.multiCluster.clusterName=<name> (IOP spec.values.global.multiCluster.clusterName,
#     Helm --set global.multiCluster.clusterName=<name>). For a remote-profile cluster put
#     the name in the injection path or URL as well: istiodRemote.injectionPath=/inject/cluster/<name>/net/<network>.
#     Key the remote secrets for the cluster with the same name (istioctl create-remote-secret --name=<name>).
package meshcheck.rules.cluster.cl001

import data.meshcheck.lib.fleet
import data.meshcheck.lib.result

# stake(c) says what the missing name breaks, more so when the cluster holds remote secrets.
stake(c) := "it takes part in a multicluster mesh and holds remote secrets, so istiod registers it under a name peers cannot match" if {
	count(c.remote_secrets) > 0
} else := "it takes part in a multicluster mesh, where peers cannot tell it from other unnamed clusters"

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"cluster %s sets no global.multiCluster.clusterName, so its istiod and proxies call it %q; %s",
		[name, c.id.value, stake(c)],
	),
	"at": c.id.source,
}) if {
	some name in fleet.multicluster
	c := input.clusters[name]
	c.role != "external"
	c.id.default
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"remote cluster %s has no cluster ID: %s and global.multiCluster.clusterName is not set, so its pods take the cluster ID of the istiod that injects them",
		[name, injection_text(cp)],
	),
	"at": remote_source(cp),
}) if {
	some name, c in input.clusters
	c.role == "remote"
	not c.id
	some cp in c.control_planes
	cp.role == "remote"
	not cp.cluster_id
	not names_cluster_unknown(cp)
}

# names_cluster_unknown(cp): a setting that names the cluster is set to what
# the inputs do not show (a template action): the ID is unknown, not unset.
names_cluster_unknown(cp) if {
	some p in object.get(cp, "unknown", [])
	p in {"global.multiCluster.clusterName", "istiodRemote.injectionPath", "istiodRemote.injectionURL", "pilot.env.CLUSTER_ID"}
}

injection_text(cp) := sprintf("its injection URL %q has no cluster parameter", [cp.injection_url.value]) if {
	cp.injection_url
} else := sprintf("its injection path %q has no cluster parameter", [cp.injection_path.value]) if {
	cp.injection_path
} else := "it sets no istiodRemote.injectionPath or injectionURL with a cluster parameter"

remote_source(cp) := cp.injection_url.source if {
	cp.injection_url
} else := cp.injection_path.source if {
	cp.injection_path
} else := cp.profile.source if {
	cp.profile
} else := cp.sources[0]
