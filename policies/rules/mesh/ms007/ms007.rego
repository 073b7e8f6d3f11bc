# METADATA
# title: Separate meshes do not share a mesh ID
# description: |
#   The mesh ID names one mesh in telemetry, in Kiali and in federation:
#   "if two meshes are federated, then two meshes must have different Mesh
#   IDs" (istiod chart values), and deployment models ask for a globally
#   unique one. Clusters that declare the same meshID are grouped as one
#   mesh, so the rule looks for evidence that they are in fact two: nothing
#   but the mesh ID links them (no remote secret either way, no control
#   plane serving the other, no configured mesh), AND their trust domains
#   differ without aliasing each other, AND their roots of trust differ. A
#   single difference is read as one mesh with a mistake (MS003, MS006).
#   Clusters whose trust domain or root the inputs do not show are not
#   judged.
#   No traffic, discovery or mTLS depends on the mesh ID (istiod reads it only
#   for telemetry), so the rule is a warning.
# custom:
#   code: MS007
#   severity: warning
#   dimensions: [mesh]
#   scope: fleet
#   referee:
#     fleets:
#       - testdata/rules/MS007/fail/two-meshes-one-mesh-id
#     note: |
#       The referee reads the mesh ID each istiod serves (/debug/mesh) and
#       judges the mesh dimension across meshes: two meshes whose istiods
#       serve one mesh ID show as "differs". Nothing in istiod's discovery
#       breaks; the collision is in telemetry and federation.
#   istio:
#     component: >-
#       none in the data path: telemetry, Kiali and federation key on the mesh
#       ID
#     source: >-
#       manifests/charts/istio-control/istio-discovery/values.yaml meshID
#       comment ("if two meshes are federated, then two meshes must have
#       different Mesh IDs"); deployment models doc
#       (content/en/docs/ops/deployment/deployment-models/index.md: "give each
#       mesh a globally unique mesh ID"); in istiod's code the mesh ID is read
#       only for telemetry (pilot/pkg/networking/core/tracing.go)
#     versions: >-
#       every release with global.meshID; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     If the clusters are separate meshes, give each its own
#     values.global.meshID (e.g. mesh1 and mesh2). If they are meant to be
#     one mesh, give them one root of trust (cacerts from the same root) and
#     one trust domain, and create remote secrets both ways
#     (istioctl create-remote-secret).
package meshcheck.rules.mesh.ms007

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": b,
	"message": sprintf(
		"%s and %s both declare meshID %q but look like separate meshes: nothing else links them, their trust domains differ (%q, %q) and so do their roots of trust (%s, %s); separate meshes need distinct mesh IDs",
		[a, b, ib.value, ta, tb, mesh.short(mesh.roots[a].fingerprint), mesh.short(mesh.roots[b].fingerprint)],
	),
	"at": ib.source,
	"related": [ia.source],
}) if {
	some [a, b] in mesh.differing_pairs({c: t.value | some c, t in mesh.trust_domains})
	mesh.separate(a, b)
	ia := mesh.mesh_ids[a]
	ib := mesh.mesh_ids[b]
	ta := mesh.trust_domains[a].value
	tb := mesh.trust_domains[b].value
}
