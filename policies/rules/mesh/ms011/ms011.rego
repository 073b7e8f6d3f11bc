# METADATA
# title: Extra CA roots come with ISTIO_MULTIROOT_MESH
# description: |
#   meshConfig.caCertificates adds trust anchors, but istiod only uses them
#   to verify ISTIO_MUTUAL peers when ISTIO_MULTIROOT_MESH=true (pilot
#   features). Without it the extra roots give a false sense of trust: a
#   root migration or a peer on another root still fails mTLS. Only pem
#   entries count (certSigners and spiffeBundleUrl are other features), and
#   only control planes whose istiod env the inputs show in full (an
#   install or the istiod Deployment, not a mesh ConfigMap alone).
# custom:
#   code: MS011
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
#       istiod (trust bundle for ISTIO_MUTUAL)
#     source: >-
#       pilot/pkg/features/pilot.go MultiRootMesh (ISTIO_MULTIROOT_MESH: "mesh
#       will support certificates signed by more than one trustAnchor for
#       ISTIO_MUTUAL mTLS"); pilot/pkg/bootstrap/server.go NewServer creates
#       the trust bundle (pilot/pkg/trustbundle/trustbundle.go
#       AddMeshConfigUpdate, which reads meshConfig.caCertificates) only with
#       it, and pilot/pkg/xds/pcds.go pcdsNeedsPush pushes nothing without it
#     versions: >-
#       every release with ISTIO_MULTIROOT_MESH; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar
#   remediation: |
#     Set the istiod env ISTIO_MULTIROOT_MESH=true (IOP
#     spec.values.pilot.env.ISTIO_MULTIROOT_MESH: "true", Helm
#     --set pilot.env.ISTIO_MULTIROOT_MESH=true), or drop
#     meshConfig.caCertificates if the extra roots are not needed.
package meshcheck.rules.mesh.ms011

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's %s lists %d root(s) in meshConfig.caCertificates but %s: the extra roots are not used to verify peers",
		[name, mesh.describe(cp), count(pems), multi_root(cp)],
	),
	"at": cp.ca_certificates.source,
	"related": related(cp),
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role != "remote"
	cp.ca_certificates.value > 0
	pems := [e | some e in cp.mesh_config.caCertificates; e.pem]
	count(pems) > 0
	not cp.multi_root.value == true
	env_known(cp)
}

# env_known: an install or the istiod Deployment describes the control
# plane, so an env it does not show is not set.
env_known(cp) if {
	some s in cp.sources
	s.object.kind in (mesh.install_kinds | {"Deployment"})
}

multi_root(cp) := sprintf("ISTIO_MULTIROOT_MESH is %q", [cp.env.ISTIO_MULTIROOT_MESH.value]) if {
	cp.env.ISTIO_MULTIROOT_MESH
} else := "ISTIO_MULTIROOT_MESH is not set"

related(cp) := [cp.env.ISTIO_MULTIROOT_MESH.source] if {
	cp.env.ISTIO_MULTIROOT_MESH
} else := []
