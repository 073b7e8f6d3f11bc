package fileset

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Split is how Infer divided the undeclared inputs: one cluster per
// directory under Root, found Depth levels down.
type Split struct {
	Root     string
	Depth    int
	Clusters []Assignment
	// Unassigned are files outside every cluster's directory that hold
	// nothing Istio reads (a kustomization.yaml at the top): they belong to
	// no cluster.
	Unassigned []string
}

// UndeclaredError says that the inputs hold several installs no directory
// layout separates; its message shows the ways to declare the fleet.
type UndeclaredError struct {
	Reason string
}

func (e *UndeclaredError) Error() string {
	return e.Reason + `; meshcheck does not merge several installs into one cluster. Say which files belong to which cluster:
  meshcheck lint --fleet DIR              (one subdirectory of DIR per cluster)
  meshcheck lint --cluster NAME=PATH ...  (repeatable)
  or a .meshcheck.yaml beside the manifests:
    clusters:
      - name: us-east
        paths: [clusters/us-east]
      - name: us-west
        paths: [clusters/us-west]`
}

// Infer divides the objects of the default cluster (inputs no layout
// assigned) into clusters when they hold several clusters' installs:
// different cluster names, or one control plane installed by two files.
// describe (model.Describe, or a stand-in in tests) says what one object holds.
// Infer splits by directory, at the shallowest depth below the common
// directory of the files that hold Istio objects where every directory holds
// one cluster's installs, and names each cluster after its directory, as
// --fleet does. Objects defined twice in a cluster are then input errors,
// as Read makes them in declared clusters. It returns nil when the inputs are one cluster, and an
// *UndeclaredError when no directory layout tells the clusters apart.
func Infer(set *Set, describe func(*source.Object) model.Description) (*Split, error) {
	i := slices.IndexFunc(set.Clusters, func(c model.ClusterInput) bool { return c.Name == DefaultCluster })
	if i < 0 {
		return nil, nil
	}
	all, byFile := groupByFile(set, set.Clusters[i].Objects)
	described := make(map[string]model.Description, len(all))
	var files []string // those that hold Istio objects: the ones that decide
	for _, f := range all {
		var d model.Description
		for _, o := range byFile[f] {
			od := describe(o)
			d.ClusterNames = append(d.ClusterNames, od.ClusterNames...)
			d.Installs = append(d.Installs, od.Installs...)
			d.Istio = d.Istio || od.Istio
		}
		described[f] = d
		if d.Istio || len(d.ClusterNames) > 0 || len(d.Installs) > 0 {
			files = append(files, f)
		}
	}
	why := several(files, described)
	if why == "" {
		set.Errors = append(set.Errors, dropDuplicates(&set.Clusters[i])...)
		return nil, nil
	}
	if slices.Contains(all, "-") {
		return nil, &UndeclaredError{Reason: "standard input holds the installs of several clusters (" + why + ")"}
	}
	root := commonDir(files)
	for depth := 1; depth <= maxDepth(root, files); depth++ {
		groups, ok := groupByDir(root, files, depth)
		if !ok {
			break // a file above this depth would belong to no cluster
		}
		if !separates(groups, described) {
			continue
		}
		split := &Split{Root: root, Depth: depth}
		dirs := slices.Sorted(maps.Keys(groups))
		for i, name := range dirNames(root, dirs) {
			split.Clusters = append(split.Clusters, Assignment{Cluster: name, Path: dirs[i]})
		}
		for _, f := range all {
			if !slices.ContainsFunc(dirs, func(d string) bool { return within(filepath.Clean(f), d) }) {
				split.Unassigned = append(split.Unassigned, f)
			}
		}
		set.Apply(split)
		return split, nil
	}
	return nil, &UndeclaredError{Reason: "the files hold the installs of several clusters (" + why + ") and no directory layout separates them"}
}

// several says why the files are the installs of several clusters, or "".
func several(files []string, described map[string]model.Description) string {
	var names []string
	installedBy := map[string]string{}
	twice := ""
	for _, f := range files {
		for _, n := range described[f].ClusterNames {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		for _, in := range described[f].Installs {
			if other, ok := installedBy[in]; ok && other != f && twice == "" {
				twice = fmt.Sprintf("%s and %s both install %s", other, f, in)
			}
			installedBy[in] = f
		}
	}
	if len(names) > 1 {
		return "cluster names " + strings.Join(names, ", ")
	}
	return twice
}

// separates says whether every group is one cluster with an install or a
// cluster name of its own, and no two groups set the same name: a
// directory with neither would otherwise become a cluster of its own, or
// hold objects that belong to several.
func separates(groups map[string][]string, described map[string]model.Description) bool {
	seen := map[string]bool{}
	for _, files := range groups {
		if several(files, described) != "" {
			return false
		}
		name, installs := "", false
		for _, f := range files {
			d := described[f]
			installs = installs || len(d.Installs) > 0
			if len(d.ClusterNames) > 0 {
				name = d.ClusterNames[0] // several() saw no second one
			}
		}
		if (name == "" && !installs) || (name != "" && seen[name]) {
			return false
		}
		seen[name] = name != ""
	}
	return true
}

// groupByFile groups objects by the file whose cluster they belong to.
func groupByFile(set *Set, objs []*source.Object) ([]string, map[string][]*source.Object) {
	by := map[string][]*source.Object{}
	var files []string
	for _, o := range objs {
		f := set.fileOf(o)
		if _, ok := by[f]; !ok {
			files = append(files, f)
		}
		by[f] = append(by[f], o)
	}
	return files, by
}

// commonDir is the deepest directory holding every file.
func commonDir(files []string) string {
	root := filepath.Dir(filepath.Clean(files[0]))
	for _, f := range files[1:] {
		for !within(filepath.Clean(f), root) {
			parent := filepath.Dir(root)
			if parent == root {
				break
			}
			root = parent
		}
	}
	return root
}

func relParts(root, file string) []string {
	rel, err := filepath.Rel(root, filepath.Dir(filepath.Clean(file)))
	if err != nil || rel == "." {
		return nil
	}
	return strings.Split(rel, string(filepath.Separator))
}

func maxDepth(root string, files []string) int {
	n := 0
	for _, f := range files {
		n = max(n, len(relParts(root, f)))
	}
	return n
}

// groupByDir groups the files by their directory depth levels below root;
// false when a file lies above that depth.
func groupByDir(root string, files []string, depth int) (map[string][]string, bool) {
	groups := map[string][]string{}
	for _, f := range files {
		parts := relParts(root, f)
		if len(parts) < depth {
			return nil, false
		}
		dir := filepath.Join(append([]string{root}, parts[:depth]...)...)
		groups[dir] = append(groups[dir], f)
	}
	return groups, true
}

// dirNames names each directory after itself, or, when two share a
// name, each after its path below root.
func dirNames(root string, dirs []string) []string {
	out := make([]string, len(dirs))
	seen := map[string]bool{}
	unique := true
	for i, d := range dirs {
		out[i] = filepath.Base(d)
		unique = unique && !seen[out[i]]
		seen[out[i]] = true
	}
	if !unique {
		for i, d := range dirs {
			rel, _ := filepath.Rel(root, d)
			out[i] = filepath.ToSlash(rel)
		}
	}
	return out
}

// Apply replaces the default cluster of set by split's clusters (Infer's
// split of another reading of the same inputs), each without duplicates.
func (set *Set) Apply(split *Split) {
	i := slices.IndexFunc(set.Clusters, func(c model.ClusterInput) bool { return c.Name == DefaultCluster })
	if i < 0 {
		return
	}
	apply(set, i, split)
	for j := range split.Clusters {
		set.Errors = append(set.Errors, dropDuplicates(&set.Clusters[i+j])...)
	}
}

// Copy returns a copy of set that its changes (GitOps expansion, Apply)
// leave alone; the objects themselves are shared, as nothing changes them.
func (set *Set) Copy() *Set {
	c := *set
	c.Clusters = slices.Clone(set.Clusters)
	for i := range c.Clusters {
		c.Clusters[i].Objects = slices.Clone(c.Clusters[i].Objects)
	}
	c.Errors = slices.Clone(set.Errors)
	c.NotEvaluated = slices.Clone(set.NotEvaluated)
	c.placement = maps.Clone(set.placement)
	return &c
}

// apply replaces the default cluster by the split's clusters.
func apply(set *Set, i int, split *Split) {
	var clusters []model.ClusterInput
	for _, a := range split.Clusters {
		ci := model.ClusterInput{Name: a.Cluster, Complete: set.Clusters[i].Complete}
		for _, o := range set.Clusters[i].Objects {
			if within(filepath.Clean(set.fileOf(o)), a.Path) {
				ci.Objects = append(ci.Objects, o)
			}
		}
		clusters = append(clusters, ci)
	}
	set.Clusters = slices.Concat(set.Clusters[:i], clusters, set.Clusters[i+1:])
}
