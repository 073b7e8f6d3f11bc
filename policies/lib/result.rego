# METADATA
# description: |
#   Builds violations from a rule's METADATA, so that a rule's code is written
#   once (in its METADATA) and rules never hand-build result objects.
package meshcheck.lib.result

# fail returns the violation for the rule whose METADATA chain is given.
# details holds:
#   message: what conflicts with what, with the values (required)
#   at:      the model source (provenance) of the fact at fault (required)
#   related: sources of the other facts involved (optional)
#   cluster: the cluster the finding belongs to (defaults to at.cluster)
#   fix:     the remediation computed from the finding's facts (the values
#            and names to set), which replaces the METADATA remediation
#            (optional; the METADATA one stays generic, for the docs)
#   severity: this finding's severity, when what Istio does depends on the
#            data-plane mode or version at hand (optional; the METADATA
#            severity otherwise, and the one its docs explain)
fail(chain, details) := object.union(details, {"code": code}) if {
	codes := [c | some entry in chain; c := entry.annotations.custom.code]
	code := codes[0]
}
