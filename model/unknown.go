package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// A setting the inputs do not show is unknown: neither the value a
// lower-precedence input gives nor Istio's default. Two things hide one:
//
//   - a template action ({{ .Values.cluster }}, ${CLUSTER}) left in a
//     values file kept for a templating tool: the value exists only once
//     rendered;
//   - two releases that install the same control plane (one cluster, system
//     namespace and revision) with different values: Helm refuses the
//     objects another release owns and Argo CD applies both in turn, so
//     which values are in effect is not in the files.

// unknownSet holds the unknown settings of one control plane, keyed by
// tree ("values" or "mesh") and dot path.
type unknownSet map[unknownKey]bool

type unknownKey struct{ tree, path string }

func (u unknownSet) values(path string) bool { return u[unknownKey{"values", path}] }
func (u unknownSet) mesh(path string) bool   { return u[unknownKey{"mesh", path}] }

// paths lists the unknown settings as values paths, mesh config under
// meshConfig, sorted.
func (u unknownSet) paths() []string {
	var out []string
	for k := range u {
		p := k.path
		if k.tree == "mesh" {
			p = "meshConfig." + p
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// findUnknowns returns the unknown settings of the contributions of one
// control plane (in precedence order), and notes that say why each is.
func findUnknowns(g []*contribution) (unknownSet, []*Error) {
	u := unknownSet{}
	known := map[unknownKey]bool{}
	var notes []*Error
	conflictsDone := false
	for _, c := range g {
		if c.rank == rankInstall && !conflictsDone {
			conflictsDone = true
			notes = append(notes, releaseConflicts(g, known, u)...)
		}
		for _, t := range []struct {
			name string
			tree tree
		}{{"values", c.values}, {"mesh", c.mesh}} {
			leaves(t.tree.data, "", func(path string, v any) {
				k := unknownKey{t.name, path}
				if known[k] || u[k] {
					return
				}
				s, ok := v.(string)
				if !ok || !templated(s) {
					known[k] = true
					return
				}
				u[k] = true
				if t.name == "mesh" && t.tree.prefix == "meshConfig" && c.values.ok() {
					return // the same leaf as values meshConfig.<path>: noted once
				}
				notes = append(notes, &Error{Cluster: c.cluster, Source: t.tree.source(path), Err: fmt.Errorf(
					"%w: %s holds a template action (%s): its value is known only once rendered, so it is unknown here (not Istio's default)",
					source.ErrNotEvaluated, t.tree.full(path), s)})
			})
		}
	}
	return u, notes
}

// releaseConflicts marks unknown the settings on which the releases that
// install one control plane disagree (one sets what another does not, or
// sets it otherwise), unless a higher-precedence input (known: what runs or
// was rendered) shows them, and returns one note per control plane naming
// the releases and the settings.
func releaseConflicts(g []*contribution, known, u unknownSet) []*Error {
	type release struct {
		id     string
		first  *contribution
		leaves map[unknownKey]any
	}
	var rels []*release
	for _, c := range g {
		if c.rank != rankInstall || c.obj.Release == "" {
			continue
		}
		i := slices.IndexFunc(rels, func(r *release) bool { return r.id == c.obj.Release })
		if i < 0 {
			rels = append(rels, &release{id: c.obj.Release, first: c, leaves: map[unknownKey]any{}})
			i = len(rels) - 1
		}
		r := rels[i]
		for name, t := range map[string]tree{"values": c.values, "mesh": c.mesh} {
			leaves(t.data, "", func(path string, v any) {
				k := unknownKey{name, path}
				if _, ok := r.leaves[k]; !ok { // the release's highest layer wins
					r.leaves[k] = v
				}
			})
		}
	}
	for _, r := range rels {
		for k, v := range r.leaves {
			if v == "" {
				delete(r.leaves, k) // unset, as Istio's charts read it
			}
		}
	}
	if len(rels) < 2 {
		return nil
	}
	var differ []string
	for _, r := range rels {
		for k := range r.leaves {
			if known[k] || u[k] {
				continue
			}
			for _, o := range rels {
				if v, ok := o.leaves[k]; !ok || !reflect.DeepEqual(v, r.leaves[k]) {
					u[k] = true
					name := k.path
					if k.tree == "mesh" {
						name = "meshConfig." + name
					}
					if !slices.Contains(differ, name) {
						differ = append(differ, name)
					}
					break
				}
			}
		}
	}
	ids := make([]string, len(rels))
	for i, r := range rels {
		ids[i] = r.id
	}
	first := rels[0].first
	what := "they set the same values"
	if len(differ) > 0 {
		slices.Sort(differ)
		what = "the values they set differently are unknown: " + strings.Join(differ, ", ")
	}
	return []*Error{{Cluster: first.cluster, Source: first.values.source(""), Err: fmt.Errorf(
		"%w: %s install the same control plane (namespace %s, revision %q): Helm installs only one of them and Argo CD applies each in turn, so %s",
		source.ErrNotEvaluated, strings.Join(ids, " and "), first.namespace, first.revision, what)}}
}

// leaves calls fn with the dot path (keys with dots escaped, as lookup
// reads them) of every value in m that is not a map; a list is one value.
func leaves(m map[string]any, prefix string, fn func(path string, v any)) {
	for k, v := range m {
		path := escapeKey(k)
		if prefix != "" {
			path = prefix + "." + path
		}
		if sub, ok := v.(map[string]any); ok {
			leaves(sub, path, fn)
			continue
		}
		fn(path, v)
	}
}

// forget removes path (dot syntax, as lookup reads it) from m.
func forget(m map[string]any, path string) {
	for {
		key, rest, more := nextKey(path)
		if !more {
			delete(m, key)
			return
		}
		next, ok := m[key].(map[string]any)
		if !ok {
			return
		}
		m, path = next, rest
	}
}
