package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/topology"
)

// topologyOptions are topology's flags: lint's inputs or audit's,
// a format, and the policies whose findings are pinned on the picture.
type topologyOptions struct {
	files      fileInputs
	format     string
	outputFile string
	policies   []string
	// live, when it names clusters, makes topology read them as audit
	// does instead of files.
	live clusterInputs
}

func (o *topologyOptions) AddFlags(fs *pflag.FlagSet) {
	o.files.AddFlags(fs)
	fs.StringVarP(&o.format, "output", "o", o.format, "output format: "+strings.Join(topology.Formats(), ", "))
	fs.StringVar(&o.outputFile, "output-file", o.outputFile, "write the picture to this file instead of standard output")
	fs.StringArrayVar(&o.policies, "policy", o.policies, "directory of additional Rego rules (repeatable)")
	o.live.AddFlags(fs, "read live clusters: ")
}

func topologyCommand() command {
	return command{
		name:  "topology",
		usage: "topology [flags] [PATH...]",
		short: "Show the fleet's deployment model (clusters, networks, control planes, meshes) with its findings.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			o := &topologyOptions{format: "text", live: defaultClusterInputs()}
			o.live.progress = new(bool) // the picture is the output
			o.AddFlags(fs)
			return func(ctx context.Context, args []string, s streams) int { return o.run(ctx, args, s) }
		},
	}
}

func (o *topologyOptions) run(ctx context.Context, args []string, s streams) int {
	if !slices.Contains(topology.Formats(), o.format) {
		return failed(s, fmt.Errorf("--output %q: want one of %s", o.format, strings.Join(topology.Formats(), ", ")))
	}
	cfg, err := o.files.config.resolve()
	if err != nil {
		return failed(s, err)
	}
	compiled := compileAside(ctx, o.policies)
	// Both kinds of input end as []model.ClusterInput; the rest is shared.
	var inputs []model.ClusterInput
	var inputErrs []report.InputError
	if o.live.named() {
		if len(args) > 0 || o.files.fleet != "" || len(o.files.clusters) > 0 {
			return failed(s, fmt.Errorf("give either files (--fleet, --cluster, paths) or live clusters (--kubeconfig, --context, --all-contexts), not both"))
		}
		inputs, inputErrs, err = o.liveInputs(ctx, s)
	} else {
		inputs, inputErrs, err = o.fileInputs(cfg, args, s)
	}
	if err != nil {
		return failed(s, err)
	}
	engine, err := compiled()
	if err != nil {
		return failed(s, err)
	}
	review, err := engine.Review(ctx, inputs, checks.ReviewOptionsFrom(cfg))
	if err != nil {
		return failed(s, err)
	}
	inputErrs = append(inputErrs, reviewErrors(review)...)
	return o.write(s, topology.Build(review.Fleet, review.Findings, engine.Rules()), inputErrs)
}

// fileInputs reads lint's inputs: --fleet, --cluster, paths and the
// clusters .meshcheck.yaml declares. The picture is always of the whole fleet.
func (o *topologyOptions) fileInputs(cfg *config.Config, args []string, s streams) ([]model.ClusterInput, []report.InputError, error) {
	layout, _, err := o.files.layout(cfg, args)
	if err != nil {
		return nil, nil, err
	}
	lim, err := o.files.limits()
	if err != nil {
		return nil, nil, err
	}
	set, err := read(layout, lim, s.in, s.err)
	if err != nil {
		return nil, nil, err
	}
	return set.Clusters, inputErrors(set), nil
}

// liveInputs reads live clusters the way audit does (the same kinds, the
// same redaction, --from-remote-secrets following peers).
func (o *topologyOptions) liveInputs(ctx context.Context, s streams) ([]model.ClusterInput, []report.InputError, error) {
	if err := o.live.validate(); err != nil {
		return nil, nil, err
	}
	targets, err := o.live.targets()
	if err != nil {
		return nil, nil, err
	}
	inputs, errs := liveInputs(o.live.read(ctx, targets, s.err))
	return inputs, errs, nil
}

// write renders the view and reports input errors on stderr. Findings do
// not change the exit code: topology shows, lint and audit judge.
func (o *topologyOptions) write(s streams, v *topology.View, inputErrs []report.InputError) int {
	w, closeOutput, err := output(s, o.outputFile)
	if err != nil {
		return failed(s, err)
	}
	defer closeOutput()
	if err := topology.Write(w, o.format, v); err != nil {
		return failed(s, err)
	}
	for _, e := range inputErrs {
		fmt.Fprintf(s.err, "meshcheck: %s\n", describeInputError(e))
	}
	if len(inputErrs) > 0 {
		return exitError
	}
	return exitClean
}
