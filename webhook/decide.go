package webhook

import (
	"context"
	"errors"
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
	"github.com/meshcheck/meshcheck/source"
)

// Reviewer evaluates a fleet: *checks.Engine in production, a fake in the
// engine-error tests.
type Reviewer interface {
	Review(ctx context.Context, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Review, error)
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
	// MaxWait bounds how long a request waits for a free CPU before it is
	// answered with an error (the failure policy decides), so an overload
	// sheds requests fast instead of queueing them past the API server's
	// timeout. Default 1s (the deployed webhook timeout is 3s).
	MaxWait time.Duration
}

// Decider turns an admission request and the cluster's state into a
// decision. It caches the "before" review per state generation, so a
// request costs one evaluation while the cache does not change.
type Decider struct {
	engine Reviewer
	opt    DeciderOptions
	sels   []selection
	// slots bounds concurrent evaluations to the CPUs: waiting requests are
	// then served first come, first served, instead of all slowing down
	// together, which keeps the latency tail close to the median.
	slots chan struct{}

	mu     sync.Mutex
	before map[uint64]*beforeReview // at most a few generations
}

type beforeReview struct {
	once   sync.Once
	review *checks.Review
	err    error
}

// NewDecider validates the options and returns a Decider.
func NewDecider(engine Reviewer, opt DeciderOptions) (*Decider, error) {
	if opt.Kinds == nil {
		opt.Kinds = inventory.Kinds()
	}
	if opt.Cluster == "" {
		opt.Cluster = "cluster"
	}
	if opt.MaxWait == 0 {
		opt.MaxWait = time.Second
	}
	sels, err := selections(opt.Kinds)
	if err != nil {
		return nil, err
	}
	return &Decider{
		engine: engine, opt: opt, sels: sels, before: map[uint64]*beforeReview{},
		slots: make(chan struct{}, runtime.GOMAXPROCS(0)),
	}, nil
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
	key := objectKey(req.Kind.Group, req.Kind.Kind, req.Namespace, req.Name)
	obj := req.Object
	if req.Operation == admissionv1.Delete {
		obj = nil
	}
	if obj != nil {
		obj = obj.DeepCopy()
		Reduce(obj)
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
	wait := time.NewTimer(d.opt.MaxWait)
	select {
	case d.slots <- struct{}{}:
		wait.Stop()
	case <-wait.C:
		return Decision{}, ErrOverloaded
	case <-ctx.Done():
		wait.Stop()
		return Decision{}, fmt.Errorf("waiting to evaluate: %w", ctx.Err())
	}
	before, after, err := d.reviews(ctx, st, req, key, obj)
	<-d.slots
	if errors.Is(err, errUnchanged) {
		return allow(Ignored)
	}
	if err != nil {
		return Decision{}, err
	}
	dec := Decision{Allowed: true, Outcome: Evaluated}
	for _, f := range introduced(before.Findings, after.Findings) {
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

// reviews evaluates the projection of st before and after the request.
// A namespace outside the projection is evaluated with it, before and
// after; the namespace of a namespaced object is added to both sides, as
// the object may make it relevant (a Gateway in a new namespace).
func (d *Decider) reviews(ctx context.Context, st *State, req Request, key string, obj *unstructured.Unstructured) (before, after *checks.Review, err error) {
	var newObj *source.Object
	if obj != nil {
		newObj = &source.Object{Data: obj.Object}
	}
	var extraBefore, extraAfter []*source.Object
	switch {
	case isNamespace(req.Kind.Group, req.Kind.Kind) && !st.inProj[key]:
		if req.OldObject != nil && signature(req.OldObject) == signatureOf(obj) && req.Operation == admissionv1.Update {
			// Nothing the rules tell namespaces apart by changes.
			return nil, nil, errUnchanged
		}
		extraBefore = []*source.Object{st.lookup(key)}
		extraAfter = []*source.Object{newObj}
		newObj = nil
	case req.Namespace != "":
		nsKey := objectKey("", "Namespace", "", req.Namespace)
		if ns := st.lookup(nsKey); ns != nil && !st.inProj[nsKey] {
			extraBefore = []*source.Object{ns}
			extraAfter = extraBefore
		}
	}
	if extraBefore == nil {
		before, err = d.beforeReview(ctx, st)
	} else {
		before, err = d.engine.Review(ctx, d.inputs(st, st.with("", extraBefore...)), d.opt.Review)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate the cluster before the request: %w", err)
	}
	after, err = d.engine.Review(ctx, d.inputs(st, st.with(key, append(extraAfter, newObj)...)), d.opt.Review)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate the cluster after the request: %w", err)
	}
	return before, after, nil
}

var errUnchanged = errors.New("unchanged")

// ErrOverloaded is returned when no CPU was free within MaxWait.
var ErrOverloaded = errors.New("meshcheck: overloaded, request not evaluated")

func signatureOf(u *unstructured.Unstructured) string {
	if u == nil {
		return "\x00deleted"
	}
	return signature(u)
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

// inputs are this cluster with objs, and the peers.
func (d *Decider) inputs(st *State, objs []*source.Object) []model.ClusterInput {
	in := make([]model.ClusterInput, 0, 1+len(st.Peers))
	// The cache lists every Secret the model reads, so absent ones are absent.
	in = append(in, model.ClusterInput{Name: d.opt.Cluster, Objects: objs, Complete: []string{"Secret"}})
	return append(in, st.Peers...)
}

// beforeReview evaluates st once per generation, whoever asks first.
func (d *Decider) beforeReview(ctx context.Context, st *State) (*checks.Review, error) {
	d.mu.Lock()
	b := d.before[st.Generation]
	if b == nil {
		b = &beforeReview{}
		if len(d.before) >= 4 {
			clear(d.before) // older generations are not asked for again
		}
		d.before[st.Generation] = b
	}
	d.mu.Unlock()
	b.once.Do(func() {
		// Not the request's context: the result is shared with other requests.
		b.review, b.err = d.engine.Review(context.WithoutCancel(ctx), d.inputs(st, st.proj), d.opt.Review)
	})
	if b.err != nil {
		d.mu.Lock()
		if d.before[st.Generation] == b {
			delete(d.before, st.Generation) // retry on the next request
		}
		d.mu.Unlock()
		return nil, b.err
	}
	return b.review, nil
}
