package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/report"
)

// auditOptions are audit's flags.
type auditOptions struct {
	clusters  clusterInputs
	snapshot  string
	config    configFlags
	check     checkOptions
	showModel bool
}

func (o *auditOptions) AddFlags(fs *pflag.FlagSet) {
	o.clusters.AddFlags(fs, "")
	fs.StringVar(&o.snapshot, "snapshot", o.snapshot, "write what was read, secrets redacted, to this directory (lint reads it back)")
	o.config.AddFlags(fs)
	o.check.AddFlags(fs)
	fs.BoolVar(&o.showModel, "show-model", o.showModel, "print the fleet model (JSON) instead of findings")
	fs.BoolVarP(&o.clusters.verbose, "verbose", "v", o.clusters.verbose, "log each list request's kind, selector and count on stderr")
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
	if err := o.clusters.validate(); err != nil {
		return err
	}
	return o.check.validate()
}

func (o *auditOptions) run(ctx context.Context, args []string, s streams) int {
	if err := o.validate(args); err != nil {
		return failed(s, err)
	}
	cfg, err := o.config.resolve()
	if err != nil {
		return failed(s, err)
	}
	targets, err := o.clusters.targets()
	if err != nil {
		return failed(s, err)
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
