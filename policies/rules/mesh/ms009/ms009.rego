# METADATA
# title: Remote secrets do not join clusters of different meshes
# description: |
#   A remote secret makes the holder's istiod discover the other cluster's
#   services and merge same-named ns/svc into one service (namespace
#   sameness). Between clusters that declare different mesh IDs that is not
#   federation: two meshes' services merge and traffic crosses meshes. The
#   rule fires on a remote secret between clusters whose declared meshIDs
#   differ (a remote counts with the meshID of its istiod) when nothing
#   shows them to be one mesh: no secret the other way, no control plane
#   serving the other, no configured mesh. When such evidence exists the
#   different IDs are MS001's finding. Clusters without a declared meshID
#   are not judged.
# custom:
#   code: MS009
#   severity: error
#   dimensions: [mesh, cluster]
#   scope: fleet
#   referee:
#     note: |
#       Observable, not yet refereed: istiod follows a remote secret whatever
#       the other cluster's mesh ID, so the referee would show the other mesh's
#       endpoints discovered, which is the rule's point. The rule's fixture has
#       no istiod in the other mesh for the referee to run.
#   istio:
#     component: >-
#       istiod (multicluster secret controller, aggregate service registry)
#     source: >-
#       pkg/kube/multicluster/secretcontroller.go follows any
#       istio/multiCluster secret whatever the other cluster's mesh ID;
#       pilot/pkg/serviceregistry/aggregate/controller.go Controller.Services
#       and mergeService merge same-named services of every registered cluster
#       (namespace sameness); deployment models doc
#       (content/en/docs/ops/deployment/deployment-models/index.md, Namespace
#       tenancy: "Istio merges their endpoints")
#     versions: >-
#       every release with istio/multiCluster remote secrets; no lower bound
#       claimed; checked against the pinned istio.io/istio (VERSION 1.31,
#       commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     If the clusters are separate meshes, delete the remote secret
#     (kubectl delete secret <name> -n istio-system) and federate through
#     gateways instead. If they are one mesh, set the same
#     values.global.meshID on both and create the remote secret the other
#     way too (istioctl create-remote-secret).
package meshcheck.rules.mesh.ms009

import data.meshcheck.lib.mesh
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": l.from,
	"message": sprintf(
		"%s (meshID %q) holds remote secret %s for %s, which is in mesh %q: a remote secret merges the two clusters' services, so two different meshes would mix",
		[l.from, ia.value, l.source.object.name, l.to, ib.value],
	),
	"at": l.source,
	"related": [ia.source, ib.source],
}) if {
	some l in input.links
	l.kind == "remote-secret"
	l.source
	not mesh.strongly_joined(l.from, l.to)
	ia := mesh.declared_mesh_id(input.clusters[l.from])
	ib := mesh.declared_mesh_id(input.clusters[l.to])
	ia.value != ib.value
}
