package webhook

import (
	"context"
	"errors"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/model"
)

// Reviewer evaluates a fleet, and a change from an earlier review:
// *checks.Reviewer in production, a fake in the engine-error tests.
type Reviewer interface {
	Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error)
}

// DeciderOptions configure a Decider.
type DeciderOptions struct {
	// Cluster is meshcheck's name for this cluster in findings.
	Cluster string
	// Review carries meshes, rule settings and configured exemptions.
	Review checks.ReviewOptions
	// Enforcement overrides the per-rule default (errors deny, warnings warn).
	Enforcement map[string]Enforcement
	// Exclude lists namespaces whose objects are never evaluated (the
	// webhook's own and kube-system).
	Exclude []string
	// Kinds are what the cache watches; nil means inventory.Kinds().
	Kinds []inventory.Kind
	// Timeout bounds the whole answer time (waiting for the cache's state,
	// for the "before" review, for a CPU, and the evaluation) when the
	// request does not say the API server's timeout (the timeout query
	// parameter it sends); default 2.5s, below the deployed 3s. With one,
	// the bound is that timeout less a margin (a sixth, at least 250 ms).
	// A request not decided by then is answered with an error at once
	// (overloaded; the failure policy decides), before the API server
	// gives up on it.
	Timeout time.Duration
	// MaxWait, when set, bounds the wait for a free CPU alone (tests).
	MaxWait time.Duration
	// Lifetime bounds the reviews computed in the background, which no
	// request owns (ahead of requests, and after a peer's change): they stop
	// when it ends, at the webhook's shutdown. Nil: they run to the end.
	Lifetime context.Context
}

// budget is how long a request may take to be answered, given the API
// server's timeout (0 when the request did not say it).
func (o DeciderOptions) budget(apiTimeout time.Duration) time.Duration {
	if apiTimeout <= 0 {
		return o.Timeout
	}
	return apiTimeout - max(250*time.Millisecond, apiTimeout/6)
}

// Outcome says why a request was allowed without evaluation, or that it was evaluated.
type Outcome string

// Outcomes, used as a metric label.
const (
	Evaluated  Outcome = "evaluated"
	Excluded   Outcome = "excluded"    // in an excluded namespace
	NotWatched Outcome = "not-watched" // the model does not read the object
	Ignored    Outcome = "ignored"     // CONNECT, or nothing the model reads changed
)

// Decision is the answer to one request.
type Decision struct {
	Allowed bool
	Outcome Outcome
	// Message explains a denial: each rule code, what conflicts and the fix.
	Message  string
	Warnings []string
	// Denied, Warned and Recorded are the introduced findings by enforcement.
	Denied, Warned, Recorded []checks.Finding
	// Rules is how many rules were re-evaluated for the cluster after the
	// request (a namespace outside the projection re-evaluates as many
	// again for the cluster before it).
	Rules int
}

// ErrOverloaded is returned when no CPU was free within MaxWait.
var ErrOverloaded = errors.New("meshcheck: overloaded, request not evaluated")

// unchanged says whether an UPDATE leaves what the model reads as it is
// (status updates, resourceVersion bumps): such requests skip evaluation.
func unchanged(st *State, key string, obj *unstructured.Unstructured) bool {
	cur := st.lookup(key)
	if cur == nil {
		return false
	}
	return equalIgnoringMeta(cur.Data, obj.Object)
}
