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
	"github.com/meshcheck/meshcheck/source"
)

// Decider turns an admission request and the cluster's state into a
// decision. It caches the "before" review per state generation, and
// reviews the cluster after the request as a change from it, so a request
// costs the evaluation of the rules it can affect.
type Decider struct {
	reviewer Reviewer
	opt      DeciderOptions
	sels     []selection
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

// namespaceReader is the reviewer's view of namespaces (*checks.Reviewer).
type namespaceReader interface {
	NamespaceReads() checks.NamespaceReads
}

// NewDecider validates the options and returns a Decider.
func NewDecider(reviewer Reviewer, opt DeciderOptions) (*Decider, error) {
	if opt.Kinds == nil {
		opt.Kinds = inventory.Kinds()
	}
	if opt.Cluster == "" {
		opt.Cluster = "cluster"
	}
	if opt.Timeout == 0 {
		opt.Timeout = 2500 * time.Millisecond
	}
	if opt.Lifetime == nil {
		opt.Lifetime = context.Background()
	}
	sels, err := selections(opt.Kinds)
	if err != nil {
		return nil, err
	}
	// Without the reviewer's word, every namespace stands for itself.
	ns := checks.NamespaceReads{All: true}
	if r, ok := reviewer.(namespaceReader); ok {
		ns = r.NamespaceReads()
	}
	return &Decider{
		reviewer: reviewer, opt: opt, sels: sels, ns: ns, before: map[uint64]*beforeReview{},
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

// reviews evaluates the projection of st before and after the request.
// A namespace outside the projection is evaluated with it, before and
// after; the namespace of a namespaced object is added to both sides, as
// the object may make it relevant (a Gateway in a new namespace).
func (d *Decider) reviews(ctx context.Context, st *State, b *beforeReview, req Request, key string, obj *unstructured.Unstructured) (before, after *checks.Baseline, err error) {
	var newObj *source.Object
	if obj != nil {
		newObj = &source.Object{Data: obj.Object}
	}
	var extraBefore, extraAfter []*source.Object
	switch {
	case isNamespace(req.Kind.Group, req.Kind.Kind) && !st.inProj[key]:
		if cur := st.lookup(key); cur != nil {
			extraBefore = []*source.Object{cur}
		}
		extraAfter = []*source.Object{newObj}
		newObj = nil
	case req.Namespace != "" && !isNamespace(req.Kind.Group, req.Kind.Kind):
		nsKey := objectKey("", "Namespace", "", req.Namespace)
		if ns := st.lookup(nsKey); ns != nil && !st.inProj[nsKey] {
			extraBefore = []*source.Object{ns}
			extraAfter = extraBefore
		}
	}
	before = b.review
	if extraBefore != nil {
		if before, err = d.reviewer.Review(ctx, b.review, d.inputs(b, st.with("", extraBefore...)), d.opt.Review); err != nil {
			return nil, nil, fmt.Errorf("evaluate the cluster before the request: %w", err)
		}
	}
	after, err = d.reviewer.Review(ctx, b.review, d.inputs(b, st.with(key, append(extraAfter, newObj)...)), d.opt.Review)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate the cluster after the request: %w", err)
	}
	return before, after, nil
}

// inputs are this cluster with objs, and the peers, with what b read.
func (d *Decider) inputs(b *beforeReview, objs []*source.Object) []model.ClusterInput {
	in := make([]model.ClusterInput, 0, 1+len(b.peers))
	// The cache lists every Secret the model reads, so absent ones are absent.
	in = append(in, model.ClusterInput{Name: d.opt.Cluster, Objects: objs, Complete: []string{"Secret"}, Reads: b.reads})
	return append(in, b.peers...)
}

// beforeReview returns the review of st, computed once per generation,
// by Prepare on the informer side or by the first request that needs it.
// Requests wait for it until ctx ends; the computation itself is shared
// and does not end with the request that started it.
//
// A change of peers' objects only (st holds this cluster's state of the
// last review, and the same peers in other states) does not make requests
// wait: they are decided on the last review, with the peers' objects as it
// read them, while the review of st is computed in the background. A
// peer's objects are seconds old anyway (its watch), and in a large fleet
// the review of a peer's change costs more than a request may wait. A
// change of this cluster is always waited for, since a request must see
// the objects created before it, and so is a peer that comes or goes.
func (d *Decider) beforeReview(ctx context.Context, st *State) (*beforeReview, error) {
	d.mu.Lock()
	b := d.before[st.Generation]
	if b == nil || !b.finished() {
		if l := d.latest; l != nil && l.local == st.reads && samePeers(l.peers, st.Peers) {
			if b == nil {
				d.queueLocked(st)
			}
			d.mu.Unlock()
			return l, nil
		}
	}
	if b == nil {
		b = d.startLocked(st)
		go d.computeBefore(b, st)
	}
	d.mu.Unlock()
	select {
	case <-b.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the review before the request: %w", context.Cause(ctx))
	}
	if b.err != nil {
		return nil, b.err
	}
	return b, nil
}

// startLocked registers the review of st, to be computed.
func (d *Decider) startLocked(st *State) *beforeReview {
	d.seq++
	b := &beforeReview{done: make(chan struct{}), gen: st.Generation, seq: d.seq, local: st.reads}
	if len(d.before) >= 4 {
		// Older generations are not asked for again; those being computed
		// are kept, so that they are not computed twice.
		for g, o := range d.before {
			if o.finished() && o != d.latest {
				delete(d.before, g)
			}
		}
	}
	d.before[st.Generation] = b
	return b
}

// queueLocked has the review of st computed in the background, after the
// one being computed: of the states queued meanwhile only the newest is,
// so that a burst of peer changes costs one or two reviews, not one each.
func (d *Decider) queueLocked(st *State) {
	d.pending = st
	if !d.refreshing {
		d.refreshing = true
		go d.refresh()
	}
}

func (d *Decider) refresh() {
	for {
		d.mu.Lock()
		st := d.pending
		d.pending = nil
		if st == nil {
			d.refreshing = false
			d.mu.Unlock()
			return
		}
		if d.before[st.Generation] != nil {
			d.mu.Unlock()
			continue
		}
		b := d.startLocked(st)
		d.mu.Unlock()
		d.computeBefore(b, st)
	}
}

// computeBefore reviews st as a change from the last review: only the
// rules whose view of the fleet the change shows are evaluated again.
func (d *Decider) computeBefore(b *beforeReview, st *State) {
	defer close(b.done)
	d.mu.Lock()
	var base *checks.Baseline
	if d.latest != nil {
		base = d.latest.review
	}
	d.mu.Unlock()
	b.reads, b.peers = st.Reads(d.opt.Cluster), st.Peers
	// Shared by every request that waits for it: no request's context, but
	// the decider's.
	b.review, b.err = d.reviewer.Review(d.opt.Lifetime, base, d.inputs(b, st.proj), d.opt.Review)
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case b.err != nil:
		if d.before[st.Generation] == b {
			delete(d.before, st.Generation) // retry on the next request
		}
	case d.latest == nil || b.seq > d.latest.seq:
		d.latest = b
	}
}

// Prepare computes the "before" review of st, so that no request pays for
// it: the store calls it for each new state before publishing it. For a
// change of peers only it returns at once, the review being computed in
// the background (see beforeReview).
func (d *Decider) Prepare(st *State) {
	if st != nil {
		_, _ = d.beforeReview(d.opt.Lifetime, st) // an error is retried by the next request
	}
}
