package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/source"
	"github.com/meshcheck/meshcheck/topology"
)

// topologyOptions are topology's flags: lint's inputs (and, later, audit's),
// a format, and the policies whose findings are pinned on the picture.
type topologyOptions struct {
	fleet      string
	clusters   []string
	configFile string
	noConfig   bool
	format     string
	outputFile string
	policies   []string
}

func (o *topologyOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.fleet, "fleet", o.fleet, "directory whose subdirectories are the clusters of the fleet")
	fs.StringArrayVar(&o.clusters, "cluster", o.clusters, "assign a path to a cluster, as NAME=PATH (repeatable)")
	fs.StringVar(&o.configFile, "config", o.configFile, "configuration file (default: "+config.FileName+" in the working directory or above)")
	fs.BoolVar(&o.noConfig, "no-config", o.noConfig, "do not read "+config.FileName)
	fs.StringVarP(&o.format, "output", "o", o.format, "output format: "+strings.Join(topology.Formats(), ", "))
	fs.StringVar(&o.outputFile, "output-file", o.outputFile, "write the picture to this file instead of standard output")
	fs.StringArrayVar(&o.policies, "policy", o.policies, "directory of additional Rego rules (repeatable)")
}

func topologyCommand() command {
	return command{
		name:  "topology",
		usage: "topology [flags] [PATH...]",
		short: "Show the fleet's deployment model (clusters, networks, control planes, meshes) with its findings.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			o := &topologyOptions{format: "text"}
			o.AddFlags(fs)
			return func(ctx context.Context, args []string, s streams) int { return o.run(ctx, args, s) }
		},
	}
}

func (o *topologyOptions) run(ctx context.Context, args []string, s streams) int {
	if !slices.Contains(topology.Formats(), o.format) {
		return usageError(s, fmt.Errorf("--output %q: want one of %s", o.format, strings.Join(topology.Formats(), ", ")))
	}
	cfg, err := loadConfig(o.configFile, o.noConfig)
	if err != nil {
		return usageError(s, err)
	}
	// Audit inputs (--context, --all-contexts, --from-remote-secrets) plug
	// in here: any function that returns []model.ClusterInput will do.
	inputs, inputErrs, err := o.fileInputs(cfg, args, s)
	if err != nil {
		return usageError(s, err)
	}
	engine, err := checks.New(ctx, checks.Options{PolicyDirs: o.policies})
	if err != nil {
		fmt.Fprintf(s.err, "meshcheck: %v\n", err)
		return exitError
	}
	review, err := engine.Review(ctx, inputs, checks.ReviewOptionsFrom(cfg))
	if err != nil {
		fmt.Fprintf(s.err, "meshcheck: %v\n", err)
		return exitError
	}
	for _, e := range review.Errors {
		inputErrs = append(inputErrs, report.InputError{Message: e.Error()})
	}
	return o.write(s, topology.Build(review.Fleet, review.Findings), inputErrs)
}

// fileInputs reads lint's inputs: --fleet, --cluster, paths and the
// clusters .meshcheck.yaml declares.
func (o *topologyOptions) fileInputs(cfg *config.Config, args []string, s streams) ([]model.ClusterInput, []report.InputError, error) {
	lo := lintOptions{clusters: o.clusters}
	flagClusters, err := lo.assignments()
	if err != nil {
		return nil, nil, err
	}
	layout := fileset.Layout{Fleet: o.fleet, Flags: flagClusters, Paths: args}
	if cfg != nil {
		layout.Fleet = firstNonEmpty(o.fleet, cfgFleet(cfg))
		layout.Config = fileset.ConfigAssignments(cfg)
	}
	if layout.Fleet == "" && len(layout.Config) == 0 && len(layout.Flags) == 0 && len(args) == 0 {
		return nil, nil, fmt.Errorf("nothing to show: give paths, --fleet DIR, or declare clusters in %s", config.FileName)
	}
	set := fileset.Read(layout, s.in, source.DefaultLimits())
	var errs []report.InputError
	for _, e := range set.Errors {
		errs = append(errs, report.InputError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Err.Error()})
	}
	return set.Clusters, errs, nil
}

// write renders the view and reports input errors on stderr. Findings do
// not change the exit code: topology shows, lint and audit judge.
func (o *topologyOptions) write(s streams, v *topology.View, inputErrs []report.InputError) int {
	w := s.out
	if o.outputFile != "" {
		f, err := os.Create(o.outputFile)
		if err != nil {
			fmt.Fprintf(s.err, "meshcheck: %v\n", err)
			return exitError
		}
		defer f.Close()
		w = f
	}
	if err := topology.Write(w, o.format, v); err != nil {
		fmt.Fprintf(s.err, "meshcheck: %v\n", err)
		return exitError
	}
	for _, e := range inputErrs {
		fmt.Fprintf(s.err, "meshcheck: %s\n", describeInputError(e))
	}
	if len(inputErrs) > 0 {
		return exitError
	}
	return exitClean
}
