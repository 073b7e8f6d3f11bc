package gitops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/source"
)

// An ApplicationSet's spec.templatePatch is applied to each Application
// its template renders, as Argo CD's ApplicationSet controller does
// (applicationset/controllers/template: renderTemplatePatch and
// applyTemplatePatch):
//
//   - the patch is rendered with the same parameters and syntax as the
//     template (Render.Replace): a Go text/template with goTemplate and
//     goTemplateOptions, else fasttemplate, which Argo CD's code applies
//     too although its documentation says templatePatch needs goTemplate;
//   - the text is read as YAML into JSON (utils.ConvertYAMLToJSON, with
//     sigs.k8s.io/yaml) and must unmarshal into an Application: a value of
//     the wrong type for a field is an error;
//   - it is applied with strategicpatch.StrategicMergePatch and the
//     Application type, which has no merge keys: maps merge, lists are
//     replaced, null deletes a key, and a map under helm.valuesObject (a
//     RawExtension) that both the template and the patch hold is an error
//     (argoproj/argo-cd#22850);
//   - the patch cannot change spec.project.
//
// Any error stops Argo CD for the whole ApplicationSet (it creates and
// updates none of its Applications): none is read, and that is listed.
//
// Where a patched value comes from: each value the patch sets points at its
// line in the ApplicationSet file (the line of the block scalar's text that
// rendered it: lines a {{range}} repeats point at the line repeated), or,
// when its line sets one parameter alone ('{{ .network }}'), where the
// generator's value is written. When the rendered lines cannot be mapped
// back to the patch's, every value it sets points at the templatePatch key.

// Bounds on a templatePatch.
const (
	// maxPatchIterations bounds the items all of one rendering's
	// {{range}}s may visit.
	maxPatchIterations = 10000
	// maxPatchNodes bounds the values a patch may set.
	maxPatchNodes = 10000
	// rangeGuard is the function each {{range}}'s pipeline is given, which
	// counts what it visits.
	rangeGuard = "meshcheckRangeGuard"
)

// Markers the line-mapping rendering writes: lineMark, the template line
// in decimal, lineEnd.
const (
	lineMark = '\x00'
	lineEnd  = '\x01'
)

var (
	errRangeBudget = fmt.Errorf("its {{range}}s visit more than %d items", maxPatchIterations)
	errRangeKind   = errors.New("it ranges over something other than a list or map of the parameters")
)

// templatePatch is an ApplicationSet's templatePatch, parsed once.
type templatePatch struct {
	r    *renderer
	text string
	// offset turns a line of text (1-based) into a line of the file; 0 when
	// unknown.
	offset int
	// at is where the templatePatch is written.
	at   loc
	file string
	// lines are the lines of text.
	lines []string
	// goTemplate's parsed forms: as Argo CD runs it, strictly (to find
	// missing parameters), and marked (to map rendered lines back).
	faithful, strict, marked *template.Template
	// refs are the parameters the template refers to, with the template
	// lines each one's value decides.
	refs []patchRef
	// iterations counts what {{range}}s visited in one rendering.
	iterations int
	// fail is why Argo CD cannot parse it; unknown why meshcheck does not
	// evaluate it.
	fail, unknown string
}

// patchRef is a parameter a templatePatch refers to, and the template
// lines (1-based, inclusive) whose output its value decides.
type patchRef struct {
	path       []string
	first, end int
}

// newTemplatePatch reads o's spec.templatePatch, or returns nil.
func newTemplatePatch(o *source.Object, r *renderer) *templatePatch {
	v, ok := o.Get("spec.templatePatch")
	if !ok {
		return nil
	}
	text, _ := v.(string)
	tp := &templatePatch{r: r, text: text, at: locOf(o, "spec.templatePatch"), file: o.Origin.File, lines: strings.Split(text, "\n")}
	if _, isString := v.(string); !isString && v != nil {
		tp.fail = "spec.templatePatch is not a string"
		return tp
	}
	tp.offset = textOffset(o, "spec.templatePatch")
	if r.goTemplate {
		tp.parse()
	}
	return tp
}

// textOffset returns what turns a line of the text at path of o (1-based)
// into a line of o's file, as Object.Embedded locates it, or 0 when o's
// text is not known.
func textOffset(o *source.Object, path string) int {
	c := *o
	c.Data = map[string]any{}
	cur := c.Data
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next := map[string]any{}
		cur[k] = next
		cur = next
	}
	cur[keys[len(keys)-1]] = "x: 0\n"
	objs, _ := c.Embedded(path, source.DefaultLimits())
	if len(objs) != 1 || objs[0].Origin.Line < 1 {
		return 0
	}
	if line, _ := o.Position(path); line == 0 {
		return 0
	}
	return objs[0].Origin.Line - 1
}

// parse parses a goTemplate patch three times (see templatePatch).
func (tp *templatePatch) parse() {
	guard := template.FuncMap{rangeGuard: tp.guard}
	parseOne := func(strict bool) (*template.Template, error) {
		t := template.New("").Funcs(goFuncs).Funcs(guard)
		if strict {
			t = t.Funcs(strictFuncs).Option("missingkey=error")
		} else {
			t = t.Option("missingkey=" + tp.r.missingKey)
		}
		return t.Parse(tp.text)
	}
	faithful, err := parseOne(false)
	if err != nil {
		if strings.Contains(err.Error(), "not defined") {
			tp.unknown = "it calls a template function meshcheck does not evaluate: " + err.Error()
		} else {
			tp.fail = err.Error()
		}
		return
	}
	if len(faithful.Templates()) > 1 || holdsTemplateCall(faithful.Tree.Root) {
		tp.unknown = "it defines or calls templates, which meshcheck does not evaluate"
		return
	}
	strict, _ := parseOne(true)
	marked, _ := parseOne(false)
	for _, t := range []*template.Template{faithful, strict, marked} {
		guardRanges(t.Tree, t.Tree.Root)
	}
	tp.markLines(marked.Tree, marked.Tree.Root)
	tp.faithful, tp.strict, tp.marked = faithful, strict, marked
	tp.refs = tp.patchRefs(faithful.Tree.Root)
}

// guard is given each {{range}}'s value: it counts the items, and refuses
// what the parameters cannot hold (a number would run as long as it says).
func (tp *templatePatch) guard(v any) (any, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return v, nil
	case reflect.Slice, reflect.Array, reflect.Map:
		tp.iterations += rv.Len()
		if tp.iterations > maxPatchIterations {
			return nil, errRangeBudget
		}
		return v, nil
	}
	return nil, errRangeKind
}

func holdsTemplateCall(n parse.Node) bool {
	found := false
	walkTemplate(n, func(n parse.Node) {
		if _, ok := n.(*parse.TemplateNode); ok {
			found = true
		}
	})
	return found
}

// walkTemplate calls f on n and every node below it.
func walkTemplate(n parse.Node, f func(parse.Node)) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	f(n)
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			walkTemplate(c, f)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, f)
	case *parse.IfNode:
		walkTemplate(n.Pipe, f)
		walkTemplate(n.List, f)
		walkTemplate(n.ElseList, f)
	case *parse.WithNode:
		walkTemplate(n.Pipe, f)
		walkTemplate(n.List, f)
		walkTemplate(n.ElseList, f)
	case *parse.RangeNode:
		walkTemplate(n.Pipe, f)
		walkTemplate(n.List, f)
		walkTemplate(n.ElseList, f)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walkTemplate(c, f)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkTemplate(a, f)
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, f)
	}
}

// guardRanges gives every {{range}}'s pipeline the guard as its last
// command.
func guardRanges(tree *parse.Tree, root parse.Node) {
	walkTemplate(root, func(n parse.Node) {
		r, ok := n.(*parse.RangeNode)
		if !ok || r.Pipe == nil {
			return
		}
		id := parse.NewIdentifier(rangeGuard).SetTree(tree).SetPos(r.Pipe.Pos)
		r.Pipe.Cmds = append(r.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: r.Pipe.Pos, Args: []parse.Node{id}})
	})
}

// lineOf is the 1-based line of the byte at pos of the patch's text.
func (tp *templatePatch) lineOf(pos parse.Pos) int {
	p := min(max(int(pos), 0), len(tp.text))
	return strings.Count(tp.text[:p], "\n") + 1
}

func mark(line int) string {
	return string(lineMark) + strconv.Itoa(line) + string(lineEnd)
}

// markLines makes the marked template write, before each piece of its
// output, the template line the piece comes from.
func (tp *templatePatch) markLines(tree *parse.Tree, root parse.Node) {
	walkTemplate(root, func(n parse.Node) {
		list, ok := n.(*parse.ListNode)
		if !ok {
			return
		}
		var nodes []parse.Node
		for _, c := range list.Nodes {
			switch c := c.(type) {
			case *parse.TextNode:
				var b strings.Builder
				line := tp.lineOf(c.Pos)
				b.WriteString(mark(line))
				for _, ch := range c.Text {
					b.WriteByte(ch)
					if ch == '\n' {
						line++
						b.WriteString(mark(line))
					}
				}
				c.Text = []byte(b.String())
			case *parse.ActionNode:
				nodes = append(nodes, &parse.TextNode{NodeType: parse.NodeText, Pos: c.Pos, Text: []byte(mark(tp.lineOf(c.Pos)))})
			}
			nodes = append(nodes, c)
		}
		list.Nodes = nodes
	})
}

// patchRefs lists the parameters the template refers to, each with the
// lines its value decides: its action's line, or the whole of the
// {{if}}, {{with}} or {{range}} whose pipeline it is in.
func (tp *templatePatch) patchRefs(root parse.Node) []patchRef {
	var out []patchRef
	lastLine := func(n parse.Node) int {
		end := tp.lineOf(n.Position())
		walkTemplate(n, func(c parse.Node) {
			e := tp.lineOf(c.Position())
			if t, ok := c.(*parse.TextNode); ok {
				e += bytes.Count(t.Text, []byte("\n"))
			}
			end = max(end, e)
		})
		return end
	}
	var visit func(n parse.Node, rebound bool)
	visit = func(n parse.Node, rebound bool) {
		if n == nil || reflect.ValueOf(n).IsNil() {
			return
		}
		var pipe *parse.PipeNode
		var lists []*parse.ListNode
		inner := rebound // whether . in the lists is no longer the parameters
		switch n := n.(type) {
		case *parse.ListNode:
			for _, c := range n.Nodes {
				visit(c, rebound)
			}
			return
		case *parse.ActionNode:
			pipe = n.Pipe
		case *parse.IfNode:
			pipe, lists = n.Pipe, []*parse.ListNode{n.List, n.ElseList}
		case *parse.WithNode:
			pipe, lists, inner = n.Pipe, []*parse.ListNode{n.List, n.ElseList}, true
		case *parse.RangeNode:
			pipe, lists, inner = n.Pipe, []*parse.ListNode{n.List, n.ElseList}, true
		default:
			return
		}
		first := tp.lineOf(n.Position())
		end := lastLine(n)
		if pipe != nil && !rebound {
			t := &template.Template{Tree: &parse.Tree{Root: &parse.ListNode{NodeType: parse.NodeList, Nodes: []parse.Node{&parse.ActionNode{NodeType: parse.NodeAction, Pipe: pipe}}}}}
			for _, ref := range references(t) {
				out = append(out, patchRef{path: ref, first: first, end: end})
			}
		}
		for _, l := range lists {
			visit(l, inner)
		}
	}
	visit(root, false)
	return out
}

// patchText is a templatePatch rendered with one parameter set.
type patchText struct {
	// text is what Argo CD renders.
	text string
	// lines are the template lines (1-based) of each line of text, or nil
	// when not known.
	lines []int
	// missing are the parameters the patch refers to that the generators
	// do not give; unknownLines the template lines they decide.
	missing      []string
	unknownLines map[int]bool
	fail         error
	unknown      string
}

// render renders the patch with one parameter set.
func (tp *templatePatch) render(params map[string]any) patchText {
	if !tp.r.goTemplate {
		return tp.renderFast(params)
	}
	switch {
	case tp.fail != "":
		return patchText{fail: errors.New(tp.fail)}
	case tp.unknown != "":
		return patchText{unknown: tp.unknown}
	}
	run := func(t *template.Template) (string, error) {
		tp.iterations = 0
		var b limitedBuilder
		err := t.Execute(&b, params)
		return b.String(), err
	}
	out, err := run(tp.faithful)
	switch {
	case err != nil && guardError(err):
		return patchText{unknown: guardWhy(err)}
	case err != nil && missingKey(err) != "":
		return patchText{fail: err} // missingkey=error: Argo CD stops
	case err != nil:
		return patchText{unknown: "it does not execute: " + err.Error()}
	}
	res := patchText{text: out}
	if marked, err := run(tp.marked); err == nil {
		res.lines = unmark(marked, out)
	}
	if _, err := run(tp.strict); err != nil {
		res.unknownLines = map[int]bool{}
		for _, ref := range tp.refs {
			if resolves(params, ref.path) {
				continue
			}
			name := strings.Join(ref.path, ".")
			if !slices.Contains(res.missing, name) {
				res.missing = append(res.missing, name)
			}
			for l := ref.first; l <= ref.end; l++ {
				res.unknownLines[l] = true
			}
		}
		if len(res.missing) == 0 {
			// Something else fails strictly (a missing key of an item a
			// {{range}} visits): which lines it decides is not known.
			res.missing = []string{firstNonEmpty(missingKey(err), err.Error())}
			res.lines = nil
		}
	}
	return res
}

func guardError(err error) bool {
	return errors.Is(err, errRangeBudget) || errors.Is(err, errRangeKind) || strings.Contains(err.Error(), rangeGuard)
}

func guardWhy(err error) string {
	switch {
	case errors.Is(err, errRangeBudget):
		return errRangeBudget.Error()
	case errors.Is(err, errRangeKind):
		return errRangeKind.Error()
	}
	return err.Error()
}

// unmark returns the template line of each line of the marked rendering
// (where its first non-blank character comes from), or nil when the
// rendering without its marks is not plain.
func unmark(marked, plain string) []int {
	var b strings.Builder
	var lines []int
	cur, lineStart, decided := 1, true, false
	for i := 0; i < len(marked); i++ {
		c := marked[i]
		if c == lineMark {
			j := strings.IndexByte(marked[i:], lineEnd)
			if j < 0 {
				return nil
			}
			n, err := strconv.Atoi(marked[i+1 : i+j])
			if err != nil {
				return nil
			}
			cur = n
			i += j
			continue
		}
		if lineStart {
			lines = append(lines, cur)
			lineStart, decided = false, false
		}
		if !decided && c != ' ' && c != '\t' && c != '\n' {
			lines[len(lines)-1] = cur
			decided = true
		}
		b.WriteByte(c)
		if c == '\n' {
			lineStart = true
		}
	}
	if lineStart {
		lines = append(lines, cur)
	}
	if b.String() != plain || len(lines) != strings.Count(plain, "\n")+1 {
		return nil
	}
	return lines
}

// renderFast renders the patch with fasttemplate as Argo CD does: a tag
// that names no string parameter stays as written.
func (tp *templatePatch) renderFast(params map[string]any) patchText {
	s := tp.text
	if !isTemplated.MatchString(s) {
		return patchText{text: s, lines: identityLines(s)}
	}
	var b strings.Builder
	var res patchText
	multiline := false
	ok := fastTags(s, func(text string) { b.WriteString(text) }, func(raw string) {
		tag := strings.TrimSpace(raw)
		if v, ok := params[tag].(string); ok && tag != "" {
			b.WriteString(v)
			multiline = multiline || strings.Contains(v, "\n") || strings.Contains(raw, "\n")
			return
		}
		b.WriteString("{{" + raw + "}}")
		if !slices.Contains(res.missing, tag) {
			res.missing = append(res.missing, tag)
		}
	})
	if !ok {
		return patchText{fail: fmt.Errorf("the templatePatch has {{ without }}")}
	}
	res.text = b.String()
	if !multiline {
		res.lines = identityLines(res.text)
	}
	return res
}

func identityLines(s string) []int {
	lines := make([]int, strings.Count(s, "\n")+1)
	for i := range lines {
		lines[i] = i + 1
	}
	return lines
}

// patched is an Application's data once patched, and where what the patch
// set is written.
type patched struct {
	data   map[string]any
	layers []*source.Object
	// texts locate the lines of the texts (helm.values) the patch sets;
	// replaced lists the paths of texts it sets or deletes.
	texts    map[string]map[int]lineLoc
	replaced []string
	missing  []string
	fail     error
	unknown  string
}

// apply renders the patch with p and applies it to data (which it
// changes).
func (tp *templatePatch) apply(data map[string]any, p paramSet, budget *int) patched {
	pt := tp.render(p.vals)
	*budget -= len(pt.text)
	switch {
	case pt.fail != nil:
		return patched{fail: pt.fail}
	case pt.unknown != "":
		return patched{unknown: pt.unknown}
	case *budget < 0:
		return patched{unknown: "it renders too large a text"}
	}
	patch, err := patchJSON(pt.text)
	if err != nil {
		return patched{fail: err}
	}
	if patch == nil {
		return patched{data: data}
	}
	if err := checkApplication(patch, nil); err != nil {
		return patched{fail: fmt.Errorf("invalid templatePatch: %w", err)}
	}
	if k := directive(patch); k != "" {
		return patched{unknown: fmt.Sprintf("it holds the strategic merge directive %s, which meshcheck does not apply", k)}
	}
	var doc yaml.Node
	_ = yaml.Unmarshal([]byte(pt.text), &doc)
	pos := map[string]*yaml.Node{}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		nodePositions(doc.Content[0], nil, pos)
	}
	res := patched{missing: pt.missing}
	// A parameter not given leaves what it decides unknown.
	if len(pt.missing) > 0 {
		if pt.lines == nil && tp.r.goTemplate {
			return patched{missing: pt.missing, unknown: fmt.Sprintf("it uses the parameter %q, which the generators do not give, and which of its lines that decides is not known", pt.missing[0])}
		}
		markUnknown(patch, nil, func(path []seg, v any) bool {
			if s, ok := v.(string); ok && (strings.Contains(s, "<no value>") || templated(s)) {
				return true
			}
			n := pos[pathString(path)]
			return n != nil && pt.lines != nil && n.Line <= len(pt.lines) && pt.unknownLines[pt.lines[n.Line-1]]
		})
	}
	count := 0
	var tooMany bool
	walkNodes(patch, nil, func(path []seg, v any) {
		if count++; count > maxPatchNodes {
			tooMany = true
			return
		}
		if v == nil || len(path) == 0 {
			return
		}
		res.layers = append(res.layers, layer(path, v, tp.locate(path, v, pos[pathString(path)], pt, p)))
	})
	if tooMany {
		return patched{unknown: fmt.Sprintf("it sets more than %d values", maxPatchNodes)}
	}
	res.texts = map[string]map[int]lineLoc{}
	for _, prefix := range sourcePrefixes(patch) {
		path := prefix + ".helm.values"
		v, ok := getPath(patch, path)
		if !ok {
			continue
		}
		res.replaced = append(res.replaced, path)
		if s, isString := v.(string); isString {
			res.texts[path] = tp.textLines(s, pos[path], pt, p)
		}
	}
	project, hasProject := getPath(data, "spec.project")
	merged, err := strategicpatch.StrategicMergeMapPatchUsingLookupPatchMeta(data, deepCopy(patch).(map[string]any), appSchema{})
	if err != nil {
		return patched{fail: fmt.Errorf("applying the templatePatch: %w", err)}
	}
	// Argo CD keeps the template's project whatever the patch says.
	spec, _ := merged["spec"].(map[string]any)
	if spec != nil {
		delete(spec, "project")
		if hasProject {
			spec["project"] = project
		}
	}
	res.data = merged
	return res
}

// locate says where the value at path that the patch sets is written.
func (tp *templatePatch) locate(path []seg, v any, n *yaml.Node, pt patchText, p paramSet) loc {
	line, ok := tp.templateLine(n, pt)
	if !ok {
		return tp.at
	}
	if text, isScalar := scalarText(v); isScalar && line <= len(tp.lines) {
		if l, ok := tp.paramLoc(line, text, p); ok {
			return l
		}
	}
	return loc{file: tp.file, line: tp.offset + line}
}

// paramLoc returns where the generator's value is written when line of
// the patch sets one parameter alone and value is that parameter's (not
// an item's a {{range}} or {{with}} gives the same name).
func (tp *templatePatch) paramLoc(line int, value string, p paramSet) (loc, bool) {
	ref, ok := tp.r.paramRef(lineValue(tp.lines[line-1]))
	if !ok {
		return loc{}, false
	}
	l, ok := p.locs[ref]
	if !ok {
		return loc{}, false
	}
	var v any
	if tp.r.goTemplate {
		var cur any = p.vals
		for _, k := range strings.Split(ref, "\x00") {
			m, isMap := asMap(cur)
			if !isMap {
				return loc{}, false
			}
			if cur, ok = m[k]; !ok {
				return loc{}, false
			}
		}
		v = cur
	} else if v, ok = p.vals[ref]; !ok {
		return loc{}, false
	}
	if s, isScalar := scalarText(v); !isScalar || s != value {
		return loc{}, false
	}
	return l, true
}

// templateLine returns the line of the patch's text (1-based) that
// rendered node n.
func (tp *templatePatch) templateLine(n *yaml.Node, pt patchText) (int, bool) {
	if n == nil || pt.lines == nil || tp.offset == 0 || n.Line < 1 || n.Line > len(pt.lines) {
		return 0, false
	}
	return pt.lines[n.Line-1], true
}

// textLines locates each line of a text (helm.values) the patch sets.
func (tp *templatePatch) textLines(text string, n *yaml.Node, pt patchText, p paramSet) map[int]lineLoc {
	out := map[int]lineLoc{}
	count := strings.Count(text, "\n") + 1
	if n == nil || n.Style&yaml.LiteralStyle == 0 || pt.lines == nil || tp.offset == 0 {
		// Where each line is is not known: the text's key, or the patch.
		at := tp.at
		if line, ok := tp.templateLine(n, pt); ok {
			at = loc{file: tp.file, line: tp.offset + line}
		}
		for i := range count {
			out[i] = lineLoc{at: at, any: true}
		}
		return out
	}
	rendered := strings.Split(pt.text, "\n")
	for i := range count {
		rl := n.Line + 1 + i // the text starts on the line after |
		if rl > len(pt.lines) {
			break
		}
		line := pt.lines[rl-1]
		ll := lineLoc{at: loc{file: tp.file, line: tp.offset + line}, any: true}
		if value := lineValue(rendered[rl-1]); line <= len(tp.lines) {
			if l, ok := tp.paramLoc(line, value, p); ok {
				// Only where the line still holds the parameter's value.
				ll = lineLoc{value: value, at: l}
			}
		}
		out[i] = ll
	}
	return out
}

// patchJSON reads a rendered patch as Argo CD does: JSON when it starts
// with {, else YAML converted to JSON; nil for an empty patch.
func patchJSON(text string) (map[string]any, error) {
	js := []byte(text)
	if t := strings.TrimSpace(text); t == "" || t[0] != '{' {
		var err error
		if js, err = sigsyaml.YAMLToJSON([]byte(text)); err != nil {
			return nil, fmt.Errorf("the templatePatch does not read as YAML: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the templatePatch does not read as JSON: %w", err)
	}
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("invalid templatePatch: %s, not an Application", jsonKind(v))
	}
	return numbers(m).(map[string]any), nil
}

// numbers turns JSON numbers into int64 or float64, as source reads them.
func numbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = numbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = numbers(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// appField is what Argo CD's Application type holds at a field, as far as
// a patch can get it wrong (json.Unmarshal into the Application).
type appField struct {
	kind   string // object, map (of strings), list, string, bool, int, raw
	fields map[string]*appField
	elem   *appField
}

var (
	fString = &appField{kind: "string"}
	fBool   = &appField{kind: "bool"}
	fInt    = &appField{kind: "int"}
	fRaw    = &appField{kind: "raw"}
	fMap    = &appField{kind: "map"}
	fAny    = &appField{kind: "object"} // fields not checked
)

func fObject(fields map[string]*appField) *appField { return &appField{kind: "object", fields: fields} }
func fList(elem *appField) *appField                { return &appField{kind: "list", elem: elem} }

// applicationFields are the fields of an Application meshcheck checks.
var applicationFields = func() *appField {
	strs := fList(fString)
	helm := fObject(map[string]*appField{
		"valueFiles": strs, "values": fString, "valuesObject": fRaw, "releaseName": fString,
		"parameters":     fList(fObject(map[string]*appField{"name": fString, "value": fString, "forceString": fBool})),
		"fileParameters": fList(fObject(map[string]*appField{"name": fString, "path": fString})),
		"version":        fString, "namespace": fString, "kubeVersion": fString, "apiVersions": strs,
		"passCredentials": fBool, "ignoreMissingValueFiles": fBool, "skipCrds": fBool, "skipTests": fBool, "skipSchemaValidation": fBool,
	})
	src := fObject(map[string]*appField{
		"repoURL": fString, "path": fString, "targetRevision": fString, "chart": fString, "ref": fString, "name": fString,
		"helm": helm, "kustomize": fAny, "directory": fAny, "plugin": fAny,
	})
	return fObject(map[string]*appField{
		"metadata": fObject(map[string]*appField{
			"name": fString, "namespace": fString, "generateName": fString,
			"labels": fMap, "annotations": fMap, "finalizers": strs,
		}),
		"spec": fObject(map[string]*appField{
			"project": fString, "source": src, "sources": fList(src),
			"destination": fObject(map[string]*appField{"server": fString, "namespace": fString, "name": fString}),
			"syncPolicy": fObject(map[string]*appField{
				"automated":                fObject(map[string]*appField{"prune": fBool, "selfHeal": fBool, "allowEmpty": fBool, "enabled": fBool}),
				"syncOptions":              strs,
				"retry":                    fObject(map[string]*appField{"limit": fInt, "backoff": fObject(map[string]*appField{"duration": fString, "factor": fInt, "maxDuration": fString})}),
				"managedNamespaceMetadata": fObject(map[string]*appField{"labels": fMap, "annotations": fMap}),
			}),
			"ignoreDifferences":    fList(fObject(map[string]*appField{"group": fString, "kind": fString, "name": fString, "namespace": fString, "jsonPointers": strs, "jqPathExpressions": strs, "managedFieldsManagers": strs})),
			"revisionHistoryLimit": fInt,
			"info":                 fList(fObject(map[string]*appField{"name": fString, "value": fString})),
		}),
	})
}()

// checkApplication says where v is not what an Application holds (null
// fits anything, as json.Unmarshal leaves the field as it is).
func checkApplication(v any, path []seg) error {
	return checkField(applicationFields, v, path)
}

func checkField(f *appField, v any, path []seg) error {
	if v == nil || f.kind == "raw" {
		return nil
	}
	bad := func(want string) error {
		at := pathString(path)
		if at == "" {
			at = "the patch"
		}
		return fmt.Errorf("%s is %s where Argo CD's Application has %s", at, jsonKind(v), want)
	}
	switch f.kind {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if sub, ok := f.fields[k]; ok {
				if err := checkField(sub, m[k], append(slices.Clip(path), seg{key: k, index: -1})); err != nil {
					return err
				}
			}
		}
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return bad("an object of strings")
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := checkField(fString, m[k], append(slices.Clip(path), seg{key: k, index: -1})); err != nil {
				return err
			}
		}
	case "list":
		l, ok := v.([]any)
		if !ok {
			return bad("a list")
		}
		for i, e := range l {
			if err := checkField(f.elem, e, append(slices.Clip(path), seg{index: i})); err != nil {
				return err
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return bad("a string")
		}
	case "bool":
		if _, ok := v.(bool); !ok {
			return bad("a boolean")
		}
	case "int":
		switch n := v.(type) {
		case int64:
		case float64:
			if n != math.Trunc(n) {
				return bad("an integer")
			}
		default:
			return bad("an integer")
		}
	}
	return nil
}

// appSchema is the Application type as strategicpatch looks it up: no
// field has a merge key or strategy (lists are replaced), and
// helm.valuesObject is a RawExtension, whose maps have no fields to merge.
// Fields meshcheck does not know are merged as objects (Argo CD drops them
// once patched).
type appSchema struct {
	path []string
	raw  bool
}

func (s appSchema) LookupPatchMetadataForStruct(key string) (strategicpatch.LookupPatchMeta, strategicpatch.PatchMeta, error) {
	if s.raw {
		return nil, strategicpatch.PatchMeta{}, fmt.Errorf("unable to find api field in struct RawExtension for the json field %q", key)
	}
	p := append(slices.Clip(s.path), key)
	raw := len(p) == 4 && p[0] == "spec" && p[1] == "source" && p[2] == "helm" && p[3] == "valuesObject"
	return appSchema{path: p, raw: raw}, strategicpatch.PatchMeta{}, nil
}

func (s appSchema) LookupPatchMetadataForSlice(key string) (strategicpatch.LookupPatchMeta, strategicpatch.PatchMeta, error) {
	return s.LookupPatchMetadataForStruct(key)
}

func (s appSchema) Name() string { return "Application" }

// directive returns a strategic merge directive key the patch holds
// ($patch, $retainKeys, $setElementOrder/..., ...), or "".
func directive(v any) string {
	found := ""
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if found != "" {
					return
				}
				if strings.HasPrefix(k, "$") {
					found = k
					return
				}
				walk(t[k])
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return found
}

// nodePositions records the YAML node of every value of the rendered
// patch by its path (maps and lists at their first entry, as Position).
func nodePositions(n *yaml.Node, path []seg, out map[string]*yaml.Node) {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return
	}
	if len(path) > 0 {
		out[pathString(path)] = n
	}
	if len(out) > maxPatchNodes {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			nodePositions(n.Content[i+1], append(slices.Clip(path), seg{key: n.Content[i].Value, index: -1}), out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			nodePositions(c, append(slices.Clip(path), seg{index: i}), out)
		}
	}
}

// walkNodes calls f on every value below v (maps and lists too, before
// what they hold).
func walkNodes(v any, path []seg, f func([]seg, any)) {
	f(path, v)
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			walkNodes(t[k], append(slices.Clip(path), seg{key: k, index: -1}), f)
		}
	case []any:
		for i, e := range t {
			walkNodes(e, append(slices.Clip(path), seg{index: i}), f)
		}
	}
}

// markUnknown replaces the scalars of v that unknown says are unknown, and
// all those below a map or list it says is, with unknownValue.
func markUnknown(v any, path []seg, unknown func([]seg, any) bool) any {
	switch t := v.(type) {
	case map[string]any:
		if len(path) > 0 && unknown(path, v) {
			return allUnknown(v)
		}
		for _, k := range slices.Sorted(maps.Keys(t)) {
			t[k] = markUnknown(t[k], append(slices.Clip(path), seg{key: k, index: -1}), unknown)
		}
		return t
	case []any:
		if unknown(path, v) {
			return allUnknown(v)
		}
		for i, e := range t {
			t[i] = markUnknown(e, append(slices.Clip(path), seg{index: i}), unknown)
		}
		return t
	case nil:
		return nil
	}
	if unknown(path, v) {
		return unknownValue
	}
	return v
}

func allUnknown(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = allUnknown(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = allUnknown(e)
		}
		return t
	case nil:
		return nil
	}
	return unknownValue
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// getPath returns the value at a source path (keys and [N]) of data.
func getPath(data map[string]any, path string) (any, bool) {
	return (&source.Object{Data: data}).Get(path)
}

// sourcePrefixes are the paths of the chart sources data holds.
func sourcePrefixes(data map[string]any) []string {
	var out []string
	if _, ok := getPath(data, "spec.source"); ok {
		out = append(out, "spec.source")
	}
	v, _ := getPath(data, "spec.sources")
	list, _ := v.([]any)
	for i := range list {
		out = append(out, fmt.Sprintf("spec.sources[%d]", i))
	}
	return out
}

// patchMaySetChart says whether o's templatePatch may set a source's chart
// or path (which mayInstallIstio reads in the template).
func patchMaySetChart(o *source.Object) bool {
	v, _ := o.Get("spec.templatePatch")
	s, _ := v.(string)
	return patchChartKey.MatchString(s)
}

var patchChartKey = regexp.MustCompile(`(?m)(^|[\s{,"'])(chart|path|sources)["']?\s*:`)
