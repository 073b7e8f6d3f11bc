package source

import (
	"encoding/json"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// converter turns a yaml.v3 node tree into JSON-compatible values. It runs
// only after budget.check has passed, so aliases are acyclic and the
// expanded tree is bounded; maxDepth is kept as a second guard.
type converter struct {
	maxDepth int
}

func (c converter) value(n *yaml.Node, depth int) (any, error) {
	if depth > c.maxDepth {
		return nil, tooDeep(n, c.maxDepth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nodeErr(n, fmt.Errorf("%w: unknown anchor %q", ErrSyntax, n.Value))
		}
		return c.value(n.Alias, depth)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.value(item, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	}
	return nil, nodeErr(n, fmt.Errorf("%w: unexpected node kind %d", ErrSyntax, n.Kind))
}

// mapping converts a mapping. Explicit keys win over merged ones and earlier
// merge sources over later ones (the YAML merge-key rules, as yaml.v3
// applies them); a key written twice is an error, as in yaml.v3 and kubectl.
func (c converter) mapping(n *yaml.Node, depth int) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMerge(k) {
			merges = append(merges, v)
			continue
		}
		key, err := c.key(k, depth)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, nodeErr(k, fmt.Errorf("%w: duplicate key %q", ErrSyntax, key))
		}
		if out[key], err = c.value(v, depth+1); err != nil {
			return nil, err
		}
	}
	for _, m := range merges {
		srcs, err := mergeSources(m)
		if err != nil {
			return nil, err
		}
		for _, src := range srcs {
			sm, err := c.mapping(src, depth)
			if err != nil {
				return nil, err
			}
			for k, v := range sm {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
	}
	return out, nil
}

// key turns a mapping key into a string: scalars by their text (so `80: x`
// has key "80", and a null key is "null"), and the rare mapping or sequence
// key by its JSON form.
func (c converter) key(k *yaml.Node, depth int) (string, error) {
	k = resolve(k)
	if k.Kind == yaml.ScalarNode {
		if k.ShortTag() == "!!null" {
			return "null", nil
		}
		return k.Value, nil
	}
	v, err := c.value(k, depth+1)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", nodeErr(k, fmt.Errorf("%w: mapping key: %v", ErrSyntax, err))
	}
	return string(b), nil
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// resolve follows an alias to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// mergeSources returns the mappings a "<<" value merges, in precedence order.
func mergeSources(v *yaml.Node) ([]*yaml.Node, error) {
	v = resolve(v)
	switch v.Kind {
	case yaml.MappingNode:
		return []*yaml.Node{v}, nil
	case yaml.SequenceNode:
		srcs := make([]*yaml.Node, 0, len(v.Content))
		for _, item := range v.Content {
			item = resolve(item)
			if item.Kind != yaml.MappingNode {
				return nil, nodeErr(item, fmt.Errorf("%w: a merge key (<<) needs a mapping or a list of mappings", ErrSyntax))
			}
			srcs = append(srcs, item)
		}
		return srcs, nil
	}
	return nil, nodeErr(v, fmt.Errorf("%w: a merge key (<<) needs a mapping or a list of mappings", ErrSyntax))
}
