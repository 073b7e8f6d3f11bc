# METADATA
# title: East-west gateway, expose-istiod routes and remotes use an installed revision
# description: |
#   With a revisioned control plane every piece that names a revision must
#   name an installed one: the east-west gateway must be installed with the
#   control plane's revision (gen-eastwest-gateway.sh --revision), or it is
#   bound to a revision no istiod serves; the VirtualService that exposes
#   istiod must route (and match SNI) to istiod-<rev>; and a remote's
#   revision must be one its primary runs, since the remote's webhook and
#   proxies call istiod-<rev> ("service istiod-<rev> not found").
# custom:
#   code: CP006
#   severity: error
#   dimensions: [controlplane]
#   scope: fleet
#   referee:
#     note: |
#       Not observable by the referee: it runs istiod with the fleet's revision,
#       but whether a gateway or an expose-istiod route selects that revision is
#       routing in the data plane, which it does not exercise.
#   istio:
#     component: >-
#       istiod chart and east-west gateway (revision selection)
#     source: >-
#       samples/multicluster/gen-eastwest-gateway.sh (--revision sets the
#       gateway's revision) and expose-istiod-rev.yaml.tmpl (routes and SNI to
#       istiod-<rev>);
#       manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
#       and remote-istiod-service.yaml name the Service istiod-<rev>,
#       templates/configmap.yaml points proxies at
#       istiod-<rev>.<ns>.svc:15012; istio/istio#43611 (service "istiod-1-7-0"
#       not found)
#     versions: >-
#       every release with revisioned control planes; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013; the revisioned
#       east-west gateway is the sidecar-style one)
#   remediation: |
#     Regenerate the east-west gateway with the control plane's revision
#     (samples/multicluster/gen-eastwest-gateway.sh --revision REV), expose
#     istiod with expose-istiod-rev.yaml.tmpl for REV, and install remotes with
#     the revision their primary runs (--set revision=REV).
package meshcheck.rules.controlplane.cp006

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

# gateway_revision(g) is the revision an east-west gateway is bound to: its
# revision label or install revision, and for an install (IstioOperator,
# gateway chart values) that sets none, the default revision.
gateway_revision(g) := {"value": controlplane.norm_rev(g.revision.value), "source": g.revision.source} if g.revision

gateway_revision(g) := {"value": "", "source": g.source} if {
	not g.revision
	g.source.object.kind in {"IstioOperator", "HelmValues"}
}

revisions(c) := {cp.revision | some cp in c.control_planes}

served_revision(c, rev) if rev in revisions(c)

served_revision(c, rev) if controlplane.rev_label(rev) in controlplane.tags(c)

served_revision(c, "") if controlplane.default_tag(c)

revision_list(c) := concat(", ", sort({controlplane.rev_label(r) | some r in revisions(c)}))

# (a) An east-west gateway bound to a revision no control plane has.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"east-west gateway %s/%s is installed for revision %s, but %s's control planes are revision %s: the gateway is not injected and configured by the control plane it belongs to",
		[g.namespace, g.name, controlplane.rev_label(rev.value), name, revision_list(c)],
	),
	"at": rev.source,
	"related": [controlplane.anchor(cp) | some cp in c.control_planes],
}) if {
	some name, c in input.clusters
	count(c.control_planes) > 0
	some g in c.network_gateways
	rev := gateway_revision(g)
	not served_revision(c, rev.value)
	unknown_gateway_revision(c, rev.value)
}

# An unrevisioned gateway with only revisioned control planes is the
# documented mistake; another name may be a tag created outside the inputs
# (istioctl tag set), so it counts only when tags are known or it is a
# version-style revision name.
unknown_gateway_revision(_, "")

unknown_gateway_revision(c, rev) if controlplane.unknown_revision(c, rev)

# (b) The expose-istiod VirtualService routes to an istiod revision that
# does not run in the cluster.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"VirtualService %s/%s routes port %d to %s, but %s runs istiod revision %s in namespace %s",
		[vs.namespace, vs.name, route_port(r), d.host, name, concat(", ", sort({controlplane.rev_label(cp.revision) | some cp in cps})), svc.namespace],
	),
	"at": vs.source,
	"related": [controlplane.anchor(cp) | some cp in cps],
}) if {
	some name, c in input.clusters
	some vs in c.virtual_services
	some r in vs.tls_routes
	some d in r.destinations
	svc := controlplane.service_of(d.host)
	rev := controlplane.istiod_revision(svc.name)
	cps := [cp | some cp in c.control_planes; cp.role != "remote"; cp.namespace == svc.namespace]
	count(cps) > 0
	every cp in cps {
		cp.revision != rev
	}
}

route_port(r) := object.get(r, "port", 0)

# (c) The route's SNI match names another istiod than its destination.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"VirtualService %s/%s matches SNI %s but routes to %s: connections for %s never match this route",
		[vs.namespace, vs.name, sni, d.host, controlplane.service_of(sni).name],
	),
	"at": vs.source,
}) if {
	some name, c in input.clusters
	some vs in c.virtual_services
	some r in vs.tls_routes
	some d in r.destinations
	startswith(d.host, "istiod")
	some sni in r.sni_hosts
	startswith(sni, "istiod")
	controlplane.service_of(sni).name != controlplane.service_of(d.host).name
}

# (d) A remote of a revision its serving cluster does not run.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote control plane is revision %s, so its webhook and proxies call %s, but %s, which serves it, runs revision %s",
		[name, controlplane.rev_label(rcp.revision), controlplane.istiod_name(rcp.revision), p, concat(", ", sort({controlplane.rev_label(cp.revision) | some cp in serving}))],
	),
	"at": controlplane.anchor(rcp),
	"related": [controlplane.anchor(cp) | some cp in serving],
}) if {
	some name, c in input.clusters
	p := c.control_plane_cluster
	some rcp in controlplane.remote_control_planes(c)
	serving := controlplane.serving_control_planes(p)
	count(serving) > 0
	every cp in serving {
		cp.revision != rcp.revision
	}
	not default_served(p, rcp.revision)
}

default_served(p, "") if controlplane.default_tag(input.clusters[p])
