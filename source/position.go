package source

import yaml "go.yaml.in/yaml/v3"

// Position returns the 1-based line and column of the value at path, or of
// the closest ancestor that exists, so a missing field points at its parent.
//
// Path syntax: dot-separated keys with [N] for list indexes, and "\." for a
// dot inside a key (see PathJoin): "spec.servers[0].tls.mode",
// `metadata.labels.topology\.istio\.io/network`. The empty path is the
// object itself. A block mapping or sequence value starts at its first entry,
// so "spec" points at the line after "spec:". A value reached through an
// alias points into the anchored text it came from; one merged in with "<<"
// points where it is written in the merged mapping.
//
// For an object that was not read from text it returns the Origin's
// position, normally (0, 0). It is safe for concurrent use.
func (o *Object) Position(path string) (line, col int) {
	switch {
	case path == "": // where the object starts, known without its tree
		return o.Origin.Line, o.Origin.Column
	case path == "metadata.name" && o.nameLine > 0 && !o.noColumns:
		return o.nameLine, o.nameColumn
	}
	n := o.node()
	if n == nil {
		return o.Origin.Line, o.Origin.Column
	}
	line, col = o.Origin.Line, o.Origin.Column
	for _, s := range parsePath(path) {
		next := child(resolve(n), s)
		if next == nil {
			break
		}
		n = next
		line, col = n.Line+o.lineOffset, n.Column
	}
	if o.noColumns {
		col = 0
	}
	return line, col
}

func child(n *yaml.Node, s segment) *yaml.Node {
	if s.isIndex {
		if n.Kind == yaml.SequenceNode && s.index < len(n.Content) {
			return n.Content[s.index]
		}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return lookup(n, s.key, 0)
}

// maxMergeDepth stops a lookup through merge keys that nest absurdly deep;
// the budget check already rules out cycles, this only bounds the work.
const maxMergeDepth = 1000

// lookup finds the value node of key in mapping m with the precedence the
// converter uses: explicit keys first, then merge sources in order.
func lookup(m *yaml.Node, key string, depth int) *yaml.Node {
	if depth > maxMergeDepth {
		return nil
	}
	var merges []*yaml.Node
	keys := converter{maxDepth: maxMergeDepth}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMerge(k) {
			merges = append(merges, m.Content[i+1])
			continue
		}
		if s, err := keys.key(k, 0); err == nil && s == key {
			return m.Content[i+1]
		}
	}
	for _, v := range merges {
		srcs, err := mergeSources(v)
		if err != nil {
			continue
		}
		for _, src := range srcs {
			if found := lookup(src, key, depth+1); found != nil {
				return found
			}
		}
	}
	return nil
}

// firstKey returns where an object starts: its first key, which for JSON is
// on the line after the opening brace.
func firstKey(m *yaml.Node) *yaml.Node {
	if m.Kind == yaml.MappingNode && len(m.Content) > 0 {
		return m.Content[0]
	}
	return m
}
