# METADATA
# title: Ambient multicluster uses multi-primary only
# description: |
#   In ambient mode multi-primary "is currently the only supported
#   configuration" (istio.io ambient multicluster install guide, Istio 1.27
#   and later): ztunnel and waypoints cannot be served by an istiod in
#   another cluster, so an ambient control plane must not be a remote or an
#   external control plane, nor serve a remote cluster of the fleet (one
#   whose control plane cluster it is), and a remote-profile cluster must not
#   run ztunnel. EXTERNAL_ISTIOD=true alone is not a finding: istiod then
#   only leads the controllers of clusters whose system namespace names it
#   in topology.istio.io/controlPlaneClusters
#   (pilot/pkg/serviceregistry/kube/controller/multicluster.go,
#   checkShouldLead), which no peer primary does; Istio's own ambient
#   multicluster CI sets it on both primaries.
# custom:
#   code: CP013
#   severity: error
#   dimensions: [controlplane]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: ambient multicluster's restriction to
#       multi-primary concerns ztunnel and waypoints, a data plane the referee
#       does not run.
#   istio:
#     component: >-
#       istiod, ztunnel and waypoints (ambient multicluster)
#     source: >-
#       ambient multicluster install guide
#       (content/en/docs/ambient/install/multicluster/multi-primary_multi-network/index.md:
#       multi-primary "is currently the only supported configuration in
#       ambient mode");
#       pilot/pkg/serviceregistry/kube/controller/multicluster.go
#       Multicluster.checkShouldLead (why EXTERNAL_ISTIOD alone is not a
#       finding)
#     versions: >-
#       ambient multicluster is alpha in the pinned version
#       (pilot/pkg/features/ambient.go: AMBIENT_ENABLE_MULTI_NETWORK defaults
#       to false, "alpha features like ambient multi-network"); no release
#       number claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       ambient
#   remediation: |
#     Install every ambient cluster as a primary with its own istiod
#     (profile: ambient, global.multiCluster.clusterName, global.network) and
#     join them as multi-primary with remote secrets both ways.
package meshcheck.rules.controlplane.cp013

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

# ambient_fact(cp) is the fact that makes cp an ambient control plane.
ambient_fact(cp) := cp.ambient if cp.ambient.value == true

ambient_fact(cp) := cp.env.PILOT_ENABLE_AMBIENT if {
	not cp.ambient.value == true
	lower(cp.env.PILOT_ENABLE_AMBIENT.value) == "true"
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's control plane %s/%s is ambient and %s: ambient multicluster supports only multi-primary",
		[name, cp.namespace, controlplane.rev_label(cp.revision), role_text[cp.role]],
	),
	"at": f.source,
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	role_text[cp.role]
	f := ambient_fact(cp)
}

role_text := {"remote": "a remote install", "external": "an external control plane"}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's ambient control plane %s/%s serves remote cluster %s: ambient multicluster supports only multi-primary",
		[name, cp.namespace, controlplane.rev_label(cp.revision), r],
	),
	"at": f.source,
	"related": [controlplane.anchor(rcp) | some rcp in controlplane.remote_control_planes(input.clusters[r])],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "primary"
	f := ambient_fact(cp)
	some r, rc in input.clusters
	rc.control_plane_cluster == name
}

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"remote cluster %s runs ztunnel (%s %s): ambient multicluster supports only multi-primary",
		[name, z.object.kind, z.object.name],
	),
	"at": z,
}) if {
	some name, c in input.clusters
	c.role == "remote"
	some z in c.ztunnels
}
