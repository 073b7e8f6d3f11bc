# METADATA
# title: A remote control plane points at the istiod that serves it
# description: |
#   A remote-profile install (profile remote, istiodRemote.enabled) renders
#   no istiod. Its proxies reach the primary's istiod through the istiod
#   Service that global.remotePilotAddress renders, and its injection webhook
#   calls that Service or istiodRemote.injectionURL. With neither set,
#   nothing in the remote cluster points at a control plane: the webhook and
#   the proxies call an istiod Service that has no endpoints. A remote that
#   only has an injectionURL gets no istiod Service at all, so the serving
#   istiod's meshConfig.defaultConfig.discoveryAddress must tell its proxies
#   where istiod is.
# custom:
#   code: CP001
#   severity: error
#   dimensions: [controlplane]
#   scope: object
#   referee:
#     note: |
#       Not observable by the referee: it connects to each istiod directly.
#       Which address a remote's proxies and injection webhook are given
#       (remotePilotAddress, injectionURL) is rendered into the remote's istiod
#       Service and webhook configuration and reached over the network, which
#       the referee does not model.
#   istio:
#     component: >-
#       istiod chart (remote profile) and the remote's proxies and injection
#       webhook
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/remote-istiod-service.yaml
#       and remote-istiod-endpointslices.yaml render the remote's istiod
#       Service only when global.remotePilotAddress is set;
#       templates/mutatingwebhook.yaml calls that Service unless
#       istiodRemote.injectionURL is set; templates/configmap.yaml sets
#       proxies' discoveryAddress to istiod.<namespace>.svc:15012;
#       troubleshooting doc
#       (content/en/docs/ops/diagnostic-tools/multicluster/index.md:
#       "reinstall making sure values.global.remotePilotAddress is set")
#     versions: >-
#       every release with the remote profile (istiodRemote.enabled); no lower
#       bound claimed; checked against the pinned istio.io/istio (VERSION
#       1.31, commit eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar (ambient supports only multi-primary, CP013)
#   remediation: |
#     Set values.global.remotePilotAddress to the address of the primary's
#     east-west gateway (primary-remote), or istiodRemote.injectionURL to the
#     external istiod's webhook URL (external control plane), and reinstall:
#     istioctl install --set profile=remote --set values.global.remotePilotAddress=<DISCOVERY_ADDRESS> ...
#     With an injectionURL, set meshConfig.defaultConfig.discoveryAddress
#     (<EXTERNAL_ISTIOD_ADDR>:15012) on the external istiod.
package meshcheck.rules.controlplane.cp001

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote control plane (namespace %s, revision %s) sets neither global.remotePilotAddress nor istiodRemote.injectionURL: nothing points its proxies and injection webhook at the istiod that serves it",
		[name, cp.namespace, controlplane.rev_label(cp.revision)],
	),
	"at": controlplane.anchor(cp),
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "remote"
	not cp.remote_pilot_address
	not cp.injection_url
}

# A remote that uses an injectionURL and no remotePilotAddress has no istiod
# Service: its proxies must be told where istiod is by the serving istiod's
# meshConfig.defaultConfig.discoveryAddress (or the config cluster's shared
# mesh config), else they dial istiod.<ns>.svc, which does not exist there.
violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's remote control plane uses istiodRemote.injectionURL without global.remotePilotAddress, but the istiod that serves it (in %s) sets no meshConfig.defaultConfig.discoveryAddress: injected proxies dial %s.%s.svc:15012, which does not exist in %s",
		[name, p, controlplane.istiod_name(cp.revision), cp.namespace, name],
	),
	"at": cp.injection_url.source,
	"related": [controlplane.anchor(s) | some s in serving],
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role == "remote"
	cp.injection_url
	not cp.remote_pilot_address
	not cp.discovery_address
	p := c.control_plane_cluster
	serving := controlplane.serving(p, cp.revision)
	count(serving) > 0
	every s in serving {
		controlplane.mesh_shown(s)
		not s.discovery_address
	}
	not shared_discovery_address(p)
}

# shared_discovery_address(p) holds when a config cluster served by p sets
# the discovery address in the mesh config it shares with p's external istiod.
shared_discovery_address(p) if {
	some r, rc in input.clusters
	rc.control_plane_cluster == p
	rc.config_cluster == true
	some rcp in rc.control_planes
	rcp.discovery_address
}
