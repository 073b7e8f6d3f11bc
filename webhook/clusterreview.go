package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/clusterreport"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// ReportOptions configure the in-cluster report (ServerOptions.Report).
type ReportOptions = clusterreport.Options

// ClusterReview is the clusterreport.Source of the webhook: the states
// admission decides on, reviewed as a whole with the decider's engine,
// cluster name and configuration. It is the "before" review of admission
// without the projection: every namespace is evaluated, so that each gets
// its own findings (admission lets one namespace stand for those that
// look alike to the rules).
type ClusterReview struct {
	Decider *Decider
	States  StateSource
	// MaxWait bounds the wait for an evaluation slot (default 1 minute).
	MaxWait time.Duration

	// last is the last review, which the next one starts from: it
	// evaluates only the rules whose view changed (each peer's change
	// makes a new state, and with hundreds of peers a full review takes
	// minutes).
	mu   sync.Mutex
	last *checks.Baseline
}

var _ clusterreport.Source = (*ClusterReview)(nil)

// Generation is that of the current state; ok is false until synced.
func (c *ClusterReview) Generation() (uint64, bool) {
	st := c.States.State()
	if st == nil {
		return 0, false
	}
	return st.Generation, true
}

// Review evaluates the current state. It takes one of the evaluation
// slots admission requests take, so that a review never has more CPU than
// one request among the others.
func (c *ClusterReview) Review(ctx context.Context) (clusterreport.Snapshot, error) {
	d := c.Decider
	st := c.States.State()
	if st == nil {
		return clusterreport.Snapshot{}, errors.New("caches not synced")
	}
	wait := c.MaxWait
	if wait <= 0 {
		wait = time.Minute
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case d.slots <- struct{}{}:
	case <-t.C:
		return clusterreport.Snapshot{}, ErrOverloaded
	case <-ctx.Done():
		return clusterreport.Snapshot{}, ctx.Err()
	}
	defer func() { <-d.slots }()
	keys := make([]string, 0, len(st.index))
	for k := range st.index {
		keys = append(keys, k)
	}
	slices.Sort(keys) // stable order, as the store's
	objs := make([]*source.Object, len(keys))
	for i, k := range keys {
		objs[i] = st.index[k]
	}
	// The cache lists every Secret the model reads, so absent ones are absent.
	in := append([]model.ClusterInput{{Name: d.opt.Cluster, Objects: objs, Complete: []string{"Secret"}}}, st.Peers...)
	c.mu.Lock()
	base := c.last
	c.mu.Unlock()
	rev, err := d.reviewer.Review(ctx, base, in, d.opt.Review)
	if err != nil {
		return clusterreport.Snapshot{}, fmt.Errorf("evaluate the cluster: %w", err)
	}
	c.mu.Lock()
	c.last = rev
	c.mu.Unlock()
	snap := clusterreport.Snapshot{
		Generation: st.Generation, Cluster: d.opt.Cluster, Review: &rev.Review, Settings: d.opt.Review.Settings,
	}
	for _, p := range st.Peers {
		snap.Peers = append(snap.Peers, p.Name)
	}
	if rl, ok := d.reviewer.(interface{ Rules() []checks.Rule }); ok {
		snap.Rules = rl.Rules()
	}
	return snap, nil
}

// addReporter adds the in-cluster report to mgr: every replica runs it,
// and the one that holds the Lease writes.
func addReporter(mgr manager.Manager, cfg *rest.Config, scheme *runtime.Scheme, d *Decider, states StateSource, m *Metrics, opt ReportOptions, log logr.Logger) error {
	c, err := client.New(cfg, client.Options{Scheme: scheme, Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return fmt.Errorf("report client: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("report lease client: %w", err)
	}
	r := clusterreport.New(&ClusterReview{Decider: d, States: states}, c, cs.CoordinationV1(), m.Current, log, opt)
	if err := mgr.Add(r); err != nil {
		return fmt.Errorf("add report: %w", err)
	}
	return nil
}
