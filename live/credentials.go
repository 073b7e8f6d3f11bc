package live

import "github.com/meshcheck/meshcheck/model"

// RecordCredentials tells each cluster's input what reading its peers
// showed of its remote secrets' credentials: for every peer reached
// through a remote-secret key, whether the peer's API server rejected the
// credential (401) or accepted it. A peer that could not be reached, or
// timed out, says nothing either way and is not recorded. It replaces what
// an earlier call recorded, so it may be called after each round of peers.
func RecordCredentials(results []Result) {
	checks := map[string][]model.CredentialCheck{}
	for _, r := range results {
		if r.Target.Via == "" || (!r.Rejected && !reached(r)) {
			continue
		}
		checks[r.Target.Via] = append(checks[r.Target.Via], model.CredentialCheck{Secret: r.Target.Secret, Rejected: r.Rejected})
	}
	for i := range results {
		results[i].Input.Credentials = checks[results[i].Target.Name]
	}
}

// reached reports whether the API server answered every list: a
// whole-cluster error means it was unreachable, timed out or refused us.
func reached(r Result) bool {
	for _, e := range r.Errors {
		if e.Kind == "" {
			return false
		}
	}
	return true
}
