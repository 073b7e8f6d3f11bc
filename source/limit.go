package source

import (
	"fmt"
	"math"

	yaml "go.yaml.in/yaml/v3"
)

// Limits bound what one input may cost. A zero field means its default, so
// Limits{} behaves like DefaultLimits(). MaxNodes is checked twice: on the
// text before parsing (minNodes, a lower bound, so that yaml.v3 never builds
// a huge tree) and on the parsed tree with aliases expanded (budget).
type Limits struct {
	MaxFileBytes int64 // default 16 MiB
	// MaxTotalBytes bounds all the files ReadPaths reads together; default
	// 256 MiB, which lint reads in about 4 GiB (objects cost some 16 times
	// their YAML).
	MaxTotalBytes int64
	MaxNodes      int // per document, counting alias expansion; default 1_000_000
	MaxDepth      int // default 200
}

// DefaultLimits returns limits that fit real manifests (Kubernetes caps an
// object at about 1.5 MiB) while keeping a hostile input to about a second
// and a few hundred MiB: a million yaml.v3 nodes cost roughly 250 MB.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 16 << 20, MaxTotalBytes: 256 << 20, MaxNodes: 1_000_000, MaxDepth: 200}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxFileBytes == math.MaxInt64 {
		l.MaxFileBytes-- // Read asks for one byte more than the limit
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = d.MaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// extent is what a subtree costs once its aliases are expanded.
type extent struct {
	nodes, height int
	done          bool // false while the anchored node is still being measured
}

// budget checks one document against MaxNodes and MaxDepth before it is
// converted. It measures each anchored node once and charges every alias
// the measured size of its anchor, so an alias bomb is rejected after
// visiting each distinct node once instead of after expanding it.
type budget struct {
	lim  Limits
	memo map[*yaml.Node]extent // anchored nodes only
}

// check measures root against the limits and returns its node count.
func (b *budget) check(root *yaml.Node) (nodes int, err error) {
	e, err := b.measure(root, 1)
	return e.nodes, err
}

func (b *budget) measure(n *yaml.Node, depth int) (extent, error) {
	if depth > b.lim.MaxDepth {
		return extent{}, tooDeep(n, b.lim.MaxDepth)
	}
	if n.Kind == yaml.AliasNode {
		return b.alias(n, depth)
	}
	if n.Anchor != "" {
		if b.memo == nil {
			b.memo = make(map[*yaml.Node]extent)
		}
		b.memo[n] = extent{}
	}
	e := extent{nodes: 1, height: 1}
	for _, c := range n.Content {
		ce, err := b.measure(c, depth+1)
		if err != nil {
			return extent{}, err
		}
		// Each child is at most MaxNodes, so the sum cannot overflow.
		e.nodes += ce.nodes
		if e.nodes > b.lim.MaxNodes {
			return extent{}, nodeErr(c, fmt.Errorf("%w: more than %d nodes once aliases are expanded", ErrTooManyNodes, b.lim.MaxNodes))
		}
		e.height = max(e.height, ce.height+1)
	}
	if n.Anchor != "" {
		e.done = true
		b.memo[n] = e
	}
	return e, nil
}

func (b *budget) alias(n *yaml.Node, depth int) (extent, error) {
	t := n.Alias
	if t == nil {
		return extent{}, nodeErr(n, fmt.Errorf("%w: unknown anchor %q", ErrSyntax, n.Value))
	}
	e, seen := b.memo[t]
	if seen && !e.done {
		return extent{}, nodeErr(n, fmt.Errorf("%w: alias *%s is inside its own anchor", ErrSyntax, n.Value))
	}
	if !seen {
		// yaml.v3 only lets aliases point backwards, so the anchor has
		// normally been measured already; measure it here if not.
		var err error
		if e, err = b.measure(t, depth); err != nil {
			return extent{}, err
		}
	}
	if depth+e.height-1 > b.lim.MaxDepth {
		return extent{}, tooDeep(n, b.lim.MaxDepth)
	}
	return e, nil
}

func tooDeep(n *yaml.Node, limit int) error {
	return nodeErr(n, fmt.Errorf("%w: more than %d levels", ErrTooDeep, limit))
}
