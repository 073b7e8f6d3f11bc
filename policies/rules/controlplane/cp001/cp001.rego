# METADATA
# title: A remote control plane points at the istiod that serves it
# description: |
#   A remote-profile install (profile remote, istiodRemote.enabled) renders
#   no istiod. Its proxies reach the primary's istiod through the istiod
#   Service that global.remotePilotAddress renders, and its injection webhook
#   calls that Service or istiodRemote.injectionURL. With neither set,
#   nothing in the remote cluster points at a control plane: the webhook and
#   the proxies call an istiod Service that has no endpoints.
# custom:
#   code: CP001
#   severity: error
#   dimensions: [controlplane]
#   scope: object
#   remediation: |
#     Set values.global.remotePilotAddress to the address of the primary's
#     east-west gateway (primary-remote), or istiodRemote.injectionURL to the
#     external istiod's webhook URL (external control plane), and reinstall:
#     istioctl install --set profile=remote --set values.global.remotePilotAddress=<DISCOVERY_ADDRESS> ...
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
