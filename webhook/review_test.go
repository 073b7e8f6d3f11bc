package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
)

// recordingReviewer records the base and the result of each review.
type recordingReviewer struct {
	Reviewer
	mu      sync.Mutex
	bases   []*checks.Baseline
	results []*checks.Baseline
}

func (r *recordingReviewer) NamespaceReads() checks.NamespaceReads {
	return r.Reviewer.(namespaceReader).NamespaceReads()
}

func (r *recordingReviewer) Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error) {
	rev, err := r.Reviewer.Review(ctx, base, in, opt)
	r.mu.Lock()
	r.bases, r.results = append(r.bases, base), append(r.results, rev)
	r.mu.Unlock()
	return rev, err
}

// The "before" review of a new generation is a change from the last one,
// so that it evaluates only the rules whose view the change shows (in a
// large fleet, a full review takes minutes).
func TestBeforeReviewStartsFromTheLastOne(t *testing.T) {
	eng := &recordingReviewer{Reviewer: checkstest.Reviewer(t)}
	d, err := NewDecider(eng, DeciderOptions{Cluster: "east"})
	if err != nil {
		t.Fatal(err)
	}
	objs := fixture(t)
	d.Prepare(d.NewState(1, objs))
	ns := find(t, objs, "Namespace", "istio-system")
	changed := append(objs[:0:0], objs...)
	for i, o := range changed {
		if o.GetKind() == "Namespace" && o.GetName() == "istio-system" {
			changed[i] = withLabel(ns, "team", "mesh")
		}
	}
	d.Prepare(d.NewState(2, changed))
	if len(eng.bases) != 2 {
		t.Fatalf("%d reviews, want 2", len(eng.bases))
	}
	if eng.bases[0] != nil {
		t.Error("the first review has a base")
	}
	if eng.bases[1] != eng.results[0] {
		t.Error("the second generation's review does not start from the first one's")
	}
	if n := eng.results[1].Evaluated(); n != 0 {
		t.Errorf("a label no rule reads re-evaluated %d rules in the new generation's review, want 0", n)
	}
}

// blockingReviewer blocks the reviews of a fleet holding the given reads
// of a peer until released.
type blockingReviewer struct {
	Reviewer
	mu      sync.Mutex
	reads   *model.Reads
	release chan struct{}
}

func (b *blockingReviewer) NamespaceReads() checks.NamespaceReads {
	return b.Reviewer.(namespaceReader).NamespaceReads()
}

func (b *blockingReviewer) Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error) {
	b.mu.Lock()
	reads := b.reads
	b.mu.Unlock()
	for _, ci := range in {
		if reads != nil && ci.Reads == reads {
			<-b.release
		}
	}
	return b.Reviewer.Review(ctx, base, in, opt)
}

// A change of a peer's objects does not make requests wait for the review
// of the new fleet state: they are decided on the last review while it is
// computed, and on the new one once it is done.
func TestPeerChangeDoesNotBlockRequests(t *testing.T) {
	eng := &blockingReviewer{Reviewer: checkstest.Reviewer(t), release: make(chan struct{})}
	local := fixture(t)
	h := newHandler(t, eng, local, DeciderOptions{Timeout: 2 * time.Second})
	north := syncedPeer("north", withClusterName(t, fixture(t), "north"))
	h.States = &Fleet{Local: h.States, Peers: []*Peer{syncedPeer("west", withClusterName(t, fixture(t), "west")), north}}

	iop := find(t, local, "IstioOperator", "control-plane")
	rename := review(admissionv1.Update, withClusterName(t, []*unstructured.Unstructured{iop}, "zeta")[0], iop)
	if resp := h.Handle(context.Background(), rename); !resp.Allowed {
		t.Fatalf("renaming the cluster to zeta, no peer named so: %v", resp.Result)
	}

	// The peer north is renamed zeta: a change of its objects, whose review
	// the engine holds back.
	for _, o := range withClusterName(t, fixture(t), "zeta") {
		north.store.put(0, o)
	}
	eng.mu.Lock()
	eng.reads = north.state().Reads("north")
	eng.mu.Unlock()
	if resp := h.Handle(context.Background(), rename); !resp.Allowed {
		t.Fatalf("while the peer's change is reviewed, the request is not decided on the last review: %v", resp.Result)
	}

	close(eng.release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := h.Handle(context.Background(), rename)
		if !resp.Allowed && strings.Contains(resp.Result.Message, "CL002") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the peer's change was not reviewed within 10 s: the request is still %v", resp.Result)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The in-cluster report's review starts from its last one too (each
// peer's change makes a new state to report), and finds what a review of
// the state alone finds.
func TestClusterReviewStartsFromTheLastOne(t *testing.T) {
	eng := &recordingReviewer{Reviewer: checkstest.Reviewer(t)}
	d, err := NewDecider(eng, DeciderOptions{Cluster: "east"})
	if err != nil {
		t.Fatal(err)
	}
	objs := fixture(t)
	c := &ClusterReview{Decider: d, States: fixedState{d.NewState(1, objs)}}
	if _, err := c.Review(t.Context()); err != nil {
		t.Fatal(err)
	}
	changed := append(objs[:0:0], objs...)
	for i, o := range changed {
		if o.GetKind() == "Namespace" && o.GetName() == "istio-system" {
			changed[i] = withLabel(o, netLabel, "network2")
		}
	}
	c.States = fixedState{d.NewState(2, changed)}
	got, err := c.Review(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(eng.bases) != 2 || eng.bases[1] != eng.results[0] {
		t.Fatal("the second report review does not start from the first one")
	}
	alone, err := (&ClusterReview{Decider: d, States: c.States}).Review(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got.Review.Findings) != fmt.Sprint(alone.Review.Findings) || len(alone.Review.Findings) == 0 {
		t.Errorf("findings from the last review:\n%v\nwant those of the state alone:\n%v", got.Review.Findings, alone.Review.Findings)
	}
}

// ctxReviewer records the context error each review started with.
type ctxReviewer struct {
	Reviewer
	mu   sync.Mutex
	errs []error
}

func (c *ctxReviewer) NamespaceReads() checks.NamespaceReads {
	return c.Reviewer.(namespaceReader).NamespaceReads()
}

func (c *ctxReviewer) Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error) {
	c.mu.Lock()
	c.errs = append(c.errs, ctx.Err())
	c.mu.Unlock()
	return c.Reviewer.Review(ctx, base, in, opt)
}

// A review no request owns runs under the decider's lifetime: a request
// that gives up does not cancel it for the others waiting, and the
// webhook's shutdown does.
func TestBackgroundReviewsFollowTheDecidersLifetime(t *testing.T) {
	objs := fixture(t)

	eng := &ctxReviewer{Reviewer: checkstest.Reviewer(t)}
	d, err := NewDecider(eng, DeciderOptions{Cluster: "east"})
	if err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	st := d.NewState(1, objs)
	if _, err := d.beforeReview(gone, st); err == nil {
		t.Fatal("a request that gave up got a review")
	}
	if b, err := d.beforeReview(t.Context(), st); err != nil || b.review == nil {
		t.Fatalf("the next request: %v; want the review the first one started", err)
	}
	if len(eng.errs) != 1 || eng.errs[0] != nil {
		t.Errorf("reviews started with context errors %v, want one review, not cancelled", eng.errs)
	}

	eng = &ctxReviewer{Reviewer: checkstest.Reviewer(t)}
	shutDown, stop := context.WithCancel(t.Context())
	stop()
	d, err = NewDecider(eng, DeciderOptions{Cluster: "east", Lifetime: shutDown})
	if err != nil {
		t.Fatal(err)
	}
	d.Prepare(d.NewState(1, objs)) // returns at once: its review runs on
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		eng.mu.Lock()
		n := len(eng.errs)
		eng.mu.Unlock()
		if n > 0 {
			break
		}
	}
	eng.mu.Lock()
	defer eng.mu.Unlock()
	if len(eng.errs) != 1 || !errors.Is(eng.errs[0], context.Canceled) {
		t.Errorf("after shutdown, reviews started with context errors %v, want one, cancelled", eng.errs)
	}
}
