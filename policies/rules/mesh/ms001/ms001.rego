# METADATA
# title: Control planes of one mesh declare the same mesh ID
# description: |
#   Proxies report the mesh ID of the istiod that injected them
#   (ISTIO_META_MESH_ID, from global.meshID or
#   meshConfig.defaultConfig.meshId; unset, it defaults to the trust domain).
#   Telemetry, Kiali's mesh view and federation key on it, so the primaries
#   (and external control planes) of one mesh must agree on it. One mesh
#   here means clusters joined by remote secrets held both ways
#   (multi-primary), by a remote and the istiod serving it, or by the
#   configuration's meshes; a one-way remote secret between clusters with
#   different mesh IDs is MS009. Remote-profile clusters inherit the ID of
#   their istiod and are not compared. Two clusters that both leave meshID
#   unset and differ only through their trust domains are left to MS006 and
#   MS002.
#   Istiod reads the mesh ID only for telemetry (tracing tags, the
#   ISTIO_META_MESH_ID proxies report in metrics): traffic, discovery and
#   mTLS work with differing IDs (the referee shows discovery working), so
#   the rule is a warning.
# custom:
#   code: MS001
#   severity: warning
#   dimensions: [mesh]
#   scope: fleet
#   referee:
#     fleets:
#       - testdata/rules/MS001/fail/multi-primary-different-mesh-ids
#     note: |
#       The referee reads the mesh ID each istiod serves (/debug/mesh
#       defaultConfig.meshId) and judges the mesh dimension: istiods of one
#       mesh serving different mesh IDs show as "differs". Discovery works
#       there; what breaks (telemetry, Kiali, federation) is outside istiod.
#   istio:
#     component: >-
#       sidecar injector and istiod (mesh ID given to proxies)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/values.yaml meshID
#       comment ("each cluster must be ... configured to have the same Mesh ID
#       value"); files/injection-template.yaml ISTIO_META_MESH_ID
#       (global.meshID, else the trust domain); templates/configmap.yaml
#       defaultConfig.meshId; in istiod's code the mesh ID is read only for
#       telemetry (pilot/pkg/networking/core/tracing.go)
#     versions: >-
#       every release with global.meshID; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Set the same values.global.meshID on every primary and external control
#     plane of the mesh (IOP spec.values.global.meshID, Helm
#     --set global.meshID=mesh1, Sail spec.values.global.meshID), e.g.
#     meshID: mesh1 on both clusters of a multi-primary mesh.
package meshcheck.rules.mesh.ms001

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": bad,
	"message": sprintf(
		"%s %s, but %s, which is one mesh with it (%s), declares meshID %q: the control planes of one mesh must declare the same mesh ID",
		[bad, own_id(ebad), good, mesh.join_reason(bad, good), egood.value],
	),
	"at": ebad.source,
	"related": [egood.source],
}) if {
	some [a, b] in mesh.differing_pairs({c: e.value | some c, e in mesh.effective_mesh_ids})
	ea := mesh.effective_mesh_ids[a]
	eb := mesh.effective_mesh_ids[b]
	some e in [ea, eb]
	e.explicit
	mesh.strongly_joined(a, b)
	[bad, ebad, good, egood] := blame(a, ea, b, eb)
}

# blame puts first the cluster to report: the one whose mesh ID is only the
# trust-domain default when the other declares one, else the later name.
blame(a, ea, b, eb) := [a, ea, b, eb] if {
	not ea.explicit
	eb.explicit
} else := [b, eb, a, ea]

own_id(e) := sprintf("declares meshID %q", [e.value]) if {
	e.explicit
} else := sprintf("sets no meshID, so its mesh ID defaults to its trust domain %q", [e.value])
