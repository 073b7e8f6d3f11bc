package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
)

// lintOptions are lint's flags.
type lintOptions struct {
	files     fileInputs
	check     checkOptions
	showModel bool
}

func (o *lintOptions) AddFlags(fs *pflag.FlagSet) {
	o.files.AddFlags(fs)
	o.check.AddFlags(fs)
	fs.BoolVar(&o.showModel, "show-model", o.showModel, "print the fleet model (JSON) instead of findings")
}

func lintCommand() command {
	return command{
		name:  "lint",
		usage: "lint [flags] [PATH...]",
		short: "Lint the manifests of a fleet kept in files (IstioOperator, Helm values, Sail, rendered objects).",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			o := &lintOptions{check: defaultCheckOptions(report.Formats())}
			o.AddFlags(fs)
			return func(ctx context.Context, args []string, s streams) int { return o.run(ctx, args, s) }
		},
	}
}

func (o *lintOptions) run(ctx context.Context, args []string, s streams) int {
	start := time.Now()
	if err := o.check.validate(); err != nil {
		return failed(s, err)
	}
	cfg, err := o.files.config.resolve()
	if err != nil {
		return failed(s, err)
	}
	layout, only, err := o.files.layout(cfg, args)
	if err != nil {
		return failed(s, err)
	}
	compiled := compileAside(ctx, o.check.policies)
	lim, err := o.files.limits()
	if err != nil {
		return failed(s, err)
	}
	set, err := read(layout, lim, s.in, s.err)
	if err != nil {
		return failed(s, err)
	}
	engine, err := compiled()
	if err != nil {
		return failed(s, err)
	}
	review, err := engine.Review(ctx, set.Clusters, checks.ReviewOptionsFrom(cfg))
	if err != nil {
		return failed(s, err)
	}
	if o.showModel {
		return showModel(s, review.Fleet)
	}
	findings := review.Findings
	if only != nil {
		findings = concerning(findings, only)
	}
	inputErrs := inputErrors(set)
	inputErrs = append(inputErrs, reviewErrors(review)...)
	res := report.Result{
		Tool: "meshcheck", Version: buildinfo.Version(), Command: "lint", Fleet: review.Fleet,
		Findings: findings, Rules: engine.Rules(),
		Summary: checks.Summarize(findings, len(set.Clusters), len(set.Files)),
		Errors:  inputErrs, NotEvaluated: append(notEvaluated(set), reviewNotes(review)...), Elapsed: time.Since(start),
	}
	return o.check.write(s, res)
}

// concerning keeps the findings located in (or related to) one of paths,
// and those that no file locates.
func concerning(fs []checks.Finding, paths []string) []checks.Finding {
	in := func(file string) bool {
		for _, p := range paths {
			if file != "" && (sameFile(file, p) || strings.HasPrefix(abs(file), abs(p)+string(filepath.Separator))) {
				return true
			}
		}
		return false
	}
	var out []checks.Finding
	for _, f := range fs {
		keep := f.File == "" || in(f.File)
		for _, r := range f.Related {
			keep = keep || in(r.File)
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}

func sameFile(a, b string) bool { return abs(a) == abs(b) }

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return a
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// failed reports err on stderr and returns the exit code for usage, input
// and policy errors.
func failed(s streams, err error) int {
	fmt.Fprintf(s.err, "meshcheck: %v\n", err)
	return exitError
}

// showModel prints the fleet model as indented JSON (--show-model).
func showModel(s streams, f *model.Fleet) int {
	enc := json.NewEncoder(s.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return failed(s, err)
	}
	return exitClean
}
