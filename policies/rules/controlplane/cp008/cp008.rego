# METADATA
# title: istiodRemote injection settings only on remote installs
# description: |
#   istiodRemote.injectionURL and istiodRemote.injectionPath configure the
#   injection webhook of a remote-profile install, which calls another
#   cluster's istiod. On a full install they are meaningless or wrong (the
#   chart notes injectionURL "is invalid to set if istiodRemote.enabled is
#   false"): they usually mean a remote was installed without the remote
#   profile, or remote values were copied into a primary.
# custom:
#   code: CP008
#   severity: warning
#   dimensions: [controlplane]
#   scope: object
#   referee:
#     note: |
#       Not observable by the referee: injection settings act in the sidecar
#       injector, which it does not run; its sample pods are written as the
#       injector labels them.
#   istio:
#     component: >-
#       istiod chart (injection webhook)
#     source: >-
#       manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
#       ("istiodRemote.injectionURL is invalid to set if istiodRemote.enabled
#       is false"; injectionURL or injectionPath replace the local istiod
#       Service in clientConfig)
#     versions: >-
#       every release with istiodRemote values; no lower bound claimed;
#       checked against the pinned istio.io/istio (VERSION 1.31, commit
#       eed52ebb66ad of 2026-08-27)
#     modes: >-
#       sidecar
#   remediation: |
#     Remove istiodRemote.injectionURL/injectionPath from the full install, or
#     install the cluster as a remote (profile: remote) if that was intended.
package meshcheck.rules.controlplane.cp008

import data.meshcheck.lib.controlplane
import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf(
		"%s's control plane %s/%s is a %s install (not the remote profile) but sets istiodRemote.%s %q, which only a remote install uses",
		[name, cp.namespace, controlplane.rev_label(cp.revision), cp.role, field, f.value],
	),
	"at": f.source,
}) if {
	some name, c in input.clusters
	some cp in c.control_planes
	cp.role in {"primary", "external"}
	some field, key in {"injectionURL": "injection_url", "injectionPath": "injection_path"}
	f := cp[key]
}
