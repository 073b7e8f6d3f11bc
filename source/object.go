package source

// Origin says where an object was read from.
type Origin struct {
	File   string // path as given by the user ("-" for stdin)
	Line   int    // 1-based line of the object's first key
	Column int
	Index  int // 0-based document index in the file (items of a kind: List keep the List's index)
}

// Object is one Kubernetes-style object (or a Helm values document: a mapping
// without apiVersion/kind).
type Object struct {
	// Data is JSON-compatible: map[string]any, []any, string, int64,
	// float64, bool and nil. Keys are always strings.
	Data   map[string]any
	Origin Origin
	// Release names the chart release whose values this document is (for
	// example "Argo CD Application istiod (apps/istiod.yaml:1)"), for the
	// values documents a GitOps or Terraform release gives; "" for what a
	// file holds as it is. Documents of one release are layers of one set
	// of values; those of two releases are not.
	Release string

	// doc and at locate the mapping Data was converted from: the document
	// and the path within it (empty for the document itself, items[N] for
	// an item of a List). Position walks it on demand instead of building a
	// position index up front, because only the few fields that end up in
	// findings are ever located. doc is nil for objects built by other
	// packages (for example from a live cluster).
	doc *document
	at  []segment
	// nameLine and nameColumn locate metadata.name, found while the tree is
	// at hand: most objects are only ever located there (or at their start),
	// and need no tree again.
	nameLine, nameColumn int
	// lineOffset turns the node's document-relative lines into file lines.
	lineOffset int
	// noColumns is set for text embedded in a string, whose columns in the
	// file are not known.
	noColumns bool
	// layers are objects applied over this one (WithLayers).
	layers []*Object
}

// APIVersion returns apiVersion, or "" when it is missing or not a string.
func (o *Object) APIVersion() string { s, _ := o.Data["apiVersion"].(string); return s }

// Kind returns kind, or "" when it is missing or not a string.
func (o *Object) Kind() string { s, _ := o.Data["kind"].(string); return s }

// Name returns metadata.name, or "".
func (o *Object) Name() string { s, _ := o.metadata()["name"].(string); return s }

// Namespace returns metadata.namespace, or "" (which callers read as the
// default namespace or a cluster-scoped object; this package cannot tell).
func (o *Object) Namespace() string { s, _ := o.metadata()["namespace"].(string); return s }

// Labels returns a copy of metadata.labels without its non-string values, or
// nil when there are none.
func (o *Object) Labels() map[string]string { return stringMap(o.metadata()["labels"]) }

// Annotations returns a copy of metadata.annotations without its non-string
// values, or nil when there are none.
func (o *Object) Annotations() map[string]string { return stringMap(o.metadata()["annotations"]) }

// Get returns the value at path (syntax as for Position) and whether it exists.
func (o *Object) Get(path string) (any, bool) {
	var cur any = o.Data
	for _, s := range parsePath(path) {
		switch v := cur.(type) {
		case map[string]any:
			if s.isIndex {
				return nil, false
			}
			next, ok := v[s.key]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			if !s.isIndex || s.index >= len(v) {
				return nil, false
			}
			cur = v[s.index]
		default:
			return nil, false
		}
	}
	return cur, true
}

func (o *Object) metadata() map[string]any {
	m, _ := o.Data["metadata"].(map[string]any)
	return m
}

// Label returns one label without copying the labels, and whether it is
// set (to a string).
func (o *Object) Label(key string) (string, bool) { return stringAt(o.metadata()["labels"], key) }

// Annotation returns one annotation without copying the annotations, and
// whether it is set (to a string).
func (o *Object) Annotation(key string) (string, bool) {
	return stringAt(o.metadata()["annotations"], key)
}

func stringAt(v any, key string) (string, bool) {
	m, _ := v.(map[string]any)
	s, ok := m[key].(string)
	return s, ok
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	var out map[string]string
	for k, v := range m {
		if s, ok := v.(string); ok {
			if out == nil {
				out = make(map[string]string, len(m))
			}
			out[k] = s
		}
	}
	return out
}
