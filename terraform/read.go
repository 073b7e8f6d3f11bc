package terraform

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/source"
)

// Read returns the objects and Istio chart values documents that the
// Terraform file creates, and its errors: invalid HCL (file:line from the
// HCL diagnostics; the resources it spoils are not read, the others are)
// and notes wrapping source.ErrNotEvaluated for what was recognised and not
// evaluated. A release's values documents come in the order the model gives
// precedence to (highest first: set, then the last values entry). file is
// the path of the .tf file as the user gave it; the files it refers to are
// read relative to its directory, Terraform's working directory for it.
// The values documents read from such a file (values = [file(...)]) have it
// as Origin.File: a caller that also reads that file on its own has the
// same values twice, and should keep the release's (which names the chart
// and, for a gateway, the release).
func Read(file string, data []byte, lim source.Limits) ([]*source.Object, []*source.Error) {
	lim = withDefaults(lim)
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, []*source.Error{{File: file, Err: fmt.Errorf("%w: more than %d bytes", source.ErrTooLarge, lim.MaxFileBytes)}}
	}
	// hclsyntax's parser recurses once per nesting level: bound it first.
	if line, ok := nestingWithin(data, lim.MaxDepth); !ok {
		return nil, []*source.Error{{File: file, Line: line, Err: fmt.Errorf("%w: more than %d levels", source.ErrTooDeep, lim.MaxDepth)}}
	}
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	errs := diagnostics(file, diags)
	if f == nil {
		return nil, errs
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, errs
	}
	r := &reader{file: file, src: data, dir: filepath.Dir(file), lim: lim, locals: map[string]hclsyntax.Expression{}, evaluating: map[string]bool{}}
	r.addLocals(body)
	r.body = body
	var objs []*source.Object
	for _, b := range body.Blocks {
		if spoiled(b.Range(), diags) {
			continue // its error is reported; what is left of it may be wrong
		}
		var os []*source.Object
		var es []*source.Error
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			os, es = r.resource(b)
		case b.Type == "module" && len(b.Labels) == 1:
			os, es = r.module(b)
		}
		objs, errs = append(objs, os...), append(errs, es...)
	}
	errs = append(errs, r.extra...)
	// In the order of the files' text, whichever part of a resource was
	// read first.
	slices.SortStableFunc(errs, func(a, b *source.Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return objs, errs
}

func withDefaults(l source.Limits) source.Limits {
	d := source.DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = d.MaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// nestingWithin says whether brackets, braces and parentheses nest at most
// limit deep, counting those in strings and comments too (an overestimate,
// which only a file of absurd text reaches), and the line where they do not.
func nestingWithin(data []byte, limit int) (int, bool) {
	depth, line := 0, 1
	for _, c := range data {
		switch c {
		case '\n':
			line++
		case '(', '[', '{':
			depth++
			if depth > limit {
				return line, false
			}
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, true
}

// diagnostics turns HCL's errors into input errors at their file:line.
func diagnostics(file string, diags hcl.Diagnostics) []*source.Error {
	var errs []*source.Error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		e := &source.Error{File: file, Err: fmt.Errorf("invalid HCL: %s", msg)}
		if d.Subject != nil {
			e.Line, e.Column = d.Subject.Start.Line, d.Subject.Start.Column
		}
		errs = append(errs, e)
	}
	return errs
}

// spoiled says whether an error of diags lies within rng.
func spoiled(rng hcl.Range, diags hcl.Diagnostics) bool {
	for _, d := range diags {
		if d.Severity == hcl.DiagError && (d.Subject == nil || rng.Overlaps(*d.Subject) || rng.ContainsPos(d.Subject.Start)) {
			return true
		}
	}
	return false
}

func (r *reader) addLocals(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		if b.Type != "locals" {
			continue
		}
		for name, a := range b.Body.Attributes {
			r.locals[name] = a.Expr
		}
	}
}

// siblings parses the module's other .tf files (a locals.tf or eks_2.tf
// beside main.tf): Terraform shares locals and provider configurations
// across a module. Those that do not parse are left out; reading them
// reports their errors.
func (r *reader) siblings() []*hclsyntax.Body {
	if r.sibs != nil {
		return *r.sibs
	}
	out := []*hclsyntax.Body{}
	defer func() { r.sibs = &out }()
	files, _ := filepath.Glob(filepath.Join(r.dir, "*.tf"))
	for _, p := range files {
		if filepath.Clean(p) == filepath.Clean(r.file) {
			continue
		}
		b, err := readLimited(p, r.lim.MaxFileBytes)
		if err != nil {
			continue
		}
		if _, ok := nestingWithin(b, r.lim.MaxDepth); !ok {
			continue
		}
		f, diags := hclsyntax.ParseConfig(b, p, hcl.InitialPos)
		if diags.HasErrors() || f == nil {
			continue
		}
		if body, ok := f.Body.(*hclsyntax.Body); ok {
			out = append(out, body)
		}
	}
	return out
}

// addSiblingLocals adds the locals of the module's other files; the file's
// own win over a duplicate.
func (r *reader) addSiblingLocals(bodies []*hclsyntax.Body) {
	if r.siblingLocals {
		return
	}
	r.siblingLocals = true
	own := r.locals
	r.locals = map[string]hclsyntax.Expression{}
	for _, b := range bodies {
		r.addLocals(b)
	}
	for k, v := range own {
		r.locals[k] = v
	}
}

func readLimited(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("larger than %d bytes", limit)
	}
	return b, err
}

// resourceReaders read the resources that create what Istio reads.
var resourceReaders = map[string]func(r *reader, b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error){
	"helm_release":            (*reader).helmRelease,
	"kubernetes_namespace":    (*reader).namespace,
	"kubernetes_namespace_v1": (*reader).namespace,
	"kubernetes_secret":       (*reader).secret,
	"kubernetes_secret_v1":    (*reader).secret,
	"kubernetes_manifest":     (*reader).manifest,
	"kubectl_manifest":        (*reader).kubectlManifest,
	"null_resource":           (*reader).localExec,
	"terraform_data":          (*reader).localExec,
}

// resource reads each instance of a resource block (one per for_each key
// or count index).
func (r *reader) resource(b *hclsyntax.Block) ([]*source.Object, []*source.Error) {
	read, ok := resourceReaders[b.Labels[0]]
	if !ok {
		return nil, nil
	}
	addr := b.Labels[0] + "." + b.Labels[1]
	if why := r.ambiguous(providerType(b.Labels[0]), providerConfig(b.Body.Attributes["provider"])); why != "" {
		return nil, []*source.Error{r.note(r.at(b.TypeRange), "%s: %s", addr, why)}
	}
	insts, errs := r.instances(b, addr)
	var objs []*source.Object
	for _, in := range insts {
		r.scope = in.scope
		os, es := read(r, b, in.addr)
		objs, errs = append(objs, os...), append(errs, es...)
	}
	r.scope = nil
	return objs, errs
}

type instance struct {
	addr  string
	scope map[string]*value
}

// maxInstances bounds count, which a file could set to a billion.
const maxInstances = 1000

func (r *reader) instances(b *hclsyntax.Block, addr string) ([]instance, []*source.Error) {
	if a := b.Body.Attributes["for_each"]; a != nil {
		v := r.eval(a.Expr)
		var out []instance
		add := func(key string, val *value) {
			each := &value{kind: kindObject, keys: []string{"key", "value"}, kpos: make([]hcl.Pos, 2), elems: []*value{stringValue(hcl.Pos{}, key), val}}
			out = append(out, instance{addr: addr + "[" + strconv.Quote(key) + "]", scope: map[string]*value{"each": each}})
		}
		switch {
		case v.kind == kindObject:
			last := lastIndex(v.keys)
			for i, k := range v.keys {
				if k == "" { // a key that is not evaluated
					return nil, []*source.Error{r.note(r.at(a.Expr.Range()), "%s: for_each: a key is unknown; its instances are not read", addr)}
				}
				if last[k] == i {
					add(k, v.elems[i])
				}
			}
			return bounded(out, r, a, addr)
		case v.kind == kindList && v.known():
			seen := map[string]bool{}
			for _, e := range v.elems {
				s, ok := e.text()
				if !ok || e.kind != kindString {
					return nil, []*source.Error{r.note(r.at(a.Expr.Range()), "%s: for_each is a list of values that are not strings; its instances are not read", addr)}
				}
				if !seen[s] {
					seen[s] = true
					add(s, e)
				}
			}
			return bounded(out, r, a, addr)
		}
		return nil, []*source.Error{r.note(r.at(a.Expr.Range()), "%s: for_each: %s; its instances are not read", addr, cmpOr(v.firstUnknown(), "it is not a collection"))}
	}
	if a := b.Body.Attributes["count"]; a != nil {
		v := r.eval(a.Expr)
		n, err := strconv.Atoi(v.str)
		if v.kind != kindNumber || err != nil || n < 0 || n > maxInstances {
			return nil, []*source.Error{r.note(r.at(a.Expr.Range()), "%s: count: %s; its instances are not read", addr, cmpOr(v.firstUnknown(), "it is not a whole number up to "+strconv.Itoa(maxInstances)))}
		}
		out := make([]instance, n)
		for i := range n {
			idx := &value{kind: kindObject, keys: []string{"index"}, kpos: make([]hcl.Pos, 1), elems: []*value{{kind: kindNumber, str: strconv.Itoa(i)}}}
			out[i] = instance{addr: fmt.Sprintf("%s[%d]", addr, i), scope: map[string]*value{"count": idx}}
		}
		return out, nil
	}
	return []instance{{addr: addr}}, nil
}

func bounded(out []instance, r *reader, a *hclsyntax.Attribute, addr string) ([]instance, []*source.Error) {
	if len(out) > maxInstances {
		return nil, []*source.Error{r.note(r.at(a.Expr.Range()), "%s: for_each gives more than %d instances; they are not read", addr, maxInstances)}
	}
	return out, nil
}

// attr evaluates the attribute name of body, or returns nil when absent.
func (r *reader) attr(body *hclsyntax.Body, name string) *value {
	a := body.Attributes[name]
	if a == nil {
		return nil
	}
	return r.eval(a.Expr)
}

// block returns the first nested block of a type, or nil.
func block(body *hclsyntax.Body, typ string) *hclsyntax.Block {
	for _, b := range body.Blocks {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

// blockValue evaluates a block's attributes as an object, in the order
// they are written.
func (r *reader) blockValue(b *hclsyntax.Block) *value {
	attrs := make([]*hclsyntax.Attribute, 0, len(b.Body.Attributes))
	for _, a := range b.Body.Attributes {
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, func(x, y *hclsyntax.Attribute) int { return x.SrcRange.Start.Byte - y.SrcRange.Start.Byte })
	v := &value{kind: kindObject, pos: r.at(b.OpenBraceRange)}
	for _, a := range attrs {
		v.keys, v.kpos, v.elems = append(v.keys, a.Name), append(v.kpos, r.at(a.NameRange)), append(v.elems, r.eval(a.Expr))
	}
	return v
}
