package checks

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// A view is the model as one rule sees it: every record (a struct of the
// model: the fleet, a cluster, a namespace, a control plane…) keeps only
// the fields the rule names somewhere in its code. A rule evaluated on its
// view cannot depend on any other field, whatever its Rego does, so a change
// the view does not show cannot change the rule's findings. That is what
// lets the webhook re-evaluate only the rules a request can affect
// (Reviewer), sound by construction rather than by analysis.
//
// Facts, sources and free-form values (Helm values, mesh config) are kept
// whole: rules pass them on as they are, and the engine reads a source's
// file and line from the violation.

// view returns v as a rule that names the fields in names sees it. Values
// the view does not change are returned as they are, not copied.
func view(v ast.Value, s *shape, names map[string]bool) ast.Value {
	if !s.records {
		return v
	}
	obj, isObj := v.(ast.Object)
	switch {
	case s.record && isObj:
		out := ast.NewObject()
		changed := false
		obj.Foreach(func(k, x *ast.Term) {
			key, _ := k.Value.(ast.String)
			f, known := s.byName[string(key)]
			if !names[string(key)] {
				changed = true
				return
			}
			if known {
				y := view(x.Value, f.shape, names)
				if f.keyed {
					y = onlyNamedKeys(y, names)
				}
				if y != x.Value {
					x, changed = ast.NewTerm(y), true
				}
			}
			out.Insert(k, x)
		})
		if !changed {
			return v
		}
		return out
	case s.elem != nil && isObj:
		out := ast.NewObject()
		changed := false
		obj.Foreach(func(k, x *ast.Term) {
			if y := view(x.Value, s.elem, names); y != x.Value {
				x, changed = ast.NewTerm(y), true
			}
			out.Insert(k, x)
		})
		if !changed {
			return v
		}
		return out
	case s.elem != nil:
		arr, ok := v.(*ast.Array)
		if !ok {
			return v
		}
		terms := make([]*ast.Term, arr.Len())
		changed := false
		for i := range terms {
			x := arr.Elem(i)
			if y := view(x.Value, s.elem, names); y != x.Value {
				x, changed = ast.NewTerm(y), true
			}
			terms[i] = x
		}
		if !changed {
			return v
		}
		return ast.NewArray(terms...)
	}
	return v
}

// shows reports whether a view with names shows a change at path.
func shows(names map[string]bool, path []string) bool {
	for _, n := range path {
		if !names[n] {
			return false
		}
	}
	return true
}

// onlyNamedKeys returns the object v without the keys names lacks.
func onlyNamedKeys(v ast.Value, names map[string]bool) ast.Value {
	obj, ok := v.(ast.Object)
	if !ok || names == nil {
		return v
	}
	drop := false
	obj.Foreach(func(k, _ *ast.Term) {
		if s, ok := k.Value.(ast.String); !ok || !names[keyPrefix+string(s)] {
			drop = true
		}
	})
	if !drop {
		return v
	}
	out := ast.NewObject()
	obj.Foreach(func(k, x *ast.Term) {
		if s, ok := k.Value.(ast.String); ok && names[keyPrefix+string(s)] {
			out.Insert(k, x)
		}
	})
	return out
}
