package source

import "reflect"

// WithLayers returns a copy of o whose fields are also looked for in
// layers, the objects that were applied over it to make its data (the
// patches of a kustomize build): Locate finds a field in the last layer
// that holds it with the value o has, so a field a patch set points at the
// patch, and every other field where o's own text has it.
func (o *Object) WithLayers(layers ...*Object) *Object {
	c := *o
	c.layers = append(append([]*Object(nil), o.layers...), layers...)
	return &c
}

// Locate returns the file, line and column of the value at path: in the
// last layer holding that value, else in o's own file (as Position).
func (o *Object) Locate(path string) (file string, line, col int) {
	if len(o.layers) > 0 && path != "" {
		if v, ok := o.Get(path); ok {
			for i := len(o.layers) - 1; i >= 0; i-- {
				l := o.layers[i]
				if lv, ok := l.Get(path); ok && reflect.DeepEqual(lv, v) {
					line, col = l.Position(path)
					return l.Origin.File, line, col
				}
			}
		}
	}
	line, col = o.Position(path)
	return o.Origin.File, line, col
}
