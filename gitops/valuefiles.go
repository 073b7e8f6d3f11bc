package gitops

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// valueFiles reads the helm.valueFiles of the chart source at p, one list of
// documents per file in the order given. A file is read when the linted
// tree holds it: "$ref/<path>" from the root of the repository of the
// source with that ref, a plain path relative to the source's path (a chart
// kept in Git). A file of a chart fetched from a Helm repository, a URL, or
// a path the tree does not hold is noted as not evaluated.
func (x *expander) valueFiles(o *source.Object, p, chart string, refs map[string]bool) [][]*source.Object {
	v, _ := o.Get(p + ".helm.valueFiles")
	list, _ := v.([]any)
	var out [][]*source.Object
	for i, e := range list {
		at := fmt.Sprintf("%s.helm.valueFiles[%d]", p, i)
		name, _ := e.(string)
		rel, why := valueFilePath(name, str(o, p+".path"), refs)
		if why != "" {
			x.note(o, at, fmt.Sprintf("the %s chart's value file %q is not read: %s", chart, name, why))
			continue
		}
		file, ok := x.repo.File(rel)
		if !ok {
			x.note(o, at, fmt.Sprintf("the %s chart's value file %q is not read: %s is not in the linted tree%s", chart, name, rel, x.repo.where()))
			continue
		}
		docs, errs := x.readValues(file)
		x.errs = append(x.errs, errs...)
		out = append(out, docs)
	}
	return out
}

// valueFilePath turns a valueFiles entry into a repository path, or says
// why it cannot be resolved.
func valueFilePath(name, sourcePath string, refs map[string]bool) (rel, why string) {
	switch {
	case name == "":
		return "", "it is not a file name"
	case templated(name):
		return "", "it holds a template action (an ApplicationSet's), known only once rendered"
	case strings.Contains(name, "://"):
		return "", "a URL, which meshcheck does not fetch"
	case strings.HasPrefix(name, "$"):
		ref, rest, _ := strings.Cut(name[1:], "/")
		if !refs[ref] {
			return "", fmt.Sprintf("no source of the Application has ref: %s", ref)
		}
		return rest, ""
	case sourcePath == "":
		return "", "a file of the chart package Argo CD fetches from the Helm repository"
	}
	return path.Join(sourcePath, name), ""
}

// readValues reads a values file as the documents that hold values, and
// marks it as read for a release.
func (x *expander) readValues(file string) ([]*source.Object, []*source.Error) {
	x.consumed[cleanPath(file)] = true
	f, err := os.Open(file)
	if err != nil {
		return nil, []*source.Error{{File: file, Err: fmt.Errorf("open: %w", err)}}
	}
	defer f.Close()
	objs, errs := source.Read(f, file, x.lim)
	var docs []*source.Object
	for _, d := range objs {
		if d.APIVersion() == "" && d.Kind() == "" {
			docs = append(docs, d)
		}
	}
	return docs, errs
}

// where names the roots paths were looked up under, for a note.
func (r *Repo) where() string {
	if r == nil || len(r.Roots) == 0 {
		return ""
	}
	return " (looked under " + strings.Join(r.Roots, ", ") + ")"
}

// templated says whether s holds a template action ({{ ... }}).
func templated(s string) bool {
	i := strings.Index(s, "{{")
	return i >= 0 && strings.Contains(s[i:], "}}")
}
