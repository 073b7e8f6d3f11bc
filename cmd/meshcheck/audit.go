package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/report"
)

// auditOptions are audit's flags.
type auditOptions struct {
	clusters  clusterInputs
	snapshot  string
	shard     string
	join      string
	config    configFlags
	check     checkOptions
	showModel bool
	// progress is --progress: auto (on a terminal), always or never.
	progress string
}

func (o *auditOptions) AddFlags(fs *pflag.FlagSet) {
	o.clusters.AddFlags(fs, "")
	fs.StringVar(&o.snapshot, "snapshot", o.snapshot, "write what was read, secrets redacted, to this directory (lint reads it back)")
	fs.StringVar(&o.shard, "shard", o.shard, "audit only shard I of N of the contexts named (I/N, from 0; contexts sorted by name, dealt in turn), for a fan-out over jobs")
	fs.StringVar(&o.join, "join-snapshots", o.join, "read no cluster: declare every snapshot below this directory as one fleet in its .meshcheck.yaml, for lint")
	o.config.AddFlags(fs)
	o.check.AddFlags(fs)
	fs.BoolVar(&o.showModel, "show-model", o.showModel, "print the fleet model (JSON) instead of findings")
	fs.BoolVarP(&o.clusters.verbose, "verbose", "v", o.clusters.verbose, "log each list request's kind, selector and count on stderr")
	fs.StringVar(&o.progress, "progress", "auto", "progress lines on stderr (start, each cluster read, those still waiting, end): auto (on a terminal), always (in CI logs) or never")
}

func auditCommand() command {
	return command{
		name:  "audit",
		usage: "audit [flags]",
		short: "Audit the live Istio state of a fleet of clusters reached through kubeconfig contexts.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			o := &auditOptions{check: defaultCheckOptions(report.AuditFormats()), clusters: defaultClusterInputs()}
			o.AddFlags(fs)
			return func(ctx context.Context, args []string, s streams) int { return o.run(ctx, args, s) }
		},
	}
}

func (o *auditOptions) validate(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("audit takes no arguments (got %q): name clusters with --context", args[0])
	}
	if o.join != "" && (o.clusters.named() || o.snapshot != "" || o.shard != "" || o.showModel) {
		return fmt.Errorf("--join-snapshots reads no cluster: give it alone, then lint the directory")
	}
	if _, _, err := parseShard(o.shard); err != nil {
		return err
	}
	switch o.progress {
	case "auto":
	case "always", "never":
		on := o.progress == "always"
		o.clusters.progress = &on
	default:
		return fmt.Errorf("--progress %q: want auto, always or never", o.progress)
	}
	if o.shard != "" && o.clusters.fromRemoteSecrets {
		return fmt.Errorf("--shard with --from-remote-secrets: shards would reach the same peers; name every cluster as a context instead")
	}
	if err := o.clusters.validate(); err != nil {
		return err
	}
	return o.check.validate()
}

// parseShard parses --shard I/N; n is 0 when no shard is given.
func parseShard(s string) (i, n int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, ierr := strconv.Atoi(is)
	n, nerr := strconv.Atoi(ns)
	if !ok || ierr != nil || nerr != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want I/N with 0 <= I < N", s)
	}
	return i, n, nil
}

// shardOf keeps the targets of shard i of n: the contexts sorted by name
// and dealt in turn, so that the shards of one kubeconfig cover each
// context exactly once and differ in size by one at most.
func shardOf(targets []live.Target, i, n int) []live.Target {
	sorted := slices.SortedFunc(slices.Values(targets), func(a, b live.Target) int { return strings.Compare(a.Name, b.Name) })
	var out []live.Target
	for k, t := range sorted {
		if k%n == i {
			out = append(out, t)
		}
	}
	return out
}

// joinSnapshots is --join-snapshots: the gather step of a fan-out.
func (o *auditOptions) joinSnapshots(s streams) int {
	j, err := live.JoinSnapshots(o.join)
	if err != nil {
		return failed(s, err)
	}
	fmt.Fprintf(s.err, "meshcheck: joined %d snapshot(s), %d cluster(s), in %s; lint them with: meshcheck lint --config %s\n",
		len(j.Snapshots), len(j.Clusters), filepath.Join(o.join, config.FileName), filepath.Join(o.join, config.FileName))
	return exitClean
}

func (o *auditOptions) run(ctx context.Context, args []string, s streams) int {
	start := time.Now()
	if err := o.validate(args); err != nil {
		return failed(s, err)
	}
	if o.join != "" {
		return o.joinSnapshots(s)
	}
	cfg, err := o.config.resolve()
	if err != nil {
		return failed(s, err)
	}
	targets, err := o.clusters.targets()
	if err != nil {
		return failed(s, err)
	}
	if i, n, _ := parseShard(o.shard); n > 0 {
		targets = shardOf(targets, i, n)
	}
	compiled := compileAside(ctx, o.check.policies)
	results, discoveryErrs := o.clusters.read(ctx, targets, s.err)
	engine, err := compiled()
	if err != nil {
		return failed(s, err)
	}
	inputs, errs := liveInputs(results, discoveryErrs)
	review, err := engine.Review(ctx, inputs, checks.ReviewOptionsFrom(cfg))
	if err != nil {
		return failed(s, err)
	}
	if o.snapshot != "" {
		if err := live.WriteSnapshot(o.snapshot, results, cfg); err != nil {
			return failed(s, err)
		}
		if err := placeInSnapshot(o.snapshot, review.Findings); err != nil {
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
		Errors:  errs, Elapsed: time.Since(start),
	}
	// A partial audit exits 2 like lint's unreadable inputs: the findings of
	// what was read are still reported, the errors name their cluster.
	return o.check.write(s, res)
}
