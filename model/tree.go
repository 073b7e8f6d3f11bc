package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// tree is a subtree of an input object (spec.values of an IstioOperator, a
// Helm values file, the mesh config YAML inside a ConfigMap) that knows how to
// say where each of its fields came from.
type tree struct {
	data    map[string]any
	obj     *source.Object
	cluster string
	// prefix is the path of data inside obj ("spec.values").
	prefix string
	// embedded is set when data was parsed from a string field at prefix:
	// positions then point at that field, the closest place a file shows.
	embedded bool
}

func newTree(obj *source.Object, cluster, prefix string) tree {
	t := tree{obj: obj, cluster: cluster, prefix: prefix}
	if prefix == "" {
		t.data = obj.Data
	} else {
		t.data, _ = lookup(obj.Data, prefix).(map[string]any)
	}
	return t
}

func (t tree) ok() bool { return t.data != nil }

// source locates path (relative to the tree) in the input.
func (t tree) source(path string) Source {
	return sourceAt(t.obj, t.cluster, t.full(path), t.embedded)
}

func (t tree) full(path string) string {
	switch {
	case t.prefix == "":
		return path
	case path == "":
		return t.prefix
	case t.embedded:
		return t.prefix + "#" + path
	}
	return t.prefix + "." + path
}

func (t tree) get(path string) (any, bool) {
	if t.data == nil {
		return nil, false
	}
	v := lookup(t.data, path)
	return v, v != nil
}

// str returns the fact at path when it is a non-empty scalar. Istio treats an
// empty string as unset (the chart's `| default`), and so do we.
func (t tree) str(path string) *Fact[string] {
	v, ok := t.get(path)
	if !ok {
		return nil
	}
	s := scalarString(v)
	if s == "" || templated(s) {
		return nil
	}
	return &Fact[string]{Value: s, Source: t.source(path)}
}

// boolean returns the fact at path when it is a bool or a bool-like string
// (`--set` and env values arrive as strings).
func (t tree) boolean(path string) *Fact[bool] {
	v, ok := t.get(path)
	if !ok {
		return nil
	}
	b, ok := asBool(v)
	if !ok {
		return nil
	}
	return &Fact[bool]{Value: b, Source: t.source(path)}
}

func (t tree) strings(path string) *Fact[[]string] {
	v, ok := t.get(path)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s := scalarString(e); s != "" {
			out = append(out, s)
		}
	}
	return &Fact[[]string]{Value: out, Source: t.source(path)}
}

func (t tree) list(path string) *Fact[[]any] {
	v, ok := t.get(path)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	return &Fact[[]any]{Value: list, Source: t.source(path)}
}

func (t tree) mapAt(path string) map[string]any {
	v, _ := t.get(path)
	m, _ := v.(map[string]any)
	return m
}

// sourceAt builds the provenance of path inside obj.
func sourceAt(obj *source.Object, cluster, path string, embedded bool) Source {
	s := Source{Cluster: cluster, Object: refOf(obj), Path: path, File: obj.Origin.File}
	s.ResourceVersion, _ = lookup(obj.Data, "metadata.resourceVersion").(string)
	if s.File == "" {
		return s
	}
	at := path
	if embedded {
		at, _, _ = strings.Cut(path, "#")
	}
	s.File, s.Line, s.Column = obj.Locate(at) // a field a kustomize patch set points at the patch
	return s
}

func refOf(obj *source.Object) ObjectRef {
	kind := obj.Kind()
	if kind == "" {
		kind = "HelmValues"
	}
	return ObjectRef{APIVersion: obj.APIVersion(), Kind: kind, Namespace: obj.Namespace(), Name: obj.Name()}
}

// lookup walks a dot path through nested maps. Keys containing dots are
// written with "\." as in source paths. List indexes are not needed here.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for more := path != ""; more; {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		var key string
		key, path, more = nextKey(path)
		cur = mm[key]
	}
	return cur
}

// nextKey splits the first key off a dot path; more says a dot followed it.
// Only a key with an escaped dot allocates: the webhook's model looks paths
// up on every request.
func nextKey(path string) (key, rest string, more bool) {
	end := strings.IndexByte(path, '.')
	switch {
	case end < 0:
		return path, "", false
	case end == 0 || path[end-1] != '\\':
		return path[:end], path[end+1:], true
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path) && path[i+1] == '.':
			b.WriteByte('.')
			i++
		case path[i] == '.':
			return b.String(), path[i+1:], true
		default:
			b.WriteByte(path[i])
		}
	}
	return b.String(), "", false
}

// templated says whether s holds a template action ({{ ... }}) or a Flux
// post-build variable left without a value (${var}): a values file kept for
// a templating tool (helmfile, an Argo CD ApplicationSet, a Kustomization's
// substitution) whose value is only known once rendered, never a literal
// name.
func templated(s string) bool {
	if i := strings.Index(s, "${"); i >= 0 && strings.Contains(s[i:], "}") {
		return true
	}
	i := strings.Index(s, "{{")
	return i >= 0 && strings.Contains(s[i:], "}}")
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool, int, int64, float64:
		return fmt.Sprint(x)
	}
	return ""
}

func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		return b, err == nil
	}
	return false, false
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), x == float64(int(x))
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, e := range m {
		if s := scalarString(e); s != "" || e == "" {
			out[k] = s
		}
	}
	return out
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s := scalarString(e); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// labelValue is obj's label key, or "".
func labelValue(obj *source.Object, key string) string {
	v, _ := obj.Label(key)
	return v
}
