package webhook

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
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
}

// budget is how long a request may take to be answered, given the API
// server's timeout (0 when the request did not say it).
func (o DeciderOptions) budget(apiTimeout time.Duration) time.Duration {
	if apiTimeout <= 0 {
		return o.Timeout
	}
	return apiTimeout - max(250*time.Millisecond, apiTimeout/6)
}

// Decider turns an admission request and the cluster's state into a
// decision. It caches the "before" review per state generation, and
// reviews the cluster after the request as a change from it, so a request
// costs the evaluation of the rules it can affect.
type Decider struct {
	engine Reviewer
	opt    DeciderOptions
	sels   []selection
	// slots bounds concurrent evaluations to the CPUs: waiting requests are
	// then served first come, first served, instead of all slowing down
	// together, which keeps the latency tail close to the median.
	slots chan struct{}

	// ns is what the rules tell namespaces apart by (the projection).
	ns checks.NamespaceReads

	mu     sync.Mutex
	before map[uint64]*beforeReview // at most a few generations
	// latest is the newest review computed: the base of the next one, and
	// the review of requests while one for a change of peers is computed.
	latest *beforeReview
	seq    uint64
	// pending is the newest state whose review waits for refresh, which
	// runs while refreshing.
	pending    *State
	refreshing bool
}

// namespaceReader is the engine's view of namespaces (*checks.Reviewer).
type namespaceReader interface {
	NamespaceReads() checks.NamespaceReads
}

// beforeReview is the review of one generation of the state, with the
// cluster's and its peers' objects as read for it (State.Reads), so that a
// request's review reads only what the request changes.
type beforeReview struct {
	gen uint64
	// seq orders the reviews by when they were started.
	seq uint64
	// local is this cluster's state reviewed (its reads, which the fleet
	// states made of it share).
	local  *stateReads
	done   chan struct{} // closed once the fields below are set
	reads  *model.Reads
	peers  []model.ClusterInput
	review *checks.Baseline
	err    error

	indexOnce sync.Once
	indexed   *findingIndex
}

// index is the review's findings by place, made on first use.
func (b *beforeReview) index() *findingIndex {
	b.indexOnce.Do(func() { b.indexed = indexFindings(b.review.Findings) })
	return b.indexed
}

// NewDecider validates the options and returns a Decider.
func NewDecider(engine Reviewer, opt DeciderOptions) (*Decider, error) {
	if opt.Kinds == nil {
		opt.Kinds = inventory.Kinds()
	}
	if opt.Cluster == "" {
		opt.Cluster = "cluster"
	}
	if opt.Timeout == 0 {
		opt.Timeout = 2500 * time.Millisecond
	}
	sels, err := selections(opt.Kinds)
	if err != nil {
		return nil, err
	}
	// Without the engine's word, every namespace stands for itself.
	ns := checks.NamespaceReads{All: true}
	if r, ok := engine.(namespaceReader); ok {
		ns = r.NamespaceReads()
	}
	return &Decider{
		engine: engine, opt: opt, sels: sels, ns: ns, before: map[uint64]*beforeReview{},
		slots: make(chan struct{}, runtime.GOMAXPROCS(0)),
	}, nil
}

// NewState builds the state of objs at generation gen, projected for the
// decider's rules.
func (d *Decider) NewState(gen uint64, objs []*unstructured.Unstructured) *State {
	return NewProjectedState(gen, objs, d.ns)
}

// NamespaceReads is what the decider's rules tell namespaces apart by.
func (d *Decider) NamespaceReads() checks.NamespaceReads { return d.ns }

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

// Decide evaluates req against st. An error means the engine failed; the
// caller answers with an error and the failure policy decides.
func (d *Decider) Decide(ctx context.Context, st *State, req Request) (Decision, error) {
	allow := func(o Outcome) (Decision, error) { return Decision{Allowed: true, Outcome: o}, nil }
	if req.Operation == admissionv1.Connect {
		return allow(Ignored)
	}
	if d.excluded(req) {
		return allow(Excluded)
	}
	ns := req.Namespace
	if isNamespace(req.Kind.Group, req.Kind.Kind) {
		ns = "" // the API server sends a Namespace's name as its namespace
	}
	key := objectKey(req.Kind.Group, req.Kind.Kind, ns, req.Name)
	obj := req.Object
	if req.Operation == admissionv1.Delete {
		obj = nil
	}
	if obj != nil {
		obj = reduced(obj)
	}
	newWatched := watched(d.sels, obj)
	if !newWatched && !watched(d.sels, req.OldObject) && st.lookup(key) == nil {
		return allow(NotWatched)
	}
	if !newWatched {
		obj = nil
	}
	if obj != nil && req.Operation == admissionv1.Update && unchanged(st, key, obj) {
		return allow(Ignored)
	}
	if isNamespace(req.Kind.Group, req.Kind.Kind) && !st.inProj[key] && req.Operation == admissionv1.Update &&
		req.OldObject != nil && st.signature(req.OldObject) == st.signature(obj) {
		return allow(Ignored) // nothing the rules tell such namespaces apart by changes
	}
	b, err := d.beforeReview(ctx, st)
	if err != nil {
		return Decision{}, fmt.Errorf("evaluate the cluster before the request: %w", err)
	}
	var wait <-chan time.Time
	if d.opt.MaxWait > 0 {
		t := time.NewTimer(d.opt.MaxWait)
		defer t.Stop()
		wait = t.C
	}
	select {
	case d.slots <- struct{}{}:
	case <-wait:
		return Decision{}, ErrOverloaded
	case <-ctx.Done():
		return Decision{}, fmt.Errorf("waiting to evaluate: %w", context.Cause(ctx))
	}
	// The evaluation gives up when ctx ends, but the answer must not wait
	// for it to notice: it is given at once, and the evaluation frees its
	// CPU when it returns.
	type result struct {
		before, after *checks.Baseline
		err           error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-d.slots }()
		before, after, err := d.reviews(ctx, st, b, req, key, obj)
		done <- result{before, after, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return Decision{}, fmt.Errorf("evaluating: %w", context.Cause(ctx))
	}
	if r.err != nil {
		return Decision{}, r.err
	}
	before, after := r.before, r.after
	dec := Decision{Allowed: true, Outcome: Evaluated, Rules: after.Evaluated()}
	idx := b.index()
	if before != b.review {
		idx = indexFindings(before.Findings)
	}
	for _, f := range idx.introduced(after.Findings) {
		switch enforcementOf(f, d.opt.Enforcement) {
		case Deny:
			dec.Denied = append(dec.Denied, f)
		case Warn:
			dec.Warned = append(dec.Warned, f)
		default:
			dec.Recorded = append(dec.Recorded, f)
		}
	}
	if len(dec.Denied) > 0 {
		dec.Allowed = false
		dec.Message = denyMessage(dec.Denied)
	}
	for _, f := range dec.Warned {
		dec.Warnings = append(dec.Warnings, warning(f))
	}
	return dec, nil
}

// excluded says whether req is about an excluded namespace or an object in one.
func (d *Decider) excluded(req Request) bool {
	ns := req.Namespace
	if req.Kind.Group == "" && req.Kind.Kind == "Namespace" {
		ns = req.Name
	}
	return ns != "" && slices.Contains(d.opt.Exclude, ns)
}

// unchanged says whether an UPDATE leaves what the model reads as it is
// (status updates, resourceVersion bumps): such requests skip evaluation.
func unchanged(st *State, key string, obj *unstructured.Unstructured) bool {
	cur := st.lookup(key)
	if cur == nil {
		return false
	}
	return equalIgnoringMeta(cur.Data, obj.Object)
}
