package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	// progress forces (true) or silences (false) the per-cluster progress
	// lines; nil means "when stderr is a terminal".
	progress *bool
}

func defaultClusterInputs() clusterInputs {
	return clusterInputs{concurrency: 4, timeout: 30 * time.Second}
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
	if o.showProgress(stderr) {
		opt.Done = func(r live.Result) { fmt.Fprintln(stderr, progressLine(r)) }
	}
	return live.ReadFleet(ctx, targets, opt, o.fromRemoteSecrets)
}

func (o *clusterInputs) showProgress(stderr io.Writer) bool {
	if o.progress != nil {
		return *o.progress
	}
	return isTerminal(stderr)
}

func progressLine(r live.Result) string {
	name := r.Target.Name
	if r.Target.Via != "" {
		name += " (via remote secret in " + r.Target.Via + ")"
	}
	status := fmt.Sprintf("%d objects", len(r.Input.Objects))
	if r.Partial() {
		status += fmt.Sprintf(", %d problem(s)", len(r.Errors))
	}
	return fmt.Sprintf("audit: %s: %s in %s", name, status, r.Duration.Round(time.Millisecond))
}
