package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/gitops"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/source"
)

// fileInputs are the flags that say which files make up a fleet and which
// cluster each belongs to; lint and topology share them.
type fileInputs struct {
	fleet    string
	clusters []string
	config   configFlags
	maxInput string
}

func (o *fileInputs) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.fleet, "fleet", o.fleet, "directory whose subdirectories are the clusters of the fleet")
	fs.StringArrayVar(&o.clusters, "cluster", o.clusters, "assign a path to a cluster, as NAME=PATH (repeatable)")
	if o.maxInput == "" {
		o.maxInput = "256Mi"
	}
	fs.StringVar(&o.maxInput, "max-input", o.maxInput, "the most all input files together may hold (e.g. 512Mi, 1Gi); files past it are not read and the run exits 2")
	o.config.AddFlags(fs)
}

// limits are the default input limits with --max-input.
func (o *fileInputs) limits() (source.Limits, error) {
	lim := source.DefaultLimits()
	q, err := resource.ParseQuantity(o.maxInput)
	if err != nil || q.Sign() <= 0 {
		return lim, fmt.Errorf("--max-input %q: want a size such as 256Mi or 1Gi", o.maxInput)
	}
	lim.MaxTotalBytes = q.Value()
	return lim, nil
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
		layout.Root = cfg.Dir
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

// read reads the files of layout. When the layout declares no cluster, the
// clusters are inferred from the installs' cluster names and the directory
// layout (fileset.Infer), and stderr says how they were split; inputs that
// hold several clusters no directory separates are an error, never merged.
func read(layout fileset.Layout, lim source.Limits, stdin io.Reader, stderr io.Writer) (*fileset.Set, error) {
	set := fileset.Read(layout, stdin, lim)
	if layout.Declared() {
		expandGitOps(set, layout, lim)
		return set, nil
	}
	raw := set.Copy()
	expanded := expandGitOps(set, layout, lim)
	split, err := fileset.Infer(set, model.Describe)
	if err != nil {
		return nil, err
	}
	if split != nil && expanded {
		// What a GitOps object refers to (a valuesFrom Secret, a
		// substituteFrom ConfigMap) must be its own cluster's: once the
		// clusters are known, the inputs are expanded again in each.
		raw.Apply(split)
		expandGitOps(raw, layout, lim)
		set = raw
	}
	if split != nil {
		names := make([]string, len(split.Clusters))
		for i, a := range split.Clusters {
			names[i] = a.Cluster
		}
		fmt.Fprintf(stderr, "meshcheck: no fleet declared; the installs name %d clusters, so each directory under %s is one: %s (declare them with --fleet %s or in %s)\n",
			len(names), split.Root, strings.Join(names, ", "), split.Root, config.FileName)
		if len(split.Unassigned) > 0 {
			fmt.Fprintf(stderr, "meshcheck: in no cluster (nothing Istio reads): %s\n", strings.Join(split.Unassigned, ", "))
		}
	}
	return set, nil
}

// expandGitOps adds to each cluster what its GitOps objects say: the
// objects its Flux Kustomizations apply, and the chart values of its Argo CD
// Applications and Flux HelmReleases as values documents located in the
// files the user edits. Repository paths they name are looked up in the
// linted tree (fileset.Layout.RepoRoots); what is not there is listed as
// not evaluated. It says whether the clusters held GitOps objects.
func expandGitOps(set *fileset.Set, layout fileset.Layout, lim source.Limits) (expanded bool) {
	roots := layout.RepoRoots()
	// One shared base applied by every cluster's Kustomization is built
	// once: substitution copies what it changes.
	type tree struct {
		objs  []*source.Object
		files []string
		errs  []*source.Error
	}
	built := map[string]tree{}
	repo := &gitops.Repo{
		Roots:  roots,
		Limits: lim,
		ReadDir: func(dir string, with map[string]any, from *source.Object) ([]*source.Object, []string, []*source.Error) {
			// The same directory built with the same fields is the same
			// objects, unless the patches that set them are written elsewhere.
			key := dir + "\x00" + fmt.Sprint(with)
			if _, patched := with["patches"]; patched {
				key += "\x00" + source.Position(from.Origin.File, from.Origin.Line, from.Origin.Column)
			}
			t, ok := built[key]
			if !ok {
				t.objs, t.files, t.errs = fileset.ReadTree(dir, &fileset.Overlay{Fields: with, From: from}, roots, lim)
				built[key] = t
			}
			return t.objs, t.files, t.errs
		},
	}
	seen := map[string]bool{}
	var elsewhere []routed
	for i, ci := range set.Clusters {
		r := gitops.Expand(ci.Objects, repo)
		set.Clusters[i].Objects = r.Objects
		expanded = expanded || len(r.Home) > 0 || len(r.Notes) > 0 || len(r.Elsewhere) > 0
		for _, e := range r.Elsewhere {
			elsewhere = append(elsewhere, routed{i, e})
		}
		for added, home := range r.Home {
			set.Place(added, home)
		}
		notes, errs := r.Notes, r.Errors
		for _, n := range notes {
			if k := fmt.Sprint(n); !seen[k] {
				seen[k] = true
				set.NotEvaluated = append(set.NotEvaluated, &source.Error{File: n.File, Line: n.Line, Err: fmt.Errorf("%w: %s", source.ErrNotEvaluated, n.Message)})
			}
		}
		for _, e := range errs {
			if k := e.Error(); !seen[k] {
				seen[k] = true
				if errors.Is(e, source.ErrNotEvaluated) {
					set.NotEvaluated = append(set.NotEvaluated, e)
				} else {
					set.Errors = append(set.Errors, e)
				}
			}
		}
	}
	placeElsewhere(set, layout, elsewhere, seen)
	return expanded
}

// inputErrors reports the files that could not be read.
func inputErrors(set *fileset.Set) []report.InputError {
	var out []report.InputError
	for _, e := range set.Errors {
		out = append(out, report.InputError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Err.Error()})
	}
	return out
}

// notEvaluated lists the files recognised and not read.
func notEvaluated(set *fileset.Set) []report.InputError {
	var out []report.InputError
	for _, e := range set.NotEvaluated {
		out = append(out, report.InputError{File: e.File, Line: e.Line, Message: strings.TrimPrefix(e.Err.Error(), source.ErrNotEvaluated.Error()+": ")})
	}
	return out
}

// reviewErrors reports the objects the model could not read.
func reviewErrors(r *checks.Review) []report.InputError {
	var out []report.InputError
	for _, e := range r.Errors {
		if !errors.Is(e, source.ErrNotEvaluated) {
			out = append(out, report.InputError{Message: e.Error()})
		}
	}
	return out
}

// reviewNotes lists the settings the model found and could not know (a
// template action, releases that disagree), as not evaluated.
func reviewNotes(r *checks.Review) []report.InputError {
	var out []report.InputError
	for _, e := range r.Errors {
		var me *model.Error
		if errors.Is(e, source.ErrNotEvaluated) && errors.As(e, &me) {
			out = append(out, report.InputError{File: me.Source.File, Line: me.Source.Line, Column: me.Source.Column,
				Message: strings.TrimPrefix(me.Err.Error(), source.ErrNotEvaluated.Error()+": ")})
		}
	}
	return out
}

func cfgFleet(cfg *config.Config) string {
	if cfg.Fleet == "" {
		return ""
	}
	return cfg.Abs(cfg.Fleet)
}
