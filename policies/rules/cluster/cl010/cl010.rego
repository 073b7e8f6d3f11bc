# METADATA
# title: Something Istio reads is recognised in every cluster
# description: |
#   A cluster in which meshcheck recognised nothing Istio reads (no control
#   plane, install, gateway, Istio networking object, injector webhook,
#   remote secret, CA secret or Istio label on a namespace) was not checked
#   at all: a clean result there says nothing. It usually means the files
#   are in a form meshcheck does not read (a Helm chart's templates, a
#   kustomize base, an operator's own resource), the cluster's directory
#   holds the wrong files, or a live cluster has no Istio. Info only: nothing
#   in Istio fails because of it.
# custom:
#   code: CL010
#   severity: info
#   dimensions: [cluster]
#   scope: cluster
#   referee:
#     note: |
#       Nothing for istiod to show: the rule reports what meshcheck recognised
#       in a cluster, not a setting istiod acts on.
#   istio:
#     component: >-
#       none: the rule reports what meshcheck recognised, not a setting an
#       Istio component acts on
#     source: >-
#       none in Istio; an info finding about meshcheck's own coverage
#     versions: >-
#       independent of the Istio version
#     modes: >-
#       sidecar and ambient
#   remediation: |
#     Point meshcheck at the cluster's Istio settings: the IstioOperator,
#     Helm values or Sail resources it was installed with, or rendered
#     manifests (istioctl manifest generate, helm template); see the files
#     listed as not evaluated. Remove the cluster from the fleet if it has no
#     Istio.
package meshcheck.rules.cluster.cl010

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"nothing Istio reads was recognised in cluster %s: no control plane, install, gateway, remote secret, CA secret or Istio label, so none of its settings were checked",
		[name],
	),
	"at": {"cluster": name},
}) if {
	some name, c in input.clusters
	not recognised(c)
}

# recognised(c) holds when the model read something Istio uses in c. Each
# field is named, not computed, so that the rule's view (checks/view.go)
# keeps only these fields.
recognised(c) if count(c.control_planes) > 0

recognised(c) if count(c.network_gateways) > 0

recognised(c) if count(c.workloads) > 0

recognised(c) if count(c.gateways) > 0

recognised(c) if count(c.virtual_services) > 0

recognised(c) if count(c.remote_secrets) > 0

recognised(c) if count(c.ca_secrets) > 0

recognised(c) if count(c.injector_webhooks) > 0

recognised(c) if count(c.ztunnels) > 0

recognised(c) if count(c.tls_routes) > 0

recognised(c) if {
	some ns in c.namespaces
	istio_namespace(ns)
}

istio_namespace(ns) if ns.network

istio_namespace(ns) if ns.revision

istio_namespace(ns) if ns.injection

istio_namespace(ns) if ns.control_plane_clusters
