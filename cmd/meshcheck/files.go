package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/report"
)

// fileInputs are the flags that say which files make up a fleet and which
// cluster each belongs to; lint and topology share them.
type fileInputs struct {
	fleet    string
	clusters []string
	config   configFlags
}

func (o *fileInputs) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.fleet, "fleet", o.fleet, "directory whose subdirectories are the clusters of the fleet")
	fs.StringArrayVar(&o.clusters, "cluster", o.clusters, "assign a path to a cluster, as NAME=PATH (repeatable)")
	o.config.AddFlags(fs)
}

// assignments parses the --cluster flags.
func (o *fileInputs) assignments() ([]fileset.Assignment, error) {
	var out []fileset.Assignment
	for _, c := range o.clusters {
		name, path, ok := strings.Cut(c, "=")
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("--cluster %q: want NAME=PATH", c)
		}
		out = append(out, fileset.Assignment{Cluster: name, Path: path})
	}
	return out, nil
}

// layout turns the flags, the configuration and the positional paths into
// what to read. With a fleet declared in the configuration, paths (as
// pre-commit passes the changed files) do not replace the fleet: the whole
// fleet is read, and the paths are returned as only, what to report on.
func (o *fileInputs) layout(cfg *config.Config, args []string) (layout fileset.Layout, only []string, err error) {
	flagClusters, err := o.assignments()
	if err != nil {
		return layout, nil, err
	}
	layout = fileset.Layout{Fleet: o.fleet, Flags: flagClusters}
	if cfg != nil {
		layout.Fleet = firstNonEmpty(o.fleet, cfgFleet(cfg))
		layout.Config = fileset.ConfigAssignments(cfg)
	}
	declared := layout.Fleet != "" || len(layout.Config) > 0 || len(layout.Flags) > 0
	switch {
	case declared && cfg != nil && len(args) > 0:
		only = args
	case !declared && len(args) == 0:
		return layout, nil, fmt.Errorf("nothing to read: give paths, --fleet DIR, or declare clusters in %s", config.FileName)
	default:
		layout.Paths = args
	}
	return layout, only, nil
}

// inputErrors reports the files that could not be read.
func inputErrors(set *fileset.Set) []report.InputError {
	var out []report.InputError
	for _, e := range set.Errors {
		out = append(out, report.InputError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Err.Error()})
	}
	return out
}

// reviewErrors reports the objects the model could not read.
func reviewErrors(r *checks.Review) []report.InputError {
	var out []report.InputError
	for _, e := range r.Errors {
		out = append(out, report.InputError{Message: e.Error()})
	}
	return out
}

func cfgFleet(cfg *config.Config) string {
	if cfg.Fleet == "" {
		return ""
	}
	return cfg.Abs(cfg.Fleet)
}
