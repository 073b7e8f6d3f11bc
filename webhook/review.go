package webhook

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// reviews evaluates the projection of st before and after the request.
// A namespace outside the projection is evaluated with it, before and
// after; the namespace of a namespaced object is added to both sides, as
// the object may make it relevant (a Gateway in a new namespace).
func (d *Decider) reviews(ctx context.Context, st *State, b *beforeReview, req Request, key string, obj *unstructured.Unstructured) (before, after *checks.Review, err error) {
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
		if before, err = d.engine.ReviewChange(ctx, b.review, d.inputs(b, st.with("", extraBefore...)), d.opt.Review); err != nil {
			return nil, nil, fmt.Errorf("evaluate the cluster before the request: %w", err)
		}
	}
	after, err = d.engine.ReviewChange(ctx, b.review, d.inputs(b, st.with(key, append(extraAfter, newObj)...)), d.opt.Review)
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
func (d *Decider) beforeReview(ctx context.Context, st *State) (*beforeReview, error) {
	d.mu.Lock()
	b := d.before[st.Generation]
	if b == nil {
		b = &beforeReview{done: make(chan struct{})}
		if len(d.before) >= 4 {
			clear(d.before) // older generations are not asked for again
		}
		d.before[st.Generation] = b
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

func (d *Decider) computeBefore(b *beforeReview, st *State) {
	defer close(b.done)
	b.reads, b.peers = st.Reads(d.opt.Cluster), st.Peers
	b.review, b.err = d.engine.ReviewChange(context.Background(), nil, d.inputs(b, st.proj), d.opt.Review)
	if b.err != nil {
		d.mu.Lock()
		if d.before[st.Generation] == b {
			delete(d.before, st.Generation) // retry on the next request
		}
		d.mu.Unlock()
	}
}

// Prepare computes the "before" review of st, so that no request pays for
// it: the store calls it for each new state before publishing it.
func (d *Decider) Prepare(st *State) {
	if st != nil {
		_, _ = d.beforeReview(context.Background(), st) // an error is retried by the next request
	}
}
