package checks

import (
	"reflect"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/model"
)

// A view is the model as one rule sees it: every record (a struct of the
// model: the fleet, a cluster, a namespace, a control plane…) keeps only
// the fields the rule names somewhere in its code. A rule evaluated on its
// view cannot depend on any other field, whatever its Rego does, so a change
// the view does not show cannot change the rule's findings. That is what
// lets the webhook re-evaluate only the rules a request can affect
// (Engine.ReviewChange), sound by construction rather than by analysis.
//
// Facts, sources and free-form values (Helm values, mesh config) are kept
// whole: rules pass them on as they are, and the engine reads a source's
// file and line from the violation.

// shape is the JSON shape of a model type.
type shape struct {
	// fields is set for records: each field's shape, by JSON name.
	fields map[string]*shape
	// elem is set for collections (maps and lists): their values' shape.
	elem *shape
	// records says whether a record is at or below this shape: if not, a
	// view keeps the value as it is.
	records bool
	// keyed are the record's fields whose keys are data that a view keeps
	// only where named (a namespace's labels and annotations, keyedField).
	keyed map[string]bool
}

// fleetShape is the shape of the whole model, the rules' input.
var fleetShape = sync.OnceValue(func() *shape {
	return shapeOf(reflect.TypeFor[model.Fleet](), map[reflect.Type]*shape{})
})

// atomic reports the struct types a view keeps whole.
func atomic(t reflect.Type) bool {
	return t == reflect.TypeFor[model.Source]() || t == reflect.TypeFor[model.ObjectRef]() ||
		(t.PkgPath() == reflect.TypeFor[model.Fleet]().PkgPath() && strings.HasPrefix(t.Name(), "Fact["))
}

func shapeOf(t reflect.Type, seen map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := seen[t]; ok {
		return s
	}
	s := &shape{}
	seen[t] = s
	switch {
	case t.Kind() == reflect.Struct && !atomic(t):
		s.fields = map[string]*shape{}
		s.records = true
		for _, f := range structInfoOf(t).fields {
			s.fields[f.name] = shapeOf(t.Field(f.index).Type, seen)
			if keyedField(t, f.name) {
				if s.keyed == nil {
					s.keyed = map[string]bool{}
				}
				s.keyed[f.name] = true
			}
		}
	case t.Kind() == reflect.Map || (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8):
		s.elem = shapeOf(t.Elem(), seen)
		s.records = s.elem.records
	}
	return s
}

// fieldNames are the names of every record field of the model.
var fieldNames = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	var walk func(s *shape, seen map[*shape]bool)
	walk = func(s *shape, seen map[*shape]bool) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for name, f := range s.fields {
			out[name] = true
			walk(f, seen)
		}
		walk(s.elem, seen)
	}
	walk(fleetShape(), map[*shape]bool{})
	return out
})

// view returns v as a rule that names the fields in names sees it. Values
// the view does not change are returned as they are, not copied.
func view(v ast.Value, s *shape, names map[string]bool) ast.Value {
	if !s.records {
		return v
	}
	obj, isObj := v.(ast.Object)
	switch {
	case s.fields != nil && isObj:
		out := ast.NewObject()
		changed := false
		obj.Foreach(func(k, x *ast.Term) {
			key, _ := k.Value.(ast.String)
			f, known := s.fields[string(key)]
			if !names[string(key)] {
				changed = true
				return
			}
			if known {
				y := view(x.Value, f, names)
				if s.keyed[string(key)] {
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
