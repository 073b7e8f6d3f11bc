# METADATA
# title: Multicluster control planes set meshID explicitly
# description: |
#   Without global.meshID, istiod gives its proxies the trust domain as mesh
#   ID. In a multicluster setup that default is easy to get out of step
#   (another cluster sets mesh1, or a trust domain changes) and Kiali's mesh
#   view keys on the mesh ID. Every primary and external control plane of a
#   cluster that takes part in a multicluster setup (several clusters in
#   one mesh, remote secrets, a remote, a network) should set it. Remote-
#   profile clusters inherit it from their istiod and are not checked; nor
#   is the gateway-only istiod an external control plane cluster runs.
# custom:
#   code: MS002
#   severity: warning
#   dimensions: [mesh]
#   scope: cluster
#   referee:
#     note: |
#       Not observable by the referee: mesh identity and trust are checked in
#       the data plane's mTLS handshakes, and the referee runs no proxies; it
#       reads the trust domain and mesh ID each istiod serves (/debug/mesh),
#       which shows the values this rule compares, not the handshake that fails.
#   istio:
#     component: >-
#       sidecar injector (mesh ID given to proxies)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
#       ISTIO_META_MESH_ID falls back to the trust domain when global.meshID
#       is unset; values.yaml meshID comment ("If the mesh admin does not
#       specify a value, Istio will use the value of the mesh's Trust Domain")
#     versions: >-
#       every release with global.meshID; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Set values.global.meshID (IOP spec.values.global.meshID, Helm
#     --set global.meshID=mesh1, Sail spec.values.global.meshID) to the same
#     value on every primary and external control plane of the mesh.
package meshcheck.rules.mesh.ms002

import data.meshcheck.lib.fleet
import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's %s sets no meshID although the cluster is part of a multicluster setup; its proxies get the trust domain%s as mesh ID",
		[name, mesh.describe(cp), trust_domain(cp)],
	),
	"at": mesh.install_source(cp),
}) if {
	some name in fleet.multicluster
	some cp in mesh.istiods(input.clusters[name])
	not cp.mesh_id
}

trust_domain(cp) := sprintf(" %q", [cp.trust_domain.value]) if {
	cp.trust_domain
} else := ""
