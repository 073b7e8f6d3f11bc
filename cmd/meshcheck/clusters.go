package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
)

// clusterInputs name live clusters through kubeconfig contexts: audit's
// inputs, and topology's when it draws live clusters instead of files.
type clusterInputs struct {
	kubeconfigs       []string
	contexts          []string
	allContexts       bool
	fromRemoteSecrets bool
	concurrency       int
	timeout           time.Duration
	verbose           bool
	// progress forces (true) or silences (false) the progress lines (start,
	// each cluster read, those still waiting, end); nil means "when stderr
	// is a terminal".
	progress *bool
	// waitingEvery is how often the clusters still waiting are listed.
	waitingEvery time.Duration
}

func defaultClusterInputs() clusterInputs {
	return clusterInputs{concurrency: 4, timeout: 30 * time.Second, waitingEvery: 5 * time.Second}
}

// AddFlags registers the flags; prefix starts each usage line, so that a
// command with other inputs can say which these are.
func (o *clusterInputs) AddFlags(fs *pflag.FlagSet, prefix string) {
	fs.StringArrayVar(&o.kubeconfigs, "kubeconfig", o.kubeconfigs, prefix+"kubeconfig file (repeatable; merged like KUBECONFIG, which is used when none is given)")
	fs.StringArrayVar(&o.contexts, "context", o.contexts, prefix+"kubeconfig context (repeatable; default: the current context)")
	fs.BoolVar(&o.allContexts, "all-contexts", o.allContexts, prefix+"every context of the kubeconfig")
	fs.BoolVar(&o.fromRemoteSecrets, "from-remote-secrets", o.fromRemoteSecrets, prefix+"also the clusters named by the Istio remote secrets found (credentials used in memory only)")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, prefix+"clusters read at once")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, prefix+"time allowed to read one cluster")
}

// named says whether any flag names live clusters.
func (o *clusterInputs) named() bool {
	return len(o.kubeconfigs) > 0 || len(o.contexts) > 0 || o.allContexts || o.fromRemoteSecrets
}

func (o *clusterInputs) validate() error {
	if o.concurrency < 1 {
		return errors.New("--concurrency must be at least 1")
	}
	if o.timeout <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}

// targets resolves the kubeconfigs and contexts to the clusters to read.
func (o *clusterInputs) targets() ([]live.Target, error) {
	return live.Targets(live.Selection{Kubeconfigs: o.kubeconfigs, Contexts: o.contexts, AllContexts: o.allContexts})
}

// liveInputs turns what was read into the model's inputs and the problems
// to report, each naming its cluster.
func liveInputs(results []live.Result, discovery []*live.Error) ([]model.ClusterInput, []report.InputError) {
	inputs := make([]model.ClusterInput, len(results))
	var errs []report.InputError
	for i, r := range results {
		inputs[i] = r.Input
		for _, e := range r.Errors {
			errs = append(errs, report.InputError{Cluster: e.Cluster, Message: e.Error()})
		}
	}
	for _, e := range discovery {
		errs = append(errs, report.InputError{Cluster: e.Cluster, Message: e.Error()})
	}
	return inputs, errs
}

// read reads the targets and, with --from-remote-secrets, the peers their
// remote secrets name, until no new peer appears.
func (o *clusterInputs) read(ctx context.Context, targets []live.Target, stderr io.Writer) ([]live.Result, []*live.Error) {
	opt := live.Options{Concurrency: o.concurrency, Timeout: o.timeout}
	if o.verbose {
		var mu sync.Mutex // clusters log concurrently
		opt.Log = funcr.New(func(_, args string) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintln(stderr, "audit:", args)
		}, funcr.Options{Verbosity: 1})
	}
	if !o.showProgress(stderr) {
		return live.ReadFleet(ctx, targets, opt, o.fromRemoteSecrets)
	}
	p := newProgress(stderr, o.concurrency, o.timeout)
	opt.Queued, opt.Started, opt.Done = p.queued, p.started, p.done
	stop := p.every(o.waitingEvery)
	results, errs := live.ReadFleet(ctx, targets, opt, o.fromRemoteSecrets)
	stop()
	p.end(results)
	return results, errs
}

func (o *clusterInputs) showProgress(stderr io.Writer) bool {
	if o.progress != nil {
		return *o.progress
	}
	return isTerminal(stderr)
}

// progress writes audit's progress lines: a start line for each round of
// clusters (the contexts named, then the peers their remote secrets name),
// a line as each cluster is read, at intervals the clusters still being read
// or waiting for a slot, with the time each has taken so far, and an end
// line. Lines, not a redrawn screen, so that a scrolled-back terminal or a
// forced progress in a CI log reads the same.
type progress struct {
	w           io.Writer
	concurrency int
	timeout     time.Duration
	begin       time.Time
	mu          sync.Mutex
	rounds      int
	total, read int
	waiting     []string             // queued, not started, in the order given
	reading     map[string]time.Time // started, not done: since when
}

func newProgress(w io.Writer, concurrency int, timeout time.Duration) *progress {
	return &progress{w: w, concurrency: concurrency, timeout: timeout, begin: time.Now(), reading: map[string]time.Time{}}
}

func (p *progress) queued(targets []live.Target) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, t := range targets {
		names = append(names, displayName(t))
	}
	p.waiting = append(p.waiting, names...)
	p.total += len(targets)
	what := nClusters(len(targets))
	if p.rounds > 0 {
		what = strings.Replace(what, " ", " more ", 1) + ", named by remote secrets"
	}
	p.rounds++
	fmt.Fprintf(p.w, "audit: reading %s (%s), %d at once, each within %s\n",
		what, nameList(names, 8), p.concurrency, p.timeout)
}

func (p *progress) started(t live.Target) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := displayName(t)
	if i := slices.Index(p.waiting, name); i >= 0 {
		p.waiting = slices.Delete(p.waiting, i, i+1)
	}
	p.reading[name] = time.Now()
}

func (p *progress) done(r live.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.reading, displayName(r.Target))
	p.read++
	fmt.Fprintf(p.w, "%s (%d/%d)\n", progressLine(r), p.read, p.total)
}

// every lists the clusters still waiting each interval until stopped.
func (p *progress) every(interval time.Duration) (stop func()) {
	if interval <= 0 {
		return func() {}
	}
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				p.mu.Lock()
				if line := p.waitingLine(time.Now()); line != "" {
					fmt.Fprintln(p.w, line)
				}
				p.mu.Unlock()
			}
		}
	}()
	return func() { close(quit); <-exited }
}

// waitingLine names the clusters being read, longest first, with the time
// each has taken so far, then those waiting for a slot; "" when none is.
func (p *progress) waitingLine(now time.Time) string {
	n := len(p.reading) + len(p.waiting)
	if n == 0 {
		return ""
	}
	reading := slices.Collect(maps.Keys(p.reading))
	slices.SortFunc(reading, func(a, b string) int {
		return cmp.Or(p.reading[a].Compare(p.reading[b]), strings.Compare(a, b))
	})
	var names []string
	for _, name := range reading {
		names = append(names, fmt.Sprintf("%s (reading for %s)", name, roundElapsed(now.Sub(p.reading[name]))))
	}
	for _, name := range p.waiting {
		names = append(names, name+" (queued)")
	}
	return fmt.Sprintf("audit: waiting for %d of %s after %s: %s",
		n, nClusters(p.total), roundElapsed(now.Sub(p.begin)), nameList(names, 8))
}

func (p *progress) end(results []live.Result) {
	partial := 0
	for _, r := range results {
		if r.Partial() {
			partial++
		}
	}
	line := fmt.Sprintf("audit: read %s in %s", nClusters(len(results)), roundElapsed(time.Since(p.begin)))
	if partial > 0 {
		line += fmt.Sprintf(", %d with problems (below)", partial)
	}
	fmt.Fprintln(p.w, line)
}

func displayName(t live.Target) string {
	if t.Via != "" {
		return t.Name + " (via remote secret in " + t.Via + ")"
	}
	return t.Name
}

// nameList joins names, the first limit of them, saying how many more.
func nameList(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:limit], ", ") + fmt.Sprintf(" and %d more", len(names)-limit)
}

func nClusters(n int) string {
	if n == 1 {
		return "1 cluster"
	}
	return fmt.Sprintf("%d clusters", n)
}

// roundElapsed keeps a tenth of a second under ten seconds, whole seconds
// above.
func roundElapsed(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func progressLine(r live.Result) string {
	name := displayName(r.Target)
	status := fmt.Sprintf("%d objects", len(r.Input.Objects))
	if r.Partial() {
		status += fmt.Sprintf(", %d problem(s)", len(r.Errors))
	}
	return fmt.Sprintf("audit: %s: %s in %s", name, status, r.Duration.Round(time.Millisecond))
}
