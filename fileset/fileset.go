// Package fileset reads the manifests of a fleet kept in files and decides
// which cluster each object belongs to. It knows nothing of Istio: the model
// package turns the objects into facts.
package fileset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// ClusterAnnotation on an object names its cluster, whatever the layout says.
const ClusterAnnotation = "meshcheck.io/cluster"

// DefaultCluster holds the objects no layout assigns.
const DefaultCluster = "default"

// Assignment maps a path (file or directory) to a cluster.
type Assignment struct {
	Cluster  string
	Path     string
	Complete []string
}

// Layout says which files make up the fleet and which cluster each is in.
// More specific sources win: the object's annotation, then --cluster, then
// --fleet, then the configuration file, then DefaultCluster.
type Layout struct {
	// Fleet is a directory whose immediate subdirectories are clusters.
	Fleet string
	// Flags are --cluster NAME=PATH assignments.
	Flags []Assignment
	// Config are the clusters of .meshcheck.yaml, paths already resolved.
	Config []Assignment
	// Paths are further files and directories to read (lint's arguments).
	Paths []string
	// Root is the directory of the configuration file, normally the
	// repository's root ("" without one).
	Root string
}

// Set is what was read.
type Set struct {
	Clusters []model.ClusterInput
	Files    []string
	Errors   []*source.Error
	// NotEvaluated are inputs recognised and deliberately not read (Helm
	// chart templates, documents with template actions): listed, not
	// errors.
	NotEvaluated []*source.Error
	// placement is the file whose cluster an object belongs to when it is
	// not the object's own: a kustomization's output (its resources may be
	// shared bases), what a GitOps object gave (values files, a
	// Kustomization's shared directory).
	placement map[*source.Object]string
}

// Place says that obj belongs where home does (Infer splits by it).
func (s *Set) Place(obj, home *source.Object) {
	if s.placement == nil {
		s.placement = map[*source.Object]string{}
	}
	s.placement[obj] = s.fileOf(home)
}

// fileOf returns the file whose cluster obj belongs to.
func (s *Set) fileOf(obj *source.Object) string {
	if f, ok := s.placement[obj]; ok {
		return f
	}
	return obj.Origin.File
}

// Read reads every path of the layout and groups the objects by cluster.
func Read(l Layout, stdin io.Reader, lim source.Limits) *Set {
	fleet, errs := fleetAssignments(l.Fleet)
	tiers := [][]Assignment{l.Flags, fleet, l.Config}
	var roots []string
	for _, tier := range tiers {
		for _, a := range tier {
			roots = append(roots, a.Path)
		}
	}
	roots = append(roots, l.Paths...)
	files, objs, readErrs := readInputs(roots, l.RepoRoots(), nil, stdin, lim)
	set := &Set{Files: files, Errors: errs}
	for _, e := range readErrs {
		if errors.Is(e, source.ErrNotEvaluated) {
			set.NotEvaluated = append(set.NotEvaluated, e)
		} else {
			set.Errors = append(set.Errors, e)
		}
	}

	byName := map[string]*model.ClusterInput{}
	var order []string
	add := func(cluster string, obj *source.Object, complete []string) {
		ci := byName[cluster]
		if ci == nil {
			ci = &model.ClusterInput{Name: cluster}
			byName[cluster] = ci
			order = append(order, cluster)
		}
		for _, k := range complete {
			if !slices.Contains(ci.Complete, k) {
				ci.Complete = append(ci.Complete, k)
			}
		}
		if obj != nil {
			ci.Objects = append(ci.Objects, obj)
		}
	}
	claimed := newClaims(tiers)
	// Declared clusters exist even when their directories hold nothing yet.
	for _, tier := range tiers {
		for _, a := range tier {
			add(a.Cluster, nil, a.Complete)
		}
	}
	for _, p := range objs {
		obj := p.obj
		if p.at != obj.Origin.File {
			if set.placement == nil {
				set.placement = map[*source.Object]string{}
			}
			set.placement[obj] = p.at
		}
		if c, _ := obj.Annotation(ClusterAnnotation); c != "" {
			add(c, obj, nil)
			continue
		}
		// A kustomization's output is its cluster's, wherever the bases
		// it is built from are.
		clusters := claimed.clustersOf(p.at)
		if len(clusters) == 0 {
			clusters = []string{DefaultCluster}
		}
		for _, c := range clusters {
			add(c, obj, nil)
		}
	}
	for _, name := range order {
		// Undeclared inputs may be several clusters' (Infer splits them):
		// their duplicates are found once the clusters are known.
		if name != DefaultCluster || l.Declared() {
			set.Errors = append(set.Errors, dropDuplicates(byName[name])...)
		}
		set.Clusters = append(set.Clusters, *byName[name])
	}
	return set
}

// Declared says whether the layout names any cluster; otherwise the
// clusters are inferred (Infer).
func (l Layout) Declared() bool {
	return l.Fleet != "" || len(l.Flags) > 0 || len(l.Config) > 0
}

// fleetAssignments makes one cluster of each subdirectory of dir.
func fleetAssignments(dir string) ([]Assignment, []*source.Error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []*source.Error{{File: dir, Err: fmt.Errorf("read fleet directory: %w", err)}}
	}
	var out []Assignment
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, Assignment{Cluster: e.Name(), Path: filepath.Join(dir, e.Name())})
		}
	}
	return out, nil
}

// claims indexes each tier's assignments by cleaned path, so finding a
// file's clusters walks up its directories instead of testing every
// assignment: lint of a thousand cluster directories stays linear.
type claims []map[string][]string

func newClaims(tiers [][]Assignment) claims {
	out := make(claims, len(tiers))
	for i, tier := range tiers {
		out[i] = map[string][]string{}
		for _, a := range tier {
			p := filepath.Clean(a.Path)
			if !slices.Contains(out[i][p], a.Cluster) {
				out[i][p] = append(out[i][p], a.Cluster)
			}
		}
	}
	return out
}

// clustersOf returns the clusters of the most specific tier that claims
// file; within a tier, a file listed for several clusters (shared
// manifests) belongs to each of them, in the order they were assigned
// from the file up to the root.
func (c claims) clustersOf(file string) []string {
	if file == "-" {
		return nil
	}
	for _, byPath := range c {
		if len(byPath) == 0 {
			continue
		}
		var out []string
		for p := filepath.Clean(file); ; p = filepath.Dir(p) {
			for _, name := range byPath[p] {
				if !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
			if parent := filepath.Dir(p); parent == p {
				break
			}
		}
		out = appendNew(out, byPath["."]) // "." claims every file, as within says
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// within says whether file is root or under it.
func within(file, root string) bool {
	f, r := filepath.Clean(file), filepath.Clean(root)
	if f == r || r == "." {
		return true
	}
	return strings.HasPrefix(f, r+string(filepath.Separator))
}

func appendNew(out, names []string) []string {
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ConfigAssignments turns the clusters of a configuration file into
// assignments, paths resolved against the file's directory.
func ConfigAssignments(cfg *config.Config) []Assignment {
	var out []Assignment
	for _, c := range cfg.Clusters {
		for _, p := range c.Paths {
			out = append(out, Assignment{Cluster: c.Name, Path: cfg.Abs(p), Complete: c.Complete})
		}
	}
	return out
}
