package checks

import (
	"reflect"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/model"
)

// The model's shape is the one description of its types that the walkers
// of this package share: the conversion to the Rego input (input.go), the
// views (view.go) and the comparison of two fleets (diff.go) all follow
// it, so that the three agree on which fields exist, under which JSON
// names, and which of them a view keeps.

// shape is how a model type encodes, as encoding/json encodes it.
type shape struct {
	// fields are a struct's exported fields, in order, under their JSON
	// names: set for every struct, record or not.
	fields []field
	// byName indexes fields by JSON name.
	byName map[string]*field
	// record is set for the structs a view reduces to the fields a rule
	// names: every struct of the model but the atomic ones.
	record bool
	// elem is set for collections (maps, and lists other than []byte):
	// their values' shape.
	elem *shape
	// records says whether a record is at or below this shape: if not, a
	// view keeps the value as it is.
	records bool
}

// field is one field of a struct.
type field struct {
	index     int
	name      string
	key       *ast.Term // name as a term, shared by every object
	omitEmpty bool
	// keyed is set for a map whose keys are data that a view keeps only
	// where named (a namespace's labels and annotations, keyedField).
	keyed bool
	shape *shape
}

var (
	shapes   sync.Map // reflect.Type → *shape
	shapesMu sync.Mutex
)

// shapeOf returns the shape of t (of what it points to, for a pointer).
func shapeOf(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	shapesMu.Lock()
	defer shapesMu.Unlock()
	built := map[reflect.Type]*shape{}
	s := buildShape(t, built)
	for t, s := range built {
		shapes.Store(t, s)
	}
	return s
}

// buildShape builds the shape of t and of the types below it; built holds
// those begun, so that a type that contains itself ends the recursion.
func buildShape(t reflect.Type, built map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	if s, ok := built[t]; ok {
		return s
	}
	s := &shape{}
	built[t] = s
	switch {
	case t.Kind() == reflect.Struct:
		s.record = !atomic(t)
		s.records = s.record
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			s.fields = append(s.fields, field{
				index: i, name: name, key: ast.StringTerm(name),
				omitEmpty: strings.Contains(opts, "omitempty"), keyed: keyedField(t, name),
			})
		}
		s.byName = make(map[string]*field, len(s.fields))
		for i := range s.fields {
			f := &s.fields[i]
			f.shape = buildShape(t.Field(f.index).Type, built)
			s.byName[f.name] = f
		}
	case t.Kind() == reflect.Map || (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8):
		s.elem = buildShape(t.Elem(), built)
		s.records = s.elem.records
	}
	return s
}

// fleetShape is the shape of the whole model, the rules' input.
var fleetShape = sync.OnceValue(func() *shape { return shapeOf(reflect.TypeFor[model.Fleet]()) })

// atomic reports the struct types a view keeps whole: facts, sources and
// object references, which rules pass on as they are (the engine reads a
// source's file and line from the violation).
func atomic(t reflect.Type) bool {
	return t == reflect.TypeFor[model.Source]() || t == reflect.TypeFor[model.ObjectRef]() ||
		(t.PkgPath() == reflect.TypeFor[model.Fleet]().PkgPath() && strings.HasPrefix(t.Name(), "Fact["))
}

// keyedField says whether field name of record type t is a map of labels
// or annotations that a view reduces to the named keys.
func keyedField(t reflect.Type, name string) bool {
	return t == reflect.TypeFor[model.Namespace]() && (name == "labels" || name == "annotations")
}

// fieldNames are the names of every record field of the model.
var fieldNames = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	seen := map[*shape]bool{}
	var walk func(s *shape)
	walk = func(s *shape) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if s.record {
			for _, f := range s.fields {
				out[f.name] = true
				walk(f.shape)
			}
		}
		walk(s.elem)
	}
	walk(fleetShape())
	return out
})

// isEmpty is encoding/json's omitempty test (a struct is never empty).
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64,
		reflect.Pointer, reflect.Interface:
		return v.IsZero()
	}
	return false
}
