# METADATA
# title: remotePilotAddress is an IP address
# description: |
#   The remote profile turns global.remotePilotAddress into the remote's
#   istiod Service: an IP address gets an EndpointSlice with that IP, a host
#   name gets a Service of type ExternalName. The primary-remote guide warns
#   that an ExternalName to a load balancer host name (an AWS ELB, for
#   instance) does not work for the remote's istiod traffic: use an IP, or an
#   injectionURL with a host name that has proper DNS and certificates.
# custom:
#   code: CP007
#   severity: warning
#   dimensions: [controlplane]
#   scope: object
#   referee:
#     note: |
#       Not observable by the referee: an ExternalName Service for istiod is
#       resolved by DNS on the remote's data plane, which the referee does not
#       run.
#   istio:
#     component: >-
#       istiod chart (remote profile) and the remote's DNS
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/remote-istiod-service.yaml
#       (a remotePilotAddress that is not an IPv4 or IPv6 address becomes
#       type: ExternalName) and remote-istiod-endpointslices.yaml (an IP
#       becomes an EndpointSlice); primary-remote doc warning on load-balancer
#       host names
#       (content/en/docs/setup/install/multicluster/primary-remote/index.md)
#     versions: >-
#       every release with the remote profile; no lower bound claimed; checked
#       against the pinned istio.io/istio (VERSION 1.31, commit eed52ebb66ad
#       of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     Resolve the east-west gateway's load balancer to a stable IP address and
#     set values.global.remotePilotAddress to it, or give the gateway a static
#     IP (for example a Network Load Balancer with Elastic IPs).
package meshcheck.rules.controlplane.cp007

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's global.remotePilotAddress %q is a host name, which the remote profile renders as an ExternalName Service for %s; load balancer host names are not supported there, use an IP address",
		[name, cp.remote_pilot_address.value, controlplane.istiod_name(cp.revision)],
	),
	"at": cp.remote_pilot_address.source,
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	addr := cp.remote_pilot_address.value
	addr != ""
	not controlplane.is_ip(addr)
}
