package fileset

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"

	"github.com/meshcheck/meshcheck/source"
)

// JSON6902 patches (patchesJson6902, and the patches entries whose text is
// a list of operations) are not objects of the shape of what they patch, so
// they cannot be layered as strategic-merge patches are. Each value an
// operation sets becomes a layer of its own instead: an object that holds
// only that value, at the path the operation sets, and has no text, so
// that every field of it is located at its Origin, the opPlace in the patch
// where the value is written. A value that is a mapping or a list gives one
// such layer per node, each at its own line, parents before children (the
// last layer holding a field wins). Layers without text keep their Origin
// through Part, so values read from inside a HelmRelease work too.

// jsonPatch is one JSON6902 patch of a kustomization: its target and its
// operations.
type jsonPatch struct {
	target *types.Selector
	ops    []jsonOp
}

// jsonOp is one operation, with where it is written.
type jsonOp struct {
	op         string
	path, from []string // the pointers' tokens, unescaped; path nil when invalid
	hasValue   bool
	value      any        // the value as source reads text
	node       *yaml.Node // the value as written
	file       string
	// offset is added to the lines of the patch text: the kustomization's
	// lines before an inline patch.
	offset int
	inline bool // columns unknown (text embedded in a string)
	// line and col locate the operation (its first key); fromLine and
	// fromCol its from.
	line, col, fromLine, fromCol int
}

// readJSONPatch reads text as a JSON6902 patch written in file, its first
// line at line offset+1. ok is false when text is not a list (a
// strategic-merge patch) or does not parse.
func readJSONPatch(text []byte, file string, offset int, inline bool, lim source.Limits) (ops []jsonOp, ok bool) {
	if int64(len(text)) > lim.MaxFileBytes && lim.MaxFileBytes > 0 {
		return nil, false
	}
	var doc yaml.Node
	if yaml.Unmarshal(text, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode {
		return nil, false
	}
	// The values are converted as source converts text (and within its
	// limits), so that they compare with the rendered objects' values.
	wrapped, err := yaml.Marshal(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "ops"}, seq}})
	if err != nil {
		return nil, true
	}
	objs, errs := source.Read(bytes.NewReader(wrapped), file, lim)
	if len(errs) > 0 || len(objs) != 1 {
		return nil, true
	}
	values, _ := objs[0].Data["ops"].([]any)
	col := func(n *yaml.Node) int {
		if inline {
			return 0
		}
		return n.Column
	}
	for i, item := range seq.Content {
		if item.Kind != yaml.MappingNode || i >= len(values) || len(item.Content) == 0 {
			continue
		}
		conv, _ := values[i].(map[string]any)
		o := jsonOp{file: file, offset: offset, inline: inline, line: item.Content[0].Line + offset, col: col(item.Content[0])}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j], item.Content[j+1]
			switch k.Value {
			case "op":
				o.op = v.Value
			case "path":
				o.path = pointer(v.Value)
			case "from":
				o.from = pointer(v.Value)
				o.fromLine, o.fromCol = v.Line+offset, col(v)
			case "value":
				o.node, o.hasValue = v, true
				o.value = conv["value"]
			}
		}
		ops = append(ops, o)
	}
	return ops, true
}

// pointer splits a JSON pointer into its tokens, unescaped (~1 is /, ~0
// is ~); nil for the whole document or a pointer that is not one.
func pointer(p string) []string {
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	toks := strings.Split(p[1:], "/")
	unescape := strings.NewReplacer("~1", "/", "~0", "~")
	for i, t := range toks {
		toks[i] = unescape.Replace(t)
	}
	return toks
}

// matches says whether the patch's target selects the object kustomize
// rendered as o from the resource raw. kustomize matches the name and
// namespace an object had in its resource file or has when the patch runs;
// what it has then is not known here, so the resource file's and the
// output's are tried (an over-approximation: a layer still points at the
// patch only where the rendered value is the one the operation set).
// Labels and annotations are those of either.
func (p *jsonPatch) matches(o, raw *source.Object) bool {
	if p.target == nil {
		return false // kustomize requires a target for a JSON6902 patch
	}
	sr, err := types.NewSelectorRegex(p.target)
	if err != nil {
		return false
	}
	group, version := resid.ParseGroupVersion(o.APIVersion())
	gvk := resid.NewGvk(group, version, o.Kind())
	if !sr.MatchGvk(gvk) {
		return false
	}
	if !sr.MatchName(raw.Name()) && !sr.MatchName(o.Name()) {
		return false
	}
	ns := func(x *source.Object) string {
		return resid.NewResIdWithNamespace(gvk, x.Name(), x.Namespace()).EffectiveNamespace()
	}
	if !sr.MatchNamespace(ns(raw)) && !sr.MatchNamespace(ns(o)) {
		return false
	}
	selects := func(sel string, set func(*source.Object) map[string]string) bool {
		if sel == "" {
			return true
		}
		s, err := labels.Parse(sel)
		if err != nil {
			return false
		}
		return s.Matches(labels.Set(set(raw))) || s.Matches(labels.Set(set(o)))
	}
	return selects(p.target.LabelSelector, (*source.Object).Labels) && selects(p.target.AnnotationSelector, (*source.Object).Annotations)
}

// selector reads a patch entry's target.
func selector(v any) *types.Selector {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	s := func(k string) string { str, _ := m[k].(string); return str }
	sel := &types.Selector{LabelSelector: s("labelSelector"), AnnotationSelector: s("annotationSelector")}
	sel.Group, sel.Version, sel.Kind = s("group"), s("version"), s("kind")
	sel.Name, sel.Namespace = s("name"), s("namespace")
	return sel
}

// step is one step of a path through an object: a key or a list index.
type step struct {
	key     string
	index   int
	isIndex bool
}

// layers returns the layers that locate what the operation set in data,
// the object kustomize rendered (after every patch). Its list indexes are
// found in data: "-" (an append) is the last element equal to the value,
// N the first equal one from N on (a later insert before it moves it).
//
// What a value-less operation set is located where the operation says:
// copy and move at their from (the whole value there: its fields are
// written elsewhere in the object, at a opPlace the layering cannot follow).
// An insert into a list or a removal from one moves the elements after it,
// which the other layers and the resource's text would locate at the
// elements that were at their index before: those are located at the
// operation instead, a line that is right if not precise.
func (op jsonOp) layers(data map[string]any) []*source.Object {
	var out []*source.Object
	switch op.op {
	case "add", "replace":
		if !op.hasValue {
			return nil
		}
		parent, last, ok := walk(data, op.path)
		if !ok {
			return nil
		}
		at, ok := op.target(parent, last, op.op == "add", func(v any) bool { return reflect.DeepEqual(v, op.value) })
		if !ok {
			return nil
		}
		if l, isList := parent.container.([]any); isList && op.op == "add" && last != "-" {
			out = append(out, op.shifted(parent.steps, l, at.index+1))
		}
		return append(out, op.valueLayers(at.steps(parent.steps), op.value, op.node)...)
	case "remove":
		parent, last, ok := walk(data, op.path)
		if l, isList := parent.container.([]any); ok && isList {
			if i, err := strconv.Atoi(last); err == nil && i >= 0 {
				out = append(out, op.shifted(parent.steps, l, i))
			}
		}
		return out
	case "copy", "move":
		parent, last, ok := walk(data, op.path)
		if !ok {
			return nil
		}
		if op.op == "move" {
			if fp, flast, ok := walk(data, op.from); ok {
				if l, isList := fp.container.([]any); isList {
					if i, err := strconv.Atoi(flast); err == nil && i >= 0 {
						out = append(out, op.shifted(fp.steps, l, i))
					}
				}
			}
		}
		at, ok := op.target(parent, last, true, func(any) bool { return true })
		if !ok {
			return out
		}
		if l, isList := parent.container.([]any); isList && last != "-" {
			out = append(out, op.shifted(parent.steps, l, at.index+1))
		}
		v := parent.value(at)
		return append(out, layerAt(at.steps(parent.steps), v, op.file, op.fromLine, op.fromCol))
	}
	return nil
}

// opPlace is the container of an operation's last token in the rendered
// object, and the steps to it.
type opPlace struct {
	steps     []step
	container any // map[string]any or []any
}

func (p opPlace) value(s step) any {
	if s.isIndex {
		return p.container.([]any)[s.index]
	}
	return p.container.(map[string]any)[s.key]
}

func (s step) steps(parent []step) []step {
	return append(append([]step(nil), parent...), s)
}

// walk follows all but the last token of a pointer through data.
func walk(data map[string]any, toks []string) (opPlace, string, bool) {
	if len(toks) == 0 {
		return opPlace{}, "", false
	}
	var cur any = data
	var steps []step
	for _, t := range toks[:len(toks)-1] {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[t]
			if !ok {
				return opPlace{}, "", false
			}
			steps, cur = append(steps, step{key: t}), next
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return opPlace{}, "", false
			}
			steps, cur = append(steps, step{index: i, isIndex: true}), c[i]
		default:
			return opPlace{}, "", false
		}
	}
	switch cur.(type) {
	case map[string]any, []any:
		return opPlace{steps: steps, container: cur}, toks[len(toks)-1], true
	}
	return opPlace{}, "", false
}

// target finds the last token in its container: a key the rendered object
// has, or a list element (for an insert, one that equal says is the
// operation's).
func (op jsonOp) target(p opPlace, last string, insert bool, equal func(any) bool) (step, bool) {
	switch c := p.container.(type) {
	case map[string]any:
		if _, ok := c[last]; ok {
			return step{key: last}, true
		}
	case []any:
		if last == "-" {
			if !insert {
				return step{}, false
			}
			for i := len(c) - 1; i >= 0; i-- {
				if equal(c[i]) {
					return step{index: i, isIndex: true}, true
				}
			}
			return step{}, false
		}
		n, err := strconv.Atoi(last)
		if err != nil || n < 0 {
			return step{}, false
		}
		for i := n; i < len(c); i++ {
			if equal(c[i]) {
				return step{index: i, isIndex: true}, true
			}
			if !insert {
				break
			}
		}
	}
	return step{}, false
}

// shifted locates the elements of list (at steps) from index from on at
// the operation: an insert or a removal before them moved them.
func (op jsonOp) shifted(steps []step, list []any, from int) *source.Object {
	if from >= len(list) {
		return nil
	}
	moved := make([]any, len(list))
	copy(moved[from:], list[from:])
	return layerAt(steps, moved, op.file, op.line, op.col)
}

// valueLayers locates value, written as n, at steps, and each of its
// fields at its own line.
func (op jsonOp) valueLayers(steps []step, value any, n *yaml.Node) []*source.Object {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	col := n.Column
	if op.inline {
		col = 0
	}
	out := []*source.Object{layerAt(steps, value, op.file, n.Line+op.offset, col)}
	switch n.Kind {
	case yaml.MappingNode:
		m, _ := value.(map[string]any)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			v, ok := m[k.Value]
			if k.Kind != yaml.ScalarNode || !ok || k.Value == "<<" {
				continue
			}
			out = append(out, op.valueLayers(step{key: k.Value}.steps(steps), v, n.Content[i+1])...)
		}
	case yaml.SequenceNode:
		l, _ := value.([]any)
		for i, item := range n.Content {
			if i < len(l) {
				out = append(out, op.valueLayers(step{index: i, isIndex: true}.steps(steps), l[i], item)...)
			}
		}
	}
	return out
}

// layerAt is a layer that holds value at steps and has no text: every
// field of it is located at file:line:col.
func layerAt(steps []step, value any, file string, line, col int) *source.Object {
	if len(steps) == 0 || steps[0].isIndex {
		return nil
	}
	v := value
	for i := len(steps) - 1; i >= 0; i-- {
		if s := steps[i]; s.isIndex {
			l := make([]any, s.index+1)
			l[s.index] = v
			v = l
		} else {
			v = map[string]any{s.key: v}
		}
	}
	return &source.Object{Data: v.(map[string]any), Origin: source.Origin{File: file, Line: line, Column: col}}
}
