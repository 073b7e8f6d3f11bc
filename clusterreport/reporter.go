package clusterreport

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/rand"
	coordinationv1client "k8s.io/client-go/kubernetes/typed/coordination/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/meshcheck/meshcheck/report"
)

// Source gives the reviews the reporter writes: the webhook's cache,
// reviewed with its engine and configuration.
type Source interface {
	// Generation identifies the state a review would see now; ok is false
	// while there is none (caches not synced).
	Generation() (gen uint64, ok bool)
	// Review reviews the current state as a whole.
	Review(ctx context.Context) (Snapshot, error)
}

// Names of what the reporter writes and reads.
const (
	// ReportName is the name of the ClusterPolicyReport and of every
	// PolicyReport it writes.
	ReportName = "meshcheck"
	// ManagedBy is the app.kubernetes.io/managed-by label of its reports:
	// only reports with it (and ReportName) are ever deleted, never the
	// CLI's (managed-by meshcheck).
	ManagedBy      = "meshcheck-webhook"
	fieldOwner     = "meshcheck-webhook"
	managedByLabel = "app.kubernetes.io/managed-by"
)

// Options configure a Reporter.
type Options struct {
	// Namespace and LeaseName locate the Lease the replicas elect the
	// writer with (default name meshcheck-report).
	Namespace, LeaseName string
	// Identity names this replica in the Lease (default: host name and a
	// random suffix).
	Identity string
	// Interval is the resync: every report is rewritten, timestamps
	// included, even when nothing changed (default 10 minutes).
	Interval time.Duration
	// Settle is how often the leader asks the source whether its state
	// changed: at most one review per Settle, however fast the cache
	// changes (default 2 s).
	Settle time.Duration
	// LeaseDuration, RenewDeadline and RetryPeriod are the election's
	// (defaults 15 s, 10 s, 2 s, as controller-runtime's).
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
}

// Reporter writes the reports while this replica leads.
type Reporter struct {
	src    Source
	client client.Client
	leases coordinationv1client.LeasesGetter
	gauge  *prometheus.GaugeVec
	log    logr.Logger
	opt    Options
	// Now is the clock of the timestamps (tests).
	Now func() time.Time

	leading sync.Mutex // held while leading
}

// New returns a reporter that reviews src and writes with c (uncached),
// electing itself through leases. gauge (labels rule and severity), when
// set, holds the current findings while this replica leads, and nothing
// otherwise, so that a sum over replicas counts each finding once.
func New(src Source, c client.Client, leases coordinationv1client.LeasesGetter, gauge *prometheus.GaugeVec, log logr.Logger, opt Options) *Reporter {
	if opt.LeaseName == "" {
		opt.LeaseName = "meshcheck-report"
	}
	if opt.Identity == "" {
		host, _ := os.Hostname()
		opt.Identity = host + "_" + rand.String(8)
	}
	if opt.Interval <= 0 {
		opt.Interval = 10 * time.Minute
	}
	if opt.Settle <= 0 {
		opt.Settle = 2 * time.Second
	}
	if opt.LeaseDuration <= 0 {
		opt.LeaseDuration = 15 * time.Second
	}
	if opt.RenewDeadline <= 0 {
		opt.RenewDeadline = 10 * time.Second
	}
	if opt.RetryPeriod <= 0 {
		opt.RetryPeriod = 2 * time.Second
	}
	return &Reporter{src: src, client: c, leases: leases, gauge: gauge, log: log.WithName("report"), opt: opt, Now: time.Now}
}

// NeedLeaderElection is false: every replica runs the reporter, which
// elects the writer itself, while admission runs on all of them.
func (r *Reporter) NeedLeaderElection() bool { return false }

// Start campaigns for the Lease until ctx ends, writing the reports while
// it leads; a replica that loses the Lease stops writing and campaigns
// again.
func (r *Reporter) Start(ctx context.Context) error {
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: r.opt.Namespace, Name: r.opt.LeaseName},
		Client:     r.leases,
		LockConfig: resourcelock.ResourceLockConfig{Identity: r.opt.Identity},
	}
	for ctx.Err() == nil {
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock: lock, Name: "meshcheck-report",
			LeaseDuration: r.opt.LeaseDuration, RenewDeadline: r.opt.RenewDeadline, RetryPeriod: r.opt.RetryPeriod,
			ReleaseOnCancel: true,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(ctx context.Context) {
					r.log.Info("leading: writing the cluster's reports", "identity", r.opt.Identity)
					r.lead(ctx)
				},
				OnStoppedLeading: func() {},
			},
		})
		if err != nil {
			return fmt.Errorf("report leader election: %w", err)
		}
		le.Run(ctx) // returns when ctx ends or the lease is lost
	}
	return nil
}

// lead writes the reports at each change of the source's state and every
// Interval, until ctx (the leadership) ends.
func (r *Reporter) lead(ctx context.Context) {
	// The elector does not wait for this to return: a leadership lost and
	// won again waits for the previous one's last write.
	r.leading.Lock()
	defer r.leading.Unlock()
	if r.gauge != nil {
		defer r.gauge.Reset()
	}
	w := &writer{Reporter: r, written: map[string]string{}}
	poll := time.NewTicker(r.opt.Settle)
	defer poll.Stop()
	resync := time.NewTicker(r.opt.Interval)
	defer resync.Stop()
	var (
		last        uint64
		done, force = false, true
		retry       <-chan time.Time // after a failed write
	)
	for {
		if gen, ok := r.src.Generation(); ok && retry == nil && (force || !done || gen != last) {
			g, err := w.write(ctx, force)
			switch {
			case err == nil:
				last, done, force = g, true, false
			case ctx.Err() == nil:
				r.log.Error(err, "cluster report not written; retrying", "in", retryAfter.String())
				retry = time.After(retryAfter)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		case <-retry:
			retry, force = nil, true
		case <-resync.C:
			force = true
		}
	}
}

// retryAfter is the wait after a failed write (the CRDs not installed, the
// API server unreachable) before the next attempt.
var retryAfter = 30 * time.Second

// writer is one leadership's writes: what it wrote, so that an unchanged
// report is not rewritten between resyncs.
type writer struct {
	*Reporter
	// written is the fingerprint of each report written, by namespace
	// ("" for the ClusterPolicyReport); listed is whether stale reports
	// were looked for in the cluster.
	written map[string]string
	listed  bool
}

// write reviews the source and writes what changed (everything when
// force), deletes the reports of namespaces without results, and sets the
// gauges. It returns the generation written.
func (w *writer) write(ctx context.Context, force bool) (uint64, error) {
	snap, err := w.src.Review(ctx)
	if err != nil {
		return 0, fmt.Errorf("review: %w", err)
	}
	reps := Build(snap, w.Now())
	var errs []error
	apply := func(key string, rep *Report, kind string) {
		u, fp, err := object(kind, rep, snap)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if !force && w.written[key] == fp {
			return
		}
		if err := w.client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			delete(w.written, key)
			errs = append(errs, fmt.Errorf("write %s %s: %w", kind, describe(u), err))
			return
		}
		w.written[key] = fp
	}
	apply("", &reps.Cluster, "ClusterPolicyReport")
	for ns, rep := range reps.Namespaced {
		apply(ns, rep, "PolicyReport")
	}
	// Reports of namespaces without results any more: those this
	// leadership wrote, and those in the cluster (looked for once per
	// leadership and at each resync).
	candidates := map[string]bool{}
	if force || !w.listed {
		var list unstructured.UnstructuredList
		list.SetAPIVersion(report.PolicyReportAPIVersion)
		list.SetKind("PolicyReportList")
		if err := w.client.List(ctx, &list, client.MatchingLabels{managedByLabel: ManagedBy}); err != nil {
			errs = append(errs, fmt.Errorf("list PolicyReports: %w", err))
		} else {
			w.listed = true
			for _, it := range list.Items {
				if it.GetName() == ReportName {
					candidates[it.GetNamespace()] = true
				}
			}
		}
	}
	for ns := range w.written {
		candidates[ns] = ns != ""
	}
	for ns, ok := range candidates {
		if !ok || reps.Namespaced[ns] != nil {
			continue
		}
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(report.PolicyReportAPIVersion)
		u.SetKind("PolicyReport")
		u.SetNamespace(ns)
		u.SetName(ReportName)
		if err := w.client.Delete(ctx, u); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete PolicyReport %s/%s: %w", ns, ReportName, err))
			continue
		}
		delete(w.written, ns)
	}
	if w.gauge != nil {
		w.gauge.Reset()
		for c, n := range reps.Current {
			w.gauge.WithLabelValues(c.Rule, c.Severity).Set(float64(n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	w.log.V(1).Info("cluster report written", "generation", snap.Generation, "namespaces", len(reps.Namespaced), "results", len(reps.Cluster.Results))
	return snap.Generation, nil
}

// object is the report as the API server takes it, and a fingerprint of
// its content without the timestamps.
func object(kind string, rep *Report, snap Snapshot) (*unstructured.Unstructured, string, error) {
	results := rep.Results
	if results == nil {
		results = []report.PolicyResult{}
	}
	doc := map[string]any{
		"apiVersion": report.PolicyReportAPIVersion,
		"kind":       kind,
		"metadata": map[string]any{
			"name":        ReportName,
			"labels":      map[string]any{managedByLabel: ManagedBy},
			"annotations": map[string]any{"meshcheck.io/cluster": snap.Cluster},
		},
		"summary": rep.Summary,
		"results": results,
	}
	if rep.Namespace != "" {
		doc["metadata"].(map[string]any)["namespace"] = rep.Namespace
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", kind, err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", kind, err)
	}
	// The fingerprint leaves the timestamps out: a report whose results
	// are unchanged is rewritten only at the resync.
	untimed := make([]report.PolicyResult, len(results))
	for i, res := range results {
		res.Timestamp = nil
		untimed[i] = res
	}
	doc["results"] = untimed
	fb, err := json.Marshal(doc)
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", kind, err)
	}
	sum := sha256.Sum256(fb)
	return u, strconv.Quote(string(sum[:])), nil
}

func describe(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetName()
	}
	return u.GetNamespace() + "/" + u.GetName()
}
