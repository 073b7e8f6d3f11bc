package terraform

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/gitops"
	"github.com/meshcheck/meshcheck/source"
)

// release is what a helm_release (or a module that makes one) says of a
// Helm release.
type release struct {
	addr        string
	at          hcl.Pos // the release's start, for notes that have no better place
	chart, name *value  // nil when not given
	values      *value
	sets        []setEntry
	notes       []*source.Error
}

// setEntry is one set or set_list entry.
type setEntry struct {
	name, value, typ *value
	list             bool
	at               hcl.Pos
}

// helmRelease reads a helm_release resource.
func (r *reader) helmRelease(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	body := b.Body
	rel := release{addr: addr, at: r.at(b.TypeRange), chart: r.attr(body, "chart"), name: r.attr(body, "name")}
	if rel.chart == nil {
		return nil, nil
	}
	for _, sb := range body.Blocks {
		switch sb.Type {
		case "set", "set_list":
			if sb.Body.Attributes["value"] != nil {
				rel.sets = append(rel.sets, setEntry{name: r.attr(sb.Body, "name"), value: r.attr(sb.Body, "value"), typ: r.attr(sb.Body, "type"), list: sb.Type == "set_list", at: r.at(sb.TypeRange)})
			}
		case "set_sensitive":
			rel.notes = append(rel.notes, r.note(r.at(sb.TypeRange), "%s: set_sensitive is not read (its values are secret)", addr))
		case "dynamic":
			if len(sb.Labels) == 1 && slices.Contains([]string{"set", "set_list", "set_sensitive"}, sb.Labels[0]) {
				rel.notes = append(rel.notes, r.note(r.at(sb.TypeRange), "%s: a dynamic %s block is not evaluated", addr, sb.Labels[0]))
			}
		}
	}
	// The helm provider's v3 syntax: set = [{ name = ..., value = ... }].
	for _, attr := range []string{"set", "set_list"} {
		if v := r.attr(body, attr); v != nil {
			rel.addSets(r, v, attr)
		}
	}
	if v := r.attr(body, "set_sensitive"); v != nil {
		rel.notes = append(rel.notes, r.note(v.pos, "%s: set_sensitive is not read (its values are secret)", addr))
	}
	rel.values = r.attr(body, "values")
	return r.release(rel)
}

// addSets adds the entries of a list of {name, value, type} objects.
func (rel *release) addSets(r *reader, v *value, attr string) {
	if v.kind != kindList {
		rel.notes = append(rel.notes, r.note(v.pos, "%s: %s: %s", rel.addr, attr, cmpOr(v.firstUnknown(), "it is not a list")))
		return
	}
	for _, e := range v.elems {
		if e.kind != kindObject {
			rel.notes = append(rel.notes, r.note(e.pos, "%s: an entry of %s: %s", rel.addr, attr, cmpOr(e.firstUnknown(), "it is not an object")))
			continue
		}
		if e.get("value") != nil {
			rel.sets = append(rel.sets, setEntry{name: e.get("name"), value: e.get("value"), typ: e.get("type"), list: attr == "set_list", at: e.pos})
		}
	}
}

// release reads a release of an Istio chart as the values documents
// gitops.ChartValues makes of any release of the chart (as for Argo CD and
// Flux): set entries first, the last one written first, then values
// entries from the last, as Helm gives them precedence.
func (r *reader) release(rel release) ([]*source.Object, []*source.Error) {
	name, ok := rel.chart.text()
	if !ok || !rel.chart.known() {
		return nil, []*source.Error{r.note(rel.chart.pos, "%s: chart: %s; the release is not read", rel.addr, cmpOr(rel.chart.firstUnknown(), "it is not text"))}
	}
	chart := chartOf(name)
	// The charts whose values the model does not read (base, cni, ztunnel:
	// gitops.ChartValues gives none of them) are not evaluated, nor noted.
	if chart == "" || gitops.ChartValues(chart, rel.addr, []*source.Object{{Data: map[string]any{}}}) == nil {
		return nil, nil
	}
	errs := rel.notes
	var sets, values []*source.Object
	for _, e := range rel.sets {
		doc, err := r.setDoc(rel.addr, e.name, e.value, e.typ, e.list, e.at)
		sets, errs = appendDoc(sets, doc), appendErr(errs, err)
	}
	if v := rel.values; v != nil {
		if v.kind != kindList {
			errs = append(errs, r.note(v.pos, "%s: values: %s", rel.addr, cmpOr(v.firstUnknown(), "it is not a list")))
		}
		for i, e := range v.elems {
			docs, es := r.valuesEntry(e, fmt.Sprintf("%s values[%d]", rel.addr, i))
			values, errs = append(values, docs...), append(errs, es...)
		}
	}
	slices.Reverse(sets)
	slices.Reverse(values)
	docs := append(sets, values...)
	relName, ok := "", false
	if rel.name != nil {
		relName, ok = rel.name.text()
		ok = ok && rel.name.known()
	}
	if !ok {
		if chart == gitops.ChartGateway && !named(docs) {
			at := rel.at
			if rel.name != nil {
				at = rel.name.pos
			}
			errs = append(errs, r.note(at, "%s: the gateway is named after the release, whose name: %s", rel.addr, cmpOr(rel.name.firstUnknownOrNil(), "it is not given")))
			return docs, errs
		}
		relName = ""
	}
	id := fmt.Sprintf("Terraform %s (%s)", rel.addr, source.Position(r.file, rel.at.Line, 0))
	return gitops.OfRelease(id, gitops.ChartValues(chart, relName, docs)), errs
}

func (v *value) firstUnknownOrNil() string {
	if v == nil {
		return ""
	}
	return v.firstUnknown()
}

func named(docs []*source.Object) bool {
	for _, d := range docs {
		if _, ok := d.Data["name"]; ok {
			return true
		}
	}
	return false
}

func appendDoc(docs []*source.Object, d *source.Object) []*source.Object {
	if d == nil {
		return docs
	}
	return append(docs, d)
}

func appendErr(errs []*source.Error, e *source.Error) []*source.Error {
	if e == nil {
		return errs
	}
	return append(errs, e)
}

// chartVersion is the "-1.22.0.tgz" of a packaged chart's file name.
var chartVersion = regexp.MustCompile(`-v?[0-9]+\.[0-9]+[^/]*\.tgz$`)

// chartOf names the Istio chart of a helm_release's chart: a name, a path
// in Istio's repository, an OCI or chart URL, or a packaged chart's file.
func chartOf(name string) string {
	name = strings.TrimSuffix(name, "/")
	if c := gitops.ChartOf(name); c != "" {
		return c
	}
	if stripped := chartVersion.ReplaceAllString(name, ""); stripped != name {
		return gitops.ChartOf(stripped)
	}
	return ""
}

// valuesEntry reads one entry of values: yamlencode of an object (located
// where each value is written), or YAML text (a file(), a templatefile(), a
// heredoc: located in its file).
func (r *reader) valuesEntry(v *value, what string) ([]*source.Object, []*source.Error) {
	switch {
	case v.kind == kindString && v.encoded != nil:
		doc, notes := r.document(v.encoded, what)
		if doc == nil {
			return nil, notes
		}
		return []*source.Object{doc}, notes
	case v.kind == kindString:
		return r.textObjects(v, what)
	case v.kind == kindUnknown:
		return nil, []*source.Error{r.note(v.pos, "%s: %s", what, v.why)}
	}
	return nil, []*source.Error{r.note(v.pos, "%s: it is not a string of YAML", what)}
}

// setDoc turns one set entry into a values document located at its value,
// as Helm's --set (the helm provider's type "auto") or --set-string reads
// it.
func (r *reader) setDoc(addr string, name, val, typ *value, list bool, at hcl.Pos) (*source.Object, *source.Error) {
	if name == nil || val == nil {
		return nil, nil // the provider refuses it
	}
	n, ok := name.text()
	if !ok || !name.known() {
		return nil, r.note(name.pos, "%s: a set entry's name: %s", addr, cmpOr(name.firstUnknown(), "it is not text"))
	}
	what := fmt.Sprintf("%s: set %s", addr, n)
	if val.pos.Line > 0 {
		at = val.pos
	}
	if !val.known() {
		return nil, r.note(at, "%s: %s", what, cmpOr(val.firstUnknown(), "it is not text"))
	}
	keys, ok := setPath(n)
	if !ok {
		return nil, r.note(at, "%s: meshcheck reads names of dotted keys only (no list indexes)", what)
	}
	asString := false
	if typ != nil {
		t, _ := typ.text()
		asString = t == "string"
	}
	var data any
	if list {
		if val.kind != kindList {
			return nil, r.note(at, "%s: set_list's value is not a list", what)
		}
		l := []any{}
		for _, e := range val.elems {
			s, ok := e.text()
			if !ok {
				return nil, r.note(at, "%s: an element is not text", what)
			}
			l = append(l, typed(s, asString))
		}
		data = l
	} else {
		s, ok := val.text()
		if !ok {
			return nil, r.note(at, "%s: its value is not text", what)
		}
		if asString {
			data = s
		} else if data, ok = strval(s); !ok {
			return nil, r.note(at, "%s: Helm reads commas in a set value as more entries", what)
		}
	}
	root := map[string]any{}
	cur := root
	for _, k := range keys[:len(keys)-1] {
		next := map[string]any{}
		cur[k] = next
		cur = next
	}
	cur[keys[len(keys)-1]] = data
	return &source.Object{Data: root, Origin: source.Origin{File: r.file, Line: at.Line, Column: at.Column, Index: r.nextIndex()}}, nil
}

// setPath splits a --set name at its unescaped dots ("a\.b" is one key).
func setPath(name string) ([]string, bool) {
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '\\' && i+1 < len(name):
			i++
			cur.WriteByte(name[i])
		case c == '.':
			keys = append(keys, cur.String())
			cur.Reset()
		case c == '[' || c == '=' || c == ',':
			return nil, false
		default:
			cur.WriteByte(c)
		}
	}
	keys = append(keys, cur.String())
	for _, k := range keys {
		if k == "" {
			return nil, false
		}
	}
	return keys, true
}

// strval reads a --set value as Helm's strvals does: {a,b} is a list, and
// an unescaped comma would start another entry.
func strval(s string) (any, bool) {
	if inner, ok := strings.CutPrefix(s, "{"); ok && strings.HasSuffix(inner, "}") {
		inner = strings.TrimSuffix(inner, "}")
		l := []any{}
		if inner != "" {
			for _, e := range splitUnescaped(inner) {
				l = append(l, typed(e, false))
			}
		}
		return l, true
	}
	parts := splitUnescaped(s)
	if len(parts) != 1 {
		return nil, false
	}
	return typed(parts[0], false), true
}

func splitUnescaped(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case s[i] == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(out, cur.String())
}

// typed gives a --set value its type as Helm's strvals.typedVal does.
func typed(s string, asString bool) any {
	switch {
	case asString:
		return s
	case strings.EqualFold(s, "true"):
		return true
	case strings.EqualFold(s, "false"):
		return false
	case strings.EqualFold(s, "null"):
		return nil
	case s == "0":
		return int64(0)
	}
	if s != "" && s[0] != '0' {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	}
	return s
}
