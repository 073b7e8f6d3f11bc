# METADATA
# title: A remote cluster does not run its own istiod
# description: |
#   A remote cluster is served by the istiod of another cluster. When it
#   also runs a full istiod for the same revision (the remote profile left
#   out, or an istiod Deployment next to a remote install), that local istiod
#   answers the injection webhook and the proxies, so workloads only see the
#   remote cluster's own endpoints and config, and take their certificates
#   from a second CA. Only istiodRemote.enabledLocalInjectorIstiod runs a
#   local istiod on purpose, and it is meant only for injection and CA.
# custom:
#   code: CP002
#   severity: error
#   dimensions: [controlplane]
#   scope: cluster
#   referee:
#     fleets:
#       - testdata/mistakes/08-remote-runs-own-istiod
#     note: |
#       The referee runs the istiod the remote installs, as the fleet says: it
#       holds no remote secret, so the proxies it serves see only their own
#       cluster's endpoints and the verdict is broken, while the primary's
#       istiod discovers both clusters.
#   istio:
#     component: >-
#       istiod chart (remote profile) and the remote's injection webhook
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/deployment.yaml
#       renders the istiod Deployment only when not istiodRemote.enabled or
#       istiodRemote.enabledLocalInjectorIstiod; a local istiod answers the
#       istiod Service the webhook and proxies call
#       (templates/mutatingwebhook.yaml, templates/configmap.yaml
#       discoveryAddress) and holds no remote secrets; primary-remote docs
#       (content/en/docs/setup/install/multicluster/primary-remote/index.md)
#     versions: >-
#       every release with the remote profile; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     Install the remote with the remote profile (istioctl install --set
#     profile=remote, or helm install istiod istio/istiod --set profile=remote)
#     and remove the local istiod Deployment, or set
#     istiodRemote.enabledLocalInjectorIstiod=true if a local injector is intended.
package meshcheck.rules.controlplane.cp002

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

# A remote-profile control plane with an istiod running for it.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's control plane %s/%s is a remote install, but an istiod runs for it in %s: the local istiod, not the primary's, serves its proxies",
		[name, cp.namespace, controlplane.rev_label(cp.revision), name],
	),
	"at": cp.istiod.source,
	"related": [controlplane.anchor(cp)],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "remote"
	controlplane.runs_istiod(cp)
	not cp.local_injector_istiod.value == true
}

# A full install that carries remote settings: it points at another
# cluster's istiod (remotePilotAddress) yet installs its own.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's control plane %s/%s sets global.remotePilotAddress %q like a remote, but is not a remote-profile install and runs its own istiod",
		[name, cp.namespace, controlplane.rev_label(cp.revision), cp.remote_pilot_address.value],
	),
	"at": cp.istiod.source,
	"related": [cp.remote_pilot_address.source],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "primary"
	controlplane.runs_istiod(cp)
	cp.remote_pilot_address
}

# A cluster whose system namespace is annotated to be led by another
# cluster's istiod, but which installs only full control planes there.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's namespace %s is annotated topology.istio.io/controlPlaneClusters=%s (a remote led by %s), but %s runs its own istiod %s there",
		[name, cp.namespace, concat(",", ns.control_plane_clusters.value), other, name, controlplane.istiod_name(cp.revision)],
	),
	"at": cp.istiod.source,
	"related": [ns.control_plane_clusters.source],
}) if {
	some name, c in input.clusters
	c.role == "primary"
	some cp in c.control_planes
	cp.role == "primary"
	controlplane.runs_istiod(cp)
	not cp.remote_pilot_address # reported above
	ns := c.namespaces[cp.namespace]
	ids := ns.control_plane_clusters.value
	not "*" in ids
	not names_itself(c, ids)
	some other in ids
	other_cluster(name, other)
}

names_itself(c, ids) if c.id.value in ids

# other_cluster(name, id) holds when id names a cluster of the fleet other than name.
other_cluster(name, id) if {
	some o, oc in input.clusters
	o != name
	oc.id.value == id
}

other_cluster(name, id) if {
	id != name
	input.clusters[id]
}
