package checks

import (
	"reflect"
	"sync"

	"github.com/meshcheck/meshcheck/model"
)

// changedFields calls found with the record fields on the path to each
// place where the inputs of fleets a and b differ, which is all a view
// needs to know to tell whether it shows the difference (shows): map keys
// and list positions are data, not names. A key added to or removed from a
// map, or a list that changed length, is a difference at the map or list.
// Fields outside names (all fields when names is nil) are not compared: no
// view shows them.
//
// found must copy path to keep it: the buffer is reused, so that the walk
// allocates nothing. It compares the Go model, not its Rego value, so that
// a request the rules cannot see costs no conversion. Where the two could
// disagree (a nil and an empty map, both encoded as nothing under
// omitempty), it reports a difference: it may re-evaluate a rule
// needlessly, never skip one.
func changedFields(a, b *model.Fleet, names map[string]bool, found func(path []string)) {
	newDiffer(names).changed(a, b, found)
}

// differ is changedFields for one set of names, keeping for each record
// type the fields to compare: the webhook diffs on every request.
type differ struct {
	names  map[string]bool
	fields sync.Map // reflect.Type → []*field
}

func newDiffer(names map[string]bool) *differ { return &differ{names: names} }

func (d *differ) changed(a, b *model.Fleet, found func(path []string)) {
	d.diff(reflect.ValueOf(a), reflect.ValueOf(b), make([]string, 0, 8), found)
}

// compared are the fields of record type t that names holds.
func (d *differ) compared(t reflect.Type) []*field {
	if fs, ok := d.fields.Load(t); ok {
		return fs.([]*field)
	}
	var fs []*field
	s := shapeOf(t)
	for i := range s.fields {
		if f := &s.fields[i]; d.names == nil || d.names[f.name] {
			fs = append(fs, f)
		}
	}
	d.fields.Store(t, fs)
	return fs
}

func (d *differ) diff(a, b reflect.Value, path []string, found func([]string)) {
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		switch {
		case a.Kind() == reflect.Pointer && a.Pointer() == b.Pointer():
			// The same record (model.Reads shares them between builds), or both nil.
		case a.IsNil() && b.IsNil():
		case a.IsNil() || b.IsNil() || a.Elem().Type() != b.Elem().Type():
			found(path)
		default:
			d.diff(a.Elem(), b.Elem(), path, found)
		}
	case reflect.Struct:
		if !shapeOf(a.Type()).record {
			if !equal(a, b) {
				found(path)
			}
			return
		}
		for _, f := range d.compared(a.Type()) {
			x, y := a.Field(f.index), b.Field(f.index)
			p := append(path, f.name) // siblings overwrite each other's last name
			if f.omitEmpty && isEmpty(x) != isEmpty(y) {
				found(p)
				continue
			}
			d.diff(x, y, p, found)
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			found(path)
			return
		}
		// One key and value for the whole map: MapIter.Key and Value would
		// allocate a copy of each string.
		k, x := reflect.New(a.Type().Key()).Elem(), reflect.New(a.Type().Elem()).Elem()
		for it := a.MapRange(); it.Next(); {
			k.SetIterKey(it)
			y := b.MapIndex(k)
			if !y.IsValid() {
				found(path)
				return
			}
			x.SetIterValue(it)
			d.diff(x, y, path, found)
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			found(path)
			return
		}
		for i := range a.Len() {
			d.diff(a.Index(i), b.Index(i), path, found)
		}
	default:
		if !equal(a, b) {
			found(path)
		}
	}
}

// equal is reflect.DeepEqual for the model's plain data, without its
// allocations.
func equal(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && equal(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for it := a.MapRange(); it.Next(); {
			y := b.MapIndex(it.Key())
			if !y.IsValid() || !equal(it.Value(), y) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	return false // a kind the model never holds: assume it changed
}
