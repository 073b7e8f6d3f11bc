package gitops

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	sigsyaml "sigs.k8s.io/yaml"
)

// unknownValue replaces, in a rendered string, a parameter the generator
// does not give: it holds a template action, so the model reads the field
// as unknown (never as a literal name), and it is a plain YAML scalar, so a
// chart's values written as text still parse around it.
const unknownValue = "meshcheck-unknown{{}}"

// maxRendered bounds the text one template string may render to.
const maxRendered = 1 << 20

// renderer renders the strings of an ApplicationSet's template as Argo CD
// does (applicationset/utils.Render.Replace): with the default fasttemplate
// syntax, {{param}} is the parameter of that name if it is a string, else
// left as written; with goTemplate, each string is a Go text/template
// executed on the parameters with the ApplicationSet's goTemplateOptions.
type renderer struct {
	goTemplate bool
	// missingKey is the missingkey option of goTemplateOptions ("default",
	// "invalid", "zero" or "error").
	missingKey string
	parsed     map[string]*goTmpl
}

// rendered is one rendered string.
type rendered struct {
	out string
	// missing are the parameters the string refers to that the generator
	// does not give; their place in out holds unknownValue.
	missing []string
	// fail is why Argo CD stops rendering (the ApplicationSet then applies
	// no Application at all).
	fail error
	// unknown is why meshcheck cannot render the string (a function or
	// action it does not evaluate): out is then unknownValue.
	unknown string
}

// newRenderer reads goTemplate and goTemplateOptions; an option Argo CD
// cannot apply is an error.
func newRenderer(goTemplate bool, options []string) (*renderer, error) {
	r := &renderer{goTemplate: goTemplate, missingKey: "default", parsed: map[string]*goTmpl{}}
	if !goTemplate {
		return r, nil
	}
	for _, o := range options {
		k, v, ok := strings.Cut(o, "=")
		if !ok || k != "missingkey" {
			return nil, fmt.Errorf("goTemplateOptions %q: text/template knows only missingkey=...", o)
		}
		switch v {
		case "default", "invalid", "zero", "error":
			r.missingKey = v
		default:
			return nil, fmt.Errorf("goTemplateOptions %q: unknown missingkey value", o)
		}
	}
	return r, nil
}

// whatMissingGives says what Argo CD renders for a missing parameter.
func (r *renderer) whatMissingGives(param string) string {
	switch {
	case !r.goTemplate:
		return "Argo CD leaves {{" + param + "}} as written"
	case r.missingKey == "error":
		return "Argo CD renders an empty string for it through index"
	case r.missingKey == "zero":
		return "Argo CD renders an empty string"
	}
	return "Argo CD renders <no value>, or through index an empty string"
}

// render renders s with the parameters.
func (r *renderer) render(s string, params map[string]any) rendered {
	if r.goTemplate {
		return r.renderGo(s, params)
	}
	return renderFast(s, params)
}

// isTemplated is Argo CD's test for a string fasttemplate renders: some
// line holds {{ and, after it, }}.
var isTemplated = regexp.MustCompile(".*{{.*}}.*")

// renderFast is fasttemplate's rendering as Argo CD calls it: a tag that
// names no string parameter is left as written (here: unknownValue), a
// {{ without a }} after it is an error.
func renderFast(s string, params map[string]any) rendered {
	if !isTemplated.MatchString(s) {
		return rendered{out: s}
	}
	var b strings.Builder
	var res rendered
	ok := fastTags(s, func(text string) { b.WriteString(text) }, func(raw string) {
		tag := strings.TrimSpace(raw)
		if v, ok := params[tag].(string); ok && tag != "" {
			b.WriteString(v)
			return
		}
		b.WriteString(unknownValue)
		if !slices.Contains(res.missing, tag) {
			res.missing = append(res.missing, tag)
		}
	})
	if !ok {
		return rendered{fail: fmt.Errorf("%q has {{ without }}", s)}
	}
	res.out = b.String()
	return res
}

// fastTags walks s as fasttemplate does: text calls literal text, tag the
// inside of each {{ }}. It returns false at a {{ without a }} after it.
func fastTags(s string, text, tag func(string)) bool {
	for rest := s; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			text(rest)
			return true
		}
		text(rest[:i])
		rest = rest[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return false
		}
		tag(rest[:j])
		rest = rest[j+2:]
	}
}

// goTmpl is one template string parsed twice: as Argo CD executes it, and
// strictly, to find the parameters it refers to that are not given.
type goTmpl struct {
	faithful, strict *template.Template
	// refs are the parameters it refers to ({{.a.b}}, {{index .a "b"}}).
	refs    [][]string
	fail    error
	unknown string
}

// goFuncs are the functions of Sprig and Argo CD that meshcheck evaluates
// (the common ones in templates of names); a template calling another one
// is not evaluated.
var goFuncs = template.FuncMap{
	"default": func(d any, v ...any) any {
		if len(v) == 0 || empty(v[0]) {
			return d
		}
		return v[0]
	},
	"lower":      strings.ToLower,
	"upper":      strings.ToUpper,
	"trim":       strings.TrimSpace,
	"trimPrefix": func(p, s string) string { return strings.TrimPrefix(s, p) },
	"trimSuffix": func(p, s string) string { return strings.TrimSuffix(s, p) },
	"replace":    func(o, n, s string) string { return strings.ReplaceAll(s, o, n) },
	"quote": func(v ...any) string {
		var out []string
		for _, e := range v {
			if e != nil {
				out = append(out, fmt.Sprintf("%q", fmt.Sprint(e)))
			}
		}
		return strings.Join(out, " ")
	},
	"squote": func(v ...any) string {
		var out []string
		for _, e := range v {
			if e != nil {
				out = append(out, "'"+fmt.Sprint(e)+"'")
			}
		}
		return strings.Join(out, " ")
	},
	"toString": func(v any) string { return fmt.Sprint(v) },
	// Sprig's toJson (which prints nothing for what JSON cannot hold) and
	// Argo CD's toYaml, indent and nindent, common in templatePatch.
	"toJson": func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	},
	"toYaml": func(v any) (string, error) {
		b, err := sigsyaml.Marshal(v)
		if err != nil {
			return "", err
		}
		return strings.TrimSuffix(string(b), "\n"), nil
	},
	"hasKey":    func(d map[string]any, k string) bool { _, ok := d[k]; return ok },
	"indent":    indent,
	"nindent":   func(n int, s string) (string, error) { s, err := indent(n, s); return "\n" + s, err },
	"normalize": sanitizeName,
	// text/template's printf, refusing widths and precisions that would
	// build a huge text before any bound on the output applies.
	"printf": func(format string, a ...any) (string, error) {
		if hugeVerb(format) {
			return "", errors.New("printf with a width or precision over 1000")
		}
		return fmt.Sprintf(format, a...), nil
	},
}

// indent is Sprig's, refusing more than 1000 spaces (as printf's widths).
func indent(n int, s string) (string, error) {
	if n > 1000 {
		return "", errors.New("indent by more than 1000 spaces")
	}
	pad := strings.Repeat(" ", max(n, 0))
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
}

var verbWidth = regexp.MustCompile(`%[-+# 0]*(\d*)(?:\.(\d*))?`)

// hugeVerb says whether a format asks for a width or precision over 1000
// (or one given by an argument, "*").
func hugeVerb(format string) bool {
	if strings.Contains(format, "*") {
		return true
	}
	for _, m := range verbWidth.FindAllStringSubmatch(format, -1) {
		for _, n := range m[1:] {
			if len(n) > 3 && strings.TrimLeft(n, "0") != "" && len(strings.TrimLeft(n, "0")) > 3 {
				return true
			}
		}
	}
	return false
}

// strictFuncs add to goFuncs an index that fails on a missing map key, as
// missingkey=error makes field lookups fail.
var strictFuncs = template.FuncMap{"index": strictIndex}

func empty(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Map, reflect.Slice, reflect.Array:
		return rv.Len() == 0
	case reflect.Bool:
		return !rv.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return rv.Int() == 0
	case reflect.Float64, reflect.Float32:
		return rv.Float() == 0
	}
	return false
}

// strictIndex is text/template's index on maps and lists, failing on a map
// key that is not there.
func strictIndex(item any, keys ...any) (any, error) {
	v := reflect.ValueOf(item)
	for _, k := range keys {
		for v.IsValid() && v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		switch {
		case !v.IsValid():
			return nil, errors.New("index of untyped nil")
		case v.Kind() == reflect.Map:
			kv := reflect.ValueOf(k)
			if !kv.IsValid() || !kv.Type().AssignableTo(v.Type().Key()) {
				return nil, fmt.Errorf("index: key %v", k)
			}
			e := v.MapIndex(kv)
			if !e.IsValid() {
				return nil, fmt.Errorf("map has no entry for key %q", fmt.Sprint(k))
			}
			v = e
		case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
			i, ok := k.(int)
			if !ok || i < 0 || i >= v.Len() {
				return nil, fmt.Errorf("index out of range: %v", k)
			}
			v = v.Index(i)
		default:
			return nil, fmt.Errorf("can't index item of type %s", v.Type())
		}
	}
	if !v.IsValid() {
		return nil, nil
	}
	return v.Interface(), nil
}

// parseGo parses s once per renderer.
func (r *renderer) parseGo(s string) *goTmpl {
	if t, ok := r.parsed[s]; ok {
		return t
	}
	t := &goTmpl{}
	r.parsed[s] = t
	faithful, err := template.New("").Funcs(goFuncs).Option("missingkey=" + r.missingKey).Parse(s)
	if err != nil {
		if strings.Contains(err.Error(), "not defined") {
			t.unknown = "it calls a template function meshcheck does not evaluate: " + err.Error()
		} else {
			t.fail = err
		}
		return t
	}
	if why := unevaluated(faithful); why != "" {
		t.unknown = why
		return t
	}
	t.faithful = faithful
	t.refs = references(faithful)
	t.strict = template.Must(template.New("").Funcs(goFuncs).Funcs(strictFuncs).Option("missingkey=error").Parse(s))
	return t
}

// unevaluated says why meshcheck does not execute a template: {{range}}
// and {{template}} may run far longer than the text they render, and a
// template defining others is not a value.
func unevaluated(t *template.Template) string {
	if len(t.Templates()) > 1 {
		return "it defines templates, which meshcheck does not evaluate"
	}
	why := ""
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		if n == nil || why != "" {
			return
		}
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode, *parse.TemplateNode, *parse.BreakNode, *parse.ContinueNode:
			why = "it holds " + n.String() + ", which meshcheck does not evaluate"
		}
	}
	if t.Tree != nil {
		walk(t.Tree.Root)
	}
	return why
}

// references lists the parameters a template refers to: fields of the
// parameters ({{.a.b}}) and index's lookups in them with literal keys.
func references(t *template.Template) [][]string {
	var out [][]string
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" && len(n.Args) > 2 {
				if f, ok := n.Args[1].(*parse.FieldNode); ok {
					ref := slices.Clone(f.Ident)
					for _, a := range n.Args[2:] {
						s, ok := a.(*parse.StringNode)
						if !ok {
							break
						}
						ref = append(ref, s.Text)
					}
					out = append(out, ref)
					return
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			out = append(out, n.Ident)
		case *parse.ChainNode:
			walk(n.Node)
		}
	}
	if t.Tree != nil {
		walk(t.Tree.Root)
	}
	return out
}

// resolves says whether the parameters hold path.
func resolves(params map[string]any, path []string) bool {
	var cur any = params
	for _, k := range path {
		switch m := cur.(type) {
		case map[string]any:
			v, ok := m[k]
			if !ok {
				return false
			}
			cur = v
		case map[string]string:
			v, ok := m[k]
			if !ok {
				return false
			}
			cur = v
		default:
			return false
		}
	}
	return true
}

// renderGo executes s as Argo CD does. A parameter the strict execution
// finds missing leaves its field unknown, whatever Argo CD would print
// for it (<no value>, or the zero value), unless Argo CD stops there
// (missingkey=error).
func (r *renderer) renderGo(s string, params map[string]any) rendered {
	if !strings.Contains(s, "{{") {
		return rendered{out: s}
	}
	t := r.parseGo(s)
	switch {
	case t.fail != nil:
		return rendered{fail: t.fail}
	case t.unknown != "":
		return rendered{out: unknownValue, unknown: t.unknown}
	}
	var b limitedBuilder
	err := t.faithful.Execute(&b, params)
	switch {
	case err != nil && missingKey(err) != "":
		return rendered{fail: err} // missingkey=error: Argo CD stops
	case err != nil:
		return rendered{out: unknownValue, unknown: "it does not execute: " + err.Error()}
	}
	var strict limitedBuilder
	if err := t.strict.Execute(&strict, params); err != nil {
		var missing []string
		for _, ref := range t.refs {
			if !resolves(params, ref) {
				missing = append(missing, strings.Join(ref, "."))
			}
		}
		if len(missing) == 0 {
			missing = []string{firstNonEmpty(missingKey(err), err.Error())}
		}
		// The faithful run printed <no value> or a zero value where the
		// parameter is missing: mark its place if it shows, else the whole
		// string is unknown.
		out := b.String()
		if strings.Contains(out, "<no value>") {
			out = strings.ReplaceAll(out, "<no value>", unknownValue)
		} else {
			out = unknownValue
		}
		return rendered{out: out, missing: missing}
	}
	return rendered{out: b.String()}
}

var missingKeyRE = regexp.MustCompile(`map has no entry for key "([^"]*)"`)

// missingKey returns the key a missingkey=error failure names, or "".
func missingKey(err error) string {
	if m := missingKeyRE.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// limitedBuilder stops a template that renders more than maxRendered.
type limitedBuilder struct{ strings.Builder }

func (b *limitedBuilder) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxRendered {
		return 0, errors.New("renders more than 1 MiB")
	}
	return b.Builder.Write(p)
}

// sanitizeName is Argo CD's normalize (utils.SanitizeName): lower case,
// characters other than [-a-z0-9.] made "-", at most 253 characters, no
// leading or trailing "-" or ".".
func sanitizeName(name string) string {
	name = strings.ToLower(name)
	b := []byte(name)
	for i, c := range b {
		if !(c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	name = string(b)
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// paramRef returns the parameter a template string consists of alone
// ({{name}}, {{ .metadata.labels.network }}, {{index .metadata.labels
// "network"}}), as the key its location is recorded under, or false.
func (r *renderer) paramRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{{") || !strings.HasSuffix(s, "}}") {
		return "", false
	}
	if !r.goTemplate {
		inner := s[2 : len(s)-2]
		if strings.Contains(inner, "{{") || strings.Contains(inner, "}}") {
			return "", false
		}
		tag := strings.TrimSpace(inner)
		return tag, tag != ""
	}
	trees, err := parse.Parse("", s, "", "", goFuncs, builtinNames)
	if err != nil || len(trees) != 1 {
		return "", false
	}
	root := trees[""]
	if root == nil || len(root.Root.Nodes) != 1 {
		return "", false
	}
	act, ok := root.Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(act.Pipe.Decl) > 0 || len(act.Pipe.Cmds) != 1 {
		return "", false
	}
	args := act.Pipe.Cmds[0].Args
	switch {
	case len(args) == 1:
		if f, ok := args[0].(*parse.FieldNode); ok {
			return goKey(f.Ident...), true
		}
	case len(args) >= 3:
		id, ok := args[0].(*parse.IdentifierNode)
		f, isField := args[1].(*parse.FieldNode)
		if !ok || id.Ident != "index" || !isField {
			return "", false
		}
		path := slices.Clone(f.Ident)
		for _, a := range args[2:] {
			str, ok := a.(*parse.StringNode)
			if !ok {
				return "", false
			}
			path = append(path, str.Text)
		}
		return goKey(path...), true
	}
	return "", false
}

// builtinNames lets parse.Parse accept text/template's own functions (it
// looks for a non-nil entry).
var builtinNames = func() map[string]any {
	m := map[string]any{}
	for _, n := range strings.Fields("and call html index slice js len not or print printf println urlquery eq ge gt le lt ne") {
		m[n] = true
	}
	return m
}()

// goKey is the key a nested parameter's location is recorded under.
func goKey(path ...string) string { return strings.Join(path, "\x00") }

// lineValue returns what a line of a values text sets (after "key:" or
// "- "), unquoted, or the whole line.
func lineValue(line string) string {
	s := strings.TrimSpace(line)
	if i := strings.Index(s, ": "); i >= 0 && !strings.HasPrefix(s, "{{") {
		s = strings.TrimSpace(s[i+2:])
	} else if strings.HasPrefix(s, "- ") {
		s = strings.TrimSpace(s[2:])
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	return s
}
