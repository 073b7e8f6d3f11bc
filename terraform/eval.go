package terraform

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/source"
)

// reader evaluates the expressions of one .tf file.
type reader struct {
	file string // the .tf file as the user named it
	src  []byte // its text
	dir  string // its directory: Terraform's working directory and path.module
	lim  source.Limits

	locals    map[string]hclsyntax.Expression // of the file and its siblings
	providers providers                       // of the module, once a resource uses an alias
	body      *hclsyntax.Body
	// sibs are the module's other files, parsed when a local the file does
	// not define or a provider alias needs them.
	sibs          *[]*hclsyntax.Body
	siblingLocals bool

	// extra are notes made while evaluating, not by a resource's reader.
	extra      []*source.Error
	evaluating map[string]bool // locals being evaluated, against cycles

	// scope holds the names a templatefile's template sees (its variables
	// only), or each/count of a resource instance.
	scope    map[string]*value
	template bool // evaluating a template: only scope is visible

	reasons []string // of the sentinels written (sentinel)
	depth   int
	index   int // Origin.Index of the next object

	// nodes and text count what evaluation has built, against locals that
	// refer to each other twice over (a billion laughs) and templates
	// rendered again and again.
	nodes int
	text  int64
	files map[string]string // read once per Read
}

// textBudget is how much text one file's evaluation may build.
func (r *reader) textBudget() int64 { return 4 * r.lim.MaxFileBytes }

// spend charges n bytes of text, and says whether the budget allows it.
func (r *reader) spend(n int) bool {
	r.text += int64(n)
	return r.text <= r.textBudget()
}

// at returns where rng starts when it is in the .tf file, and the zero
// position otherwise (a local of a sibling file, a template's text).
func (r *reader) at(rng hcl.Range) hcl.Pos {
	if rng.Filename != r.file || r.template {
		return hcl.Pos{}
	}
	return rng.Start
}

// sentinel returns the text that stands for an unknown part of a string.
func (r *reader) sentinel(why string) string {
	r.reasons = append(r.reasons, why)
	return holePrefix + strconv.Itoa(len(r.reasons)-1) + "x"
}

// holePrefix starts the sentinel that stands for an unknown part of a
// string: a plain YAML scalar that no real text holds.
const holePrefix = "meshcheck-not-evaluated-"

// reasonIn returns the reason of the first sentinel in s, or "".
func (r *reader) reasonIn(s string) string {
	i := strings.Index(s, holePrefix)
	if i < 0 {
		return ""
	}
	num, _, _ := strings.Cut(s[i+len(holePrefix):], "x")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n >= len(r.reasons) {
		return "it is built from values meshcheck does not evaluate"
	}
	return r.reasons[n]
}

func (r *reader) eval(x hclsyntax.Expression) *value {
	if x == nil {
		return &value{kind: kindNull}
	}
	pos := r.at(x.Range())
	if r.depth >= r.lim.MaxDepth {
		return unknown(pos, "it is nested more than %d levels deep", r.lim.MaxDepth)
	}
	r.nodes++
	if r.nodes > r.lim.MaxNodes {
		return unknown(pos, "the file builds more than %d values", r.lim.MaxNodes)
	}
	r.depth++
	defer func() { r.depth-- }()
	switch x := x.(type) {
	case *hclsyntax.LiteralValueExpr:
		return literal(x.Val, pos)
	case *hclsyntax.TemplateExpr:
		return r.concat(x, pos)
	case *hclsyntax.TemplateWrapExpr:
		v := r.eval(x.Wrapped)
		return v
	case *hclsyntax.ParenthesesExpr:
		return r.eval(x.Expression)
	case *hclsyntax.UnaryOpExpr:
		v := r.eval(x.Val)
		if x.Op == hclsyntax.OpNegate && v.kind == kindNumber {
			n := *v
			n.pos = pos
			if s, neg := strings.CutPrefix(v.str, "-"); neg {
				n.str = s
			} else {
				n.str = "-" + v.str
			}
			return &n
		}
		return unknown(pos, "an operator meshcheck does not evaluate")
	case *hclsyntax.ObjectConsExpr:
		return r.object(x, pos)
	case *hclsyntax.TupleConsExpr:
		v := &value{kind: kindList, pos: pos}
		for _, e := range x.Exprs {
			v.elems = append(v.elems, r.eval(e))
		}
		return v
	case *hclsyntax.ScopeTraversalExpr:
		return r.traversal(x.Traversal, pos)
	case *hclsyntax.FunctionCallExpr:
		return r.call(x, pos)
	case *hclsyntax.ConditionalExpr:
		return unknown(pos, "a conditional expression, which meshcheck does not evaluate")
	case *hclsyntax.ForExpr:
		return unknown(pos, "a for expression, which meshcheck does not evaluate")
	}
	return unknown(pos, "an expression meshcheck does not evaluate")
}

func literal(v cty.Value, pos hcl.Pos) *value {
	switch {
	case v.IsNull():
		return &value{kind: kindNull, pos: pos}
	case !v.IsKnown():
		return unknown(pos, "an unknown value")
	case v.Type() == cty.String:
		return stringValue(pos, v.AsString())
	case v.Type() == cty.Bool:
		return &value{kind: kindBool, pos: pos, b: v.True()}
	case v.Type() == cty.Number:
		return &value{kind: kindNumber, pos: pos, str: numberText(v.AsBigFloat())}
	}
	return unknown(pos, "a value of type %s", v.Type().FriendlyName())
}

// numberText writes integers that fit in int64 as integers, anything else
// in exponent form (never a million digits for 1e1000000).
func numberText(f *big.Float) string {
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return strconv.FormatInt(i, 10)
		}
	}
	return f.Text('g', -1)
}

// concat concatenates a string template. Unknown parts become sentinels:
// the string is then unknown as a value, but YAML text holding it can still
// be read around them.
func (r *reader) concat(x *hclsyntax.TemplateExpr, pos hcl.Pos) *value {
	if len(x.Parts) == 1 {
		if lit, ok := x.Parts[0].(*hclsyntax.LiteralValueExpr); ok {
			v := literal(lit.Val, pos)
			r.locateText(v, x)
			return v
		}
	}
	var b strings.Builder
	out := &value{kind: kindString, pos: pos}
	for _, p := range x.Parts {
		v := r.eval(p)
		s, ok := v.text()
		switch {
		case !ok || v.kind == kindUnknown:
			why := v.firstUnknown()
			if why == "" {
				why = "it interpolates a value that is not text"
			}
			if out.holeWhy == "" {
				out.holeWhy = why
			}
			b.WriteString(r.sentinel(why))
		case v.holeWhy != "":
			if out.holeWhy == "" {
				out.holeWhy = v.holeWhy
			}
			b.WriteString(s)
		default:
			b.WriteString(s)
		}
		if b.Len() > int(r.lim.MaxFileBytes) {
			return unknown(pos, "its text is larger than %d bytes", r.lim.MaxFileBytes)
		}
	}
	out.str = b.String()
	if !r.spend(len(out.str)) {
		return unknown(pos, "the file builds more than %d bytes of text", r.textBudget())
	}
	r.locateText(out, x)
	return out
}

// locateText records where a heredoc's text starts: on the line after its
// <<EOF marker. A quoted string is one line, also in the .tf file.
func (r *reader) locateText(v *value, x *hclsyntax.TemplateExpr) {
	if v.kind != kindString || r.template || x.SrcRange.Filename != r.file {
		return
	}
	v.textFile, v.textLine = r.file, x.SrcRange.Start.Line
	if len(x.Parts) == 0 || x.Parts[0].Range().Start.Line <= x.SrcRange.Start.Line {
		return
	}
	v.textLine = x.Parts[0].Range().Start.Line // a heredoc
	// A flush heredoc (<<-) loses its lines' common indentation: put it
	// back so that columns are the file's (YAML reads a uniformly indented
	// document the same).
	open, first := x.SrcRange.Start.Byte, x.Parts[0].Range().Start.Byte
	if open < 0 || first > len(r.src) || open >= first || !bytes.HasPrefix(r.src[open:], []byte("<<-")) {
		return
	}
	lineStart := bytes.LastIndexByte(r.src[:first], '\n') + 1
	raw := len(r.src[lineStart:]) - len(bytes.TrimLeft(r.src[lineStart:], " "))
	kept := len(v.str) - len(strings.TrimLeft(v.str, " "))
	if raw > kept {
		v.textIndent = raw - kept
	}
}

func (r *reader) object(x *hclsyntax.ObjectConsExpr, pos hcl.Pos) *value {
	v := &value{kind: kindObject, pos: pos}
	for _, item := range x.Items {
		kpos := r.at(item.KeyExpr.Range())
		key := ""
		if k, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok && !k.ForceNonLiteral {
			key = hcl.ExprAsKeyword(k.Wrapped)
		}
		if key == "" {
			kx := item.KeyExpr
			if k, ok := kx.(*hclsyntax.ObjectConsKeyExpr); ok {
				kx = k.Wrapped
			}
			kv := r.eval(kx)
			s, ok := kv.text()
			if !ok || !kv.known() {
				why := kv.firstUnknown()
				if why == "" {
					why = "it is not text"
				}
				v.keys, v.kpos = append(v.keys, ""), append(v.kpos, kpos)
				v.elems = append(v.elems, unknown(kpos, "its key is not evaluated: %s", why))
				continue
			}
			key = s
		}
		v.keys, v.kpos, v.elems = append(v.keys, key), append(v.kpos, kpos), append(v.elems, r.eval(item.ValueExpr))
	}
	return v
}

// traversal evaluates a reference: path.module, a local, each and count of
// the resource instance, a templatefile variable; anything else is unknown.
func (r *reader) traversal(t hcl.Traversal, pos hcl.Pos) *value {
	root := t.RootName()
	name := traversalName(t)
	if r.template {
		v, ok := r.scope[root]
		if !ok {
			return unknown(pos, "%s is not a variable of the template", root)
		}
		return r.walk(v, t[1:], name, pos)
	}
	switch root {
	case "path":
		if len(t) == 2 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && (a.Name == "module" || a.Name == "root") {
				// The module is the .tf file's directory, the working
				// directory file() and templatefile() resolve paths from.
				return stringValue(pos, ".")
			}
		}
	case "local":
		if len(t) < 2 {
			break
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			break
		}
		x, ok := r.locals[a.Name]
		if !ok && !r.siblingLocals {
			r.addSiblingLocals(r.siblings())
			x, ok = r.locals[a.Name]
		}
		if !ok {
			return unknown(pos, "local.%s is not defined in the module's files", a.Name)
		}
		if r.evaluating[a.Name] {
			return unknown(pos, "local.%s refers to itself", a.Name)
		}
		r.evaluating[a.Name] = true
		v := r.eval(x)
		delete(r.evaluating, a.Name)
		return r.walk(v, t[2:], name, pos)
	case "each", "count":
		if v, ok := r.scope[root]; ok {
			return r.walk(v, t[1:], name, pos)
		}
		return unknown(pos, "%s is used outside a resource with %s", name, map[string]string{"each": "for_each", "count": "count"}[root])
	case "var":
		return unknown(pos, "%s is a variable (its value is given where Terraform runs)", name)
	case "data":
		return unknown(pos, "%s is a data source (read where Terraform runs)", name)
	case "module":
		return unknown(pos, "%s is a module output", name)
	case "terraform":
		return unknown(pos, "%s is known only where Terraform runs", name)
	}
	return unknown(pos, "%s refers to a resource's attributes, known only where Terraform runs", name)
}

// walk applies the rest of a traversal (attributes, indexes) to v.
func (r *reader) walk(v *value, rest hcl.Traversal, name string, pos hcl.Pos) *value {
	for _, step := range rest {
		if v.kind == kindUnknown {
			return v
		}
		var next *value
		switch s := step.(type) {
		case hcl.TraverseAttr:
			next = v.get(s.Name)
		case hcl.TraverseIndex:
			switch {
			case s.Key.Type() == cty.String && s.Key.IsKnown() && !s.Key.IsNull():
				next = v.get(s.Key.AsString())
			case s.Key.Type() == cty.Number && s.Key.IsKnown() && !s.Key.IsNull() && v.kind == kindList:
				if i, acc := s.Key.AsBigFloat().Int64(); acc == big.Exact && i >= 0 && i < int64(len(v.elems)) {
					next = v.elems[i]
				}
			}
		}
		if next == nil {
			return unknown(pos, "%s does not exist", name)
		}
		v = next
	}
	if pos.Line == 0 {
		return v
	}
	// A value defined elsewhere (a local, a for_each collection) is
	// located where it is used: documents are written in the order of the
	// text they come from, and a definition may be anywhere in the module.
	return r.relocate(v, pos)
}

// relocate copies v with every position set to pos. Copies count against
// the values a file may build.
func (r *reader) relocate(v *value, pos hcl.Pos) *value {
	r.nodes++
	if r.nodes > r.lim.MaxNodes {
		return unknown(pos, "the file builds more than %d values", r.lim.MaxNodes)
	}
	c := *v
	c.pos = pos
	if len(v.elems) > 0 {
		c.elems = make([]*value, len(v.elems))
		for i, e := range v.elems {
			c.elems[i] = r.relocate(e, pos)
		}
	}
	if len(v.kpos) > 0 {
		c.kpos = make([]hcl.Pos, len(v.kpos))
		for i := range c.kpos {
			c.kpos[i] = pos
		}
	}
	return &c
}

// traversalName writes a reference as it appears in the file (a name, not
// a value: it is safe to put in a note).
func traversalName(t hcl.Traversal) string {
	var b strings.Builder
	for _, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			switch {
			case !s.Key.IsKnown() || s.Key.IsNull():
				b.WriteString("[…]")
			case s.Key.Type() == cty.String:
				b.WriteString("[" + strconv.Quote(s.Key.AsString()) + "]")
			case s.Key.Type() == cty.Number:
				b.WriteString("[" + numberText(s.Key.AsBigFloat()) + "]")
			default:
				b.WriteString("[…]")
			}
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// call evaluates the functions whose result the files alone determine.
func (r *reader) call(x *hclsyntax.FunctionCallExpr, pos hcl.Pos) *value {
	arg := func(i int) *value {
		if i >= len(x.Args) {
			return unknown(pos, "%s() is called with too few arguments", x.Name)
		}
		return r.eval(x.Args[i])
	}
	if x.ExpandFinal {
		return unknown(pos, "%s() is called with expanded arguments (...)", x.Name)
	}
	switch x.Name {
	case "yamlencode", "jsonencode":
		v := arg(0)
		return &value{kind: kindString, pos: pos, encoded: v}
	case "yamldecode":
		return r.yamldecode(arg(0), pos)
	case "file":
		p := arg(0)
		text, file, why := r.readFile(p)
		if why != "" {
			return unknown(pos, "file(): %s", why)
		}
		return &value{kind: kindString, pos: pos, str: text, textFile: file, textLine: 1}
	case "templatefile":
		return r.templatefile(arg(0), arg(1), pos)
	case "toset", "tolist", "tomap":
		// Conversions of a literal collection: its elements unchanged.
		v := arg(0)
		if v.kind == kindList || v.kind == kindObject {
			return v
		}
		return unknown(pos, "%s() of a value meshcheck does not evaluate", x.Name)
	}
	return unknown(pos, "it calls %s(), which meshcheck does not evaluate", x.Name)
}

// readFile reads a file of the repository that file() or templatefile()
// names, relative to the .tf file's directory.
func (r *reader) readFile(p *value) (text, file, why string) {
	name, ok := p.text()
	if !ok || !p.known() {
		why := p.firstUnknown()
		if why == "" {
			why = "its path is not text"
		}
		return "", "", "its path is not evaluated: " + why
	}
	if filepath.IsAbs(name) || strings.HasPrefix(name, "~") {
		return "", "", fmt.Sprintf("%q is outside the repository", name)
	}
	file = filepath.Join(r.dir, filepath.FromSlash(name))
	if text, ok := r.files[file]; ok {
		if !r.spend(len(text)) { // each use is parsed or rendered again
			return "", "", fmt.Sprintf("the file reads more than %d bytes", r.textBudget())
		}
		return text, file, ""
	}
	f, err := os.Open(file)
	if err != nil {
		return "", "", fmt.Sprintf("%s cannot be read: %v", file, pathless(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return "", "", fmt.Sprintf("%s is not a regular file", file)
	}
	b, err := io.ReadAll(io.LimitReader(f, r.lim.MaxFileBytes+1))
	switch {
	case err != nil:
		return "", "", fmt.Sprintf("%s cannot be read: %v", file, pathless(err))
	case int64(len(b)) > r.lim.MaxFileBytes:
		return "", "", fmt.Sprintf("%s is larger than %d bytes", file, r.lim.MaxFileBytes)
	case !utf8.Valid(b):
		return "", "", fmt.Sprintf("%s is not UTF-8 text (file() reads text only)", file)
	case !r.spend(len(b)):
		return "", "", fmt.Sprintf("the file reads more than %d bytes", r.textBudget())
	}
	if r.files == nil {
		r.files = map[string]string{}
	}
	r.files[file] = string(b)
	return string(b), file, ""
}

func pathless(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// templatefile renders a template of the repository with the variables
// given. Its text keeps the template's lines when every interpolation is a
// one-line value written on one line, so values read from it are located
// in the template; otherwise they are located at the call.
func (r *reader) templatefile(p, vars *value, pos hcl.Pos) *value {
	text, file, why := r.readFile(p)
	if why != "" {
		return unknown(pos, "templatefile(): %s", why)
	}
	if vars.kind != kindObject {
		return unknown(pos, "templatefile(): its variables are not evaluated: %s", cmpOr(vars.firstUnknown(), "they are not an object"))
	}
	x, diags := hclsyntax.ParseTemplate([]byte(text), file, hcl.InitialPos)
	if diags.HasErrors() {
		// The template's text may be a secret's: say where, not what.
		d := diags[0]
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		return unknown(pos, "templatefile(): %s:%d is not a valid template (%s)", file, line, d.Summary)
	}
	scope := map[string]*value{}
	for i, k := range vars.keys {
		scope[k] = vars.elems[i]
	}
	saved, savedTemplate := r.scope, r.template
	r.scope, r.template = scope, true
	defer func() { r.scope, r.template = saved, savedTemplate }()
	out := &value{kind: kindString, pos: pos, textFile: file, textLine: 1}
	var b strings.Builder
	parts := []hclsyntax.Expression{x}
	if t, ok := x.(*hclsyntax.TemplateExpr); ok {
		parts = t.Parts
	}
	for _, part := range parts {
		v := r.eval(part)
		s, ok := v.text()
		if !ok || v.kind == kindUnknown {
			why := cmpOr(v.firstUnknown(), "it interpolates a value that is not text")
			out.holeWhy = cmpOr(out.holeWhy, why)
			s = r.sentinel(why)
		} else if v.holeWhy != "" {
			out.holeWhy = cmpOr(out.holeWhy, v.holeWhy)
		}
		if _, lit := part.(*hclsyntax.LiteralValueExpr); !lit {
			rng := part.Range()
			if rng.Start.Line != rng.End.Line || strings.Contains(s, "\n") {
				out.textLine = 0 // lines no longer match the template's
			}
		}
		b.WriteString(s)
		if b.Len() > int(r.lim.MaxFileBytes) {
			return unknown(pos, "templatefile(): its text is larger than %d bytes", r.lim.MaxFileBytes)
		}
	}
	out.str = b.String()
	if !r.spend(len(out.str)) {
		return unknown(pos, "templatefile(): the file builds more than %d bytes of text", r.textBudget())
	}
	if out.textLine == 0 {
		out.textFile = ""
	}
	return out
}

// yamldecode reads YAML text into a value, keeping the objects read (with
// their positions in the file the text came from) for kubernetes_manifest.
func (r *reader) yamldecode(s *value, pos hcl.Pos) *value {
	if s.encoded != nil {
		return s.encoded
	}
	if s.kind != kindString {
		return unknown(pos, "yamldecode(): %s", cmpOr(s.firstUnknown(), "its argument is not text"))
	}
	objs, errs := r.textObjects(s, "yamldecode()")
	if len(objs) != 1 || hasErrors(errs) {
		return unknown(pos, "yamldecode(): its text is not one YAML mapping")
	}
	// The values left out of the text are noted once, wherever the
	// decoded value goes.
	r.extra = append(r.extra, errs...)
	v := fromData(objs[0].Data, pos)
	v.decoded = objs
	return v
}

func hasErrors(errs []*source.Error) bool {
	for _, e := range errs {
		if !isNote(e) {
			return true
		}
	}
	return false
}

// encodeYAML writes v as yamlencode would for the text of a template.
func encodeYAML(v *value) (string, bool) {
	if !v.known() {
		return "", false
	}
	b, err := yaml.Marshal(v.plain())
	if err != nil {
		return "", false
	}
	return string(bytes.TrimSuffix(b, []byte("\n"))) + "\n", true
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
