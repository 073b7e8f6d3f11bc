// Package gitops reads the Istio chart values that GitOps tools keep around
// Istio's Helm charts, Argo CD Applications and Flux HelmReleases, as the
// values documents the model reads, with positions in the file the user
// edits. It knows Istio's charts by name, not what their values mean, and
// never guesses: a release whose chart it cannot name, or values it cannot
// read from the repository (value files, ConfigMaps referred to), is noted
// as not evaluated.
package gitops

import (
	"fmt"
	"maps"
	"path"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// Note is an input recognised and not (wholly) read, with the reason.
type Note struct {
	File    string
	Line    int
	Message string
}

// Chart names of Istio's charts, as the model needs to tell them apart.
const (
	ChartIstiod  = "istiod"
	ChartGateway = "gateway"
	ChartBase    = "base"
	ChartCNI     = "cni"
	ChartZtunnel = "ztunnel"
)

// ChartOf names the Istio chart a release installs from its chart name or
// its path in Istio's repository, or "" for another chart.
func ChartOf(name string) string {
	switch path.Base(strings.TrimSuffix(name, "/")) {
	case "istiod", "istio-discovery":
		return ChartIstiod
	case "gateway":
		return ChartGateway
	case "base":
		return ChartBase
	case "cni", "istio-cni":
		return ChartCNI
	case "ztunnel":
		return ChartZtunnel
	}
	return ""
}

// Expand returns the objects of one cluster with what its GitOps objects
// say added: the objects its Flux Kustomizations apply (variables
// substituted; the raw files they come from leave the list, as do value
// files read as a release's), then the values documents of its Istio chart
// releases, each release's in the order the model gives precedence to
// (highest first). Notes say what was recognised and not (wholly) read;
// errors are files that do not parse. repo may be nil: then nothing the
// objects refer to is read.
func Expand(objs []*source.Object, repo *Repo) Result {
	if !anyGitOps(objs) {
		return Result{Objects: objs} // most clusters: nothing to expand, nothing copied
	}
	x := &expander{repo: repo, consumed: map[string]bool{}, home: map[*source.Object]*source.Object{}}
	if repo != nil {
		x.lim = repo.Limits
	} else {
		x.lim = source.DefaultLimits()
	}
	objs = x.kustomizations(objs)
	var values []*source.Object
	for _, o := range objs {
		if x.dropped(o) {
			continue // a Kustomization applies it, with its variables
		}
		group, _, _ := strings.Cut(o.APIVersion(), "/")
		switch {
		case group == "argoproj.io" && o.Kind() == "Application":
			values = append(values, x.from(o, x.argoApplication(o))...)
		case group == "argoproj.io" && o.Kind() == "ApplicationSet":
			if _, ok := o.Get("spec.template.spec"); ok {
				x.note(o, "spec.template", "an Argo CD ApplicationSet: its applications depend on its generators, which meshcheck does not run")
			}
		case group == "helm.toolkit.fluxcd.io" && o.Kind() == "HelmRelease":
			values = append(values, x.from(o, x.fluxHelmRelease(o, objs))...)
		}
	}
	out := make([]*source.Object, 0, len(objs)+len(values))
	for _, o := range objs {
		if !x.dropped(o) {
			out = append(out, o)
		}
	}
	return Result{Objects: append(out, values...), Home: x.home, Notes: x.notes, Errors: x.errs}
}

// Result is a cluster's objects once expanded.
type Result struct {
	Objects []*source.Object
	// Home maps each object Expand added to the input object it comes from
	// (the Application, HelmRelease or Kustomization that the cluster's
	// files hold), whose place decides its cluster.
	Home   map[*source.Object]*source.Object
	Notes  []Note
	Errors []*source.Error
}

// dropped says whether o's file was read as part of something else and o
// is not what that read gave.
func (x *expander) dropped(o *source.Object) bool {
	return x.consumed[cleanPath(o.Origin.File)] && !x.added[o]
}

// from records o as the home of what it gave.
func (x *expander) from(o *source.Object, got []*source.Object) []*source.Object {
	h := x.homeOf(o)
	for _, g := range got {
		x.home[g] = h
	}
	return got
}

// homeOf returns the input object o comes from: itself, unless a
// Kustomization brought it in.
func (x *expander) homeOf(o *source.Object) *source.Object {
	if h, ok := x.home[o]; ok {
		return h
	}
	return o
}

// anyGitOps says whether objs hold an object Expand reads.
func anyGitOps(objs []*source.Object) bool {
	for _, o := range objs {
		v := o.APIVersion()
		if strings.HasPrefix(v, "argoproj.io/") || strings.HasPrefix(v, "helm.toolkit.fluxcd.io/") || strings.HasPrefix(v, "kustomize.toolkit.fluxcd.io/") {
			return true
		}
	}
	return false
}

// expander holds what one cluster's expansion has found so far.
type expander struct {
	repo *Repo
	lim  source.Limits
	// consumed are files read as part of something else (a release's value
	// file, a Kustomization's path): their objects are not the cluster's
	// on their own.
	consumed map[string]bool
	// home maps what was added to the input object it comes from.
	home map[*source.Object]*source.Object
	// added are the objects Kustomizations brought in, kept whatever file
	// they come from.
	added map[*source.Object]bool
	notes []Note
	errs  []*source.Error
}

func (x *expander) note(o *source.Object, at, msg string) {
	x.notes = append(x.notes, note(o, at, msg))
}

func note(o *source.Object, at, msg string) Note {
	line, _ := o.Position(at)
	return Note{File: o.Origin.File, Line: line, Message: msg}
}

// argoApplication reads each Istio chart source of an Application. Argo CD
// (as Helm) applies value files in order, then values, then valuesObject,
// then parameters: the documents come highest first.
func (x *expander) argoApplication(o *source.Object) []*source.Object {
	if dest := remoteDestination(o); dest != "" {
		x.note(o, "spec.destination", fmt.Sprintf("an Argo CD Application that deploys to %s: which cluster of the fleet that is, the file does not say (annotate it meshcheck.io/cluster: <fleet cluster> to have it read as that cluster's)", dest))
		return nil
	}
	var prefixes []string
	if _, ok := o.Get("spec.source"); ok {
		prefixes = append(prefixes, "spec.source")
	}
	refs := map[string]bool{}
	if list, ok := o.Get("spec.sources"); ok {
		n, _ := list.([]any)
		for i := range n {
			p := fmt.Sprintf("spec.sources[%d]", i)
			prefixes = append(prefixes, p)
			if ref := str(o, p+".ref"); ref != "" {
				refs[ref] = true
			}
		}
	}
	var out []*source.Object
	for _, p := range prefixes {
		chart := ChartOf(str(o, p+".chart"))
		if chart == "" {
			chart = ChartOf(str(o, p+".path"))
		}
		if chart == "" {
			continue
		}
		release := firstNonEmpty(str(o, p+".helm.releaseName"), o.Name())
		var docs []*source.Object
		docs = append(docs, parameters(o, p+".helm.parameters")...)
		if v := o.Part(p + ".helm.valuesObject"); v != nil {
			docs = append(docs, v)
		}
		embedded, errs := o.Embedded(p+".helm.values", x.lim)
		docs = append(docs, embedded...)
		for _, e := range errs {
			x.notes = append(x.notes, Note{File: e.File, Line: e.Line, Message: "helm.values does not parse: " + e.Err.Error()})
		}
		files := x.valueFiles(o, p, chart, refs)
		for i := len(files) - 1; i >= 0; i-- { // the last file wins
			docs = append(docs, files[i]...)
		}
		out = append(out, ChartValues(chart, release, docs)...)
	}
	return out
}

// remoteDestination names the cluster an Application deploys to when it is
// not the one Argo CD runs in ("" for in-cluster), unless the Application
// is annotated with the fleet cluster it belongs to. A hub's Applications
// for other clusters would otherwise be read as the hub's own installs.
func remoteDestination(o *source.Object) string {
	if _, ok := o.Annotation("meshcheck.io/cluster"); ok {
		return ""
	}
	name, server := str(o, "spec.destination.name"), str(o, "spec.destination.server")
	switch {
	case name != "" && name != "in-cluster":
		return "cluster " + name
	case server != "" && server != "https://kubernetes.default.svc":
		return server
	}
	return ""
}

// ChartValues returns the documents the model should read for chart: the
// istiod chart's values as they are; the gateway chart's with the name the
// chart gives its objects (the release name unless values set one); none
// for base, cni and ztunnel, whose values are not istiod's.
func ChartValues(chart, release string, docs []*source.Object) []*source.Object {
	switch chart {
	case ChartIstiod:
		return oneRelease(docs)
	case ChartGateway:
		named := false
		for _, d := range docs {
			_, has := d.Data["name"]
			named = named || has
		}
		if named || len(docs) == 0 {
			return docs
		}
		// A copy: the values are also the Application's own data.
		first := *docs[0]
		first.Data = maps.Clone(first.Data)
		first.Data["name"] = release
		return append([]*source.Object{&first}, docs[1:]...)
	}
	return nil
}

// oneRelease keeps the documents of one release together: the model groups
// values by system namespace and revision, so each document is given the
// revision and istioNamespace that the release's values set, as Helm
// applies every layer to the one release.
func oneRelease(docs []*source.Object) []*source.Object {
	shared := map[string]any{}
	for _, key := range [][2]string{{"revision", ""}, {"global", "istioNamespace"}} {
		for _, d := range docs {
			if v, ok := at(d.Data, key); ok {
				shared[key[0]+"."+key[1]] = v
				break
			}
		}
	}
	out := make([]*source.Object, len(docs))
	for i, d := range docs {
		out[i] = d
		for k, v := range shared {
			top, sub, _ := strings.Cut(k, ".")
			if _, ok := at(d.Data, [2]string{top, sub}); ok {
				continue
			}
			if out[i] == d { // copy once: the values are also the Application's data
				c := *d
				c.Data = maps.Clone(d.Data)
				out[i] = &c
			}
			if sub == "" {
				out[i].Data[top] = v
				continue
			}
			g, _ := out[i].Data[top].(map[string]any)
			g = maps.Clone(g)
			if g == nil {
				g = map[string]any{}
			}
			g[sub] = v
			out[i].Data[top] = g
		}
	}
	return out
}

// at returns data[key[0]], or data[key[0]][key[1]] when key[1] is set.
func at(data map[string]any, key [2]string) (any, bool) {
	v, ok := data[key[0]]
	if !ok || key[1] == "" {
		return v, ok
	}
	m, _ := v.(map[string]any)
	v, ok = m[key[1]]
	return v, ok
}

// parameters turns Argo CD helm.parameters ({name, value}, as --set) into
// one values document each, located at its value.
func parameters(o *source.Object, at string) []*source.Object {
	v, _ := o.Get(at)
	list, _ := v.([]any)
	var out []*source.Object
	for i, e := range list {
		m, _ := e.(map[string]any)
		name, _ := m["name"].(string)
		value, ok := m["value"]
		if name == "" || !ok {
			continue
		}
		data := map[string]any{}
		cur := data
		keys := strings.Split(name, ".")
		for _, k := range keys[:len(keys)-1] {
			next := map[string]any{}
			cur[k] = next
			cur = next
		}
		cur[keys[len(keys)-1]] = value
		line, col := o.Position(fmt.Sprintf("%s[%d].value", at, i))
		out = append(out, &source.Object{Data: data, Origin: source.Origin{File: o.Origin.File, Line: line, Column: col, Index: o.Origin.Index}})
	}
	return out
}

func str(o *source.Object, p string) string {
	v, _ := o.Get(p)
	s, _ := v.(string)
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
