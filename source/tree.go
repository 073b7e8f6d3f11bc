package source

import (
	"bytes"
	"slices"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// document is one YAML document of a file. Objects keep its text, not its
// node tree: the tree is parsed again the first time a position is asked
// for, which only the few objects that end up in facts and findings need,
// so a large repository never holds every file's tree at once.
type document struct {
	text []byte // the chunk it was read from (a slice of the file's text)
	skip int    // documents of the chunk before it
	once sync.Once
	root *yaml.Node
}

// keptTreeNodes is the size under which a document keeps the tree it was
// read from: a small tree costs little to hold, and parsing its text again
// can cost much more (a Secret is a few nodes around a long kubeconfig).
const keptTreeNodes = 64

// keep makes root the document's tree, so that it is never parsed again.
func (d *document) keep(root *yaml.Node) { d.once.Do(func() { d.root = root }) }

// tree returns the document's root mapping, parsed on first use; nil when
// the text no longer parses as it did (it cannot: the text is kept as read).
func (d *document) tree() *yaml.Node {
	d.once.Do(func() {
		dec := yaml.NewDecoder(bytes.NewReader(d.text))
		for i := 0; i <= d.skip; i++ {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				return
			}
			if i == d.skip && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
				d.root = doc.Content[0]
			}
		}
	})
	return d.root
}

// node returns the mapping o's Data was converted from, or nil for objects
// not read from text (for example from a live cluster).
func (o *Object) node() *yaml.Node {
	if o.doc == nil {
		return nil
	}
	n := o.doc.tree()
	for _, s := range o.at {
		if n == nil {
			return nil
		}
		n = child(resolve(n), s)
	}
	if n == nil {
		return nil
	}
	return resolve(n)
}

// within returns the path of the node at path below o's own.
func (o *Object) within(path string) []segment {
	return append(slices.Clip(o.at), parsePath(path)...)
}
