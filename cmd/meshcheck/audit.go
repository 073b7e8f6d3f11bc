package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
)

// auditOptions are audit's flags.
type auditOptions struct {
	kubeconfigs       []string
	contexts          []string
	allContexts       bool
	fromRemoteSecrets bool
	concurrency       int
	timeout           time.Duration
	snapshot          string
	configFile        string
	noConfig          bool
	check             checkOptions
	showModel         bool
	verbose           bool
	// progress forces (true) or silences (false) the per-cluster progress
	// lines; nil means "when stderr is a terminal". Tests set it.
	progress *bool
}

func (o *auditOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.kubeconfigs, "kubeconfig", o.kubeconfigs, "kubeconfig file (repeatable; merged like KUBECONFIG, which is used when none is given)")
	fs.StringArrayVar(&o.contexts, "context", o.contexts, "kubeconfig context to audit (repeatable; default: the current context)")
	fs.BoolVar(&o.allContexts, "all-contexts", o.allContexts, "audit every context of the kubeconfig")
	fs.BoolVar(&o.fromRemoteSecrets, "from-remote-secrets", o.fromRemoteSecrets, "also audit the clusters named by the Istio remote secrets found (credentials used in memory only)")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "clusters read at once")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "time allowed to read one cluster")
	fs.StringVar(&o.snapshot, "snapshot", o.snapshot, "write what was read, secrets redacted, to this directory (lint reads it back)")
	fs.StringVar(&o.configFile, "config", o.configFile, "configuration file (default: "+config.FileName+" in the working directory or above)")
	fs.BoolVar(&o.noConfig, "no-config", o.noConfig, "do not read "+config.FileName)
	o.check.AddFlags(fs)
	fs.Lookup("output").Usage = "output format: " + strings.Join(report.AuditFormats(), ", ")
	fs.BoolVar(&o.showModel, "show-model", o.showModel, "print the fleet model (JSON) instead of findings")
	fs.BoolVarP(&o.verbose, "verbose", "v", o.verbose, "log each list request's kind, selector and count on stderr")
}

func auditCommand() command {
	return command{
		name:  "audit",
		usage: "audit [flags]",
		short: "Audit the live Istio state of a fleet of clusters reached through kubeconfig contexts.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			o := &auditOptions{check: defaultCheckOptions(), concurrency: 4, timeout: 30 * time.Second}
			o.AddFlags(fs)
			return func(ctx context.Context, args []string, s streams) int { return o.run(ctx, args, s) }
		},
	}
}

func (o *auditOptions) validate(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("audit takes no arguments (got %q): name clusters with --context", args[0])
	}
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1")
	}
	if o.timeout <= 0 {
		return fmt.Errorf("--timeout must be positive")
	}
	if !slices.Contains(report.AuditFormats(), o.check.format) {
		return fmt.Errorf("--output %q: want one of %s", o.check.format, strings.Join(report.AuditFormats(), ", "))
	}
	// The shared checks know lint's formats; the format is checked above.
	c := o.check
	c.format = "json"
	return c.validate()
}

func (o *auditOptions) run(ctx context.Context, args []string, s streams) int {
	if err := o.validate(args); err != nil {
		return failed(s, err)
	}
	cfg, err := config.Resolve(o.configFile, o.noConfig)
	if err != nil {
		return failed(s, err)
	}
	targets, err := live.Targets(live.Selection{Kubeconfigs: o.kubeconfigs, Contexts: o.contexts, AllContexts: o.allContexts})
	if err != nil {
		return failed(s, err)
	}
	engine, err := checks.New(ctx, checks.Options{PolicyDirs: o.check.policies})
	if err != nil {
		return failed(s, err)
	}
	results, discoveryErrs := o.read(ctx, targets, s.err)
	inputs, errs := liveInputs(results, discoveryErrs)
	review, err := engine.Review(ctx, inputs, checks.ReviewOptionsFrom(cfg))
	if err != nil {
		return failed(s, err)
	}
	if o.snapshot != "" {
		if err := live.WriteSnapshot(o.snapshot, results, cfg); err != nil {
			return failed(s, err)
		}
	}
	if o.showModel {
		return showModel(s, review.Fleet)
	}
	errs = append(errs, reviewErrors(review)...)
	var names []string
	for _, r := range results {
		names = append(names, r.Input.Name)
	}
	res := report.Result{
		Tool: "meshcheck", Version: buildinfo.Version(), Command: "audit", Clusters: names,
		Findings: review.Findings, Rules: engine.Rules(), Fleet: review.Fleet,
		Summary: checks.Summarize(review.Findings, len(results), 0),
		Errors:  errs,
	}
	// A partial audit exits 2 like lint's unreadable inputs: the findings of
	// what was read are still reported, the errors name their cluster.
	return o.check.write(s, res)
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
func (o *auditOptions) read(ctx context.Context, targets []live.Target, stderr io.Writer) ([]live.Result, []*live.Error) {
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
	results := live.Read(ctx, targets, opt)
	var errs []*live.Error
	for scanned := 0; o.fromRemoteSecrets; {
		peers, perrs := live.Peers(results, scanned)
		scanned = len(results)
		errs = append(errs, perrs...)
		if len(peers) == 0 {
			break
		}
		results = append(results, live.Read(ctx, peers, opt)...)
	}
	// A peer that refused its remote secret's credential refuses istiod too:
	// the holder's model learns it (CP014).
	live.RecordCredentials(results)
	return results, errs
}

func (o *auditOptions) showProgress(stderr io.Writer) bool {
	if o.progress != nil {
		return *o.progress
	}
	f, ok := stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
