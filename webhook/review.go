package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

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
		if before, err = d.engine.Review(ctx, b.review, d.inputs(b, st.with("", extraBefore...)), d.opt.Review); err != nil {
			return nil, nil, fmt.Errorf("evaluate the cluster before the request: %w", err)
		}
	}
	after, err = d.engine.Review(ctx, b.review, d.inputs(b, st.with(key, append(extraAfter, newObj)...)), d.opt.Review)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate the cluster after the request: %w", err)
	}
	return before, after, nil
}

// ErrOverloaded is returned when no CPU was free within MaxWait.
var ErrOverloaded = errors.New("meshcheck: overloaded, request not evaluated")

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

// samePeers says whether a and b are inputs of the same peers.
func samePeers(a, b []model.ClusterInput) bool {
	return slices.EqualFunc(a, b, func(x, y model.ClusterInput) bool { return x.Name == y.Name })
}

func (b *beforeReview) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
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
	b.review, b.err = d.engine.Review(context.Background(), base, d.inputs(b, st.proj), d.opt.Review)
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
		_, _ = d.beforeReview(context.Background(), st) // an error is retried by the next request
	}
}
