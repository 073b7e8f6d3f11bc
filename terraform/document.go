package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/meshcheck/meshcheck/source"
)

// note says that what is at pos of the .tf file was not evaluated.
func (r *reader) note(pos hcl.Pos, format string, args ...any) *source.Error {
	return &source.Error{File: r.file, Line: pos.Line, Column: pos.Column, Err: fmt.Errorf("%w: %s", source.ErrNotEvaluated, fmt.Sprintf(format, args...))}
}

func isNote(e *source.Error) bool { return errors.Is(e, source.ErrNotEvaluated) }

// document turns an object value into a source.Object located in the .tf
// file. It writes the value as YAML flow text whose every key and value
// stands at the line and column it has in the .tf file (the text between
// them is blank), so that the object's positions are the file's; unknown
// parts are left out with a note each. what names the object in notes.
func (r *reader) document(v *value, what string) (*source.Object, []*source.Error) {
	if v.kind != kindObject {
		return nil, []*source.Error{r.note(v.pos, "%s: %s", what, cmpOr(v.firstUnknown(), "it is not an object"))}
	}
	e := &emitter{line: 1, col: 1}
	var notes []*source.Error
	r.emit(e, v, what, "", &notes)
	objs, errs := source.Read(strings.NewReader(e.b.String()), r.file, r.lim)
	if len(errs) > 0 || len(objs) != 1 {
		// Only a limit can refuse the text written here (too many nodes):
		// say so at the value, without the parser's quote of the text.
		msg := "it is not one mapping"
		if len(errs) > 0 {
			msg = errs[0].Err.Error()
			if errors.Is(errs[0], source.ErrSyntax) {
				msg = source.ErrSyntax.Error()
			}
		}
		return nil, append(notes, &source.Error{File: r.file, Line: v.pos.Line, Column: v.pos.Column, Err: fmt.Errorf("%s: %s", what, msg)})
	}
	objs[0].Origin.Index = r.nextIndex()
	return objs[0], notes
}

func (r *reader) nextIndex() int {
	r.index++
	return r.index - 1
}

// opaque says whether v is left out whole: unknown, a string with unknown
// parts, or a list with such an element (a list without it would be a
// shorter list, not an unknown one). Objects lose only their unknown parts.
func opaque(v *value) bool {
	switch v.kind {
	case kindUnknown:
		return true
	case kindString:
		return v.holeWhy != "" || v.encoded != nil && !v.encoded.known()
	case kindList:
		return slices.ContainsFunc(v.elems, opaque)
	}
	return false
}

func (r *reader) emit(e *emitter, v *value, what string, path string, notes *[]*source.Error) {
	switch v.kind {
	case kindObject:
		e.at(v.pos)
		e.write("{")
		first := true
		last := lastIndex(v.keys)
		for i, k := range v.keys {
			if last[k] != i {
				continue // the last one written wins
			}
			el := v.elems[i]
			p := join(path, k)
			if opaque(el) {
				at := el.pos
				if at.Line == 0 {
					at = v.kpos[i]
				}
				if k == "" {
					*notes = append(*notes, r.note(at, "%s: an entry of %s: %s", what, cmpOr(path, "the object"), unknownWhy(el)))
				} else {
					*notes = append(*notes, r.note(at, "%s: %s: %s", what, p, unknownWhy(el)))
				}
				continue
			}
			if !first {
				e.write(",")
			}
			first = false
			e.at(v.kpos[i])
			q := quote(k)
			if len(q) > 1000 {
				e.write("? ") // a YAML implicit key is at most 1024 characters
			}
			e.write(q)
			// No space: a quoted key is two characters longer than HCL's
			// bare one, and "key":value is valid flow YAML.
			e.write(":")
			r.emit(e, el, what, p, notes)
		}
		e.write("}")
	case kindList:
		e.at(v.pos)
		e.write("[")
		for i, el := range v.elems {
			if i > 0 {
				e.write(",")
			}
			r.emit(e, el, what, fmt.Sprintf("%s[%d]", path, i), notes)
		}
		e.write("]")
	default:
		e.at(v.pos)
		e.write(scalar(v))
	}
}

// lastIndex maps each key to the index it is last written at.
func lastIndex(keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	return m
}

// join appends key to a field path (source.Position's syntax).
func join(path, key string) string {
	if path == "" {
		return source.PathJoin(key)
	}
	return path + "." + source.PathJoin(key)
}

func unknownWhy(v *value) string {
	if v.kind == kindString && v.encoded != nil {
		return cmpOr(v.encoded.firstUnknown(), "it is not evaluated")
	}
	return cmpOr(v.firstUnknown(), "it is not evaluated")
}

// scalar writes a known primitive as a YAML flow scalar of the same type.
func scalar(v *value) string {
	switch v.kind {
	case kindString:
		s, _ := v.text()
		return quote(s)
	case kindNumber:
		return v.str
	case kindBool:
		if v.b {
			return "true"
		}
		return "false"
	}
	return "null"
}

// quote writes s as a double-quoted scalar: JSON's escapes are YAML's.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// emitter writes flow YAML text, placing tokens at given positions.
type emitter struct {
	b         strings.Builder
	line, col int
}

// at moves to p by writing newlines and spaces; a position already passed
// (or unknown) leaves the token where the text is.
func (e *emitter) at(p hcl.Pos) {
	if p.Line <= 0 {
		return
	}
	if p.Line > e.line {
		e.b.WriteString(strings.Repeat("\n", p.Line-e.line))
		e.line, e.col = p.Line, 1
	}
	if p.Line == e.line && p.Column > e.col {
		e.b.WriteString(strings.Repeat(" ", p.Column-e.col))
		e.col = p.Column
	}
}

func (e *emitter) write(s string) {
	e.b.WriteString(s)
	e.col += utf8.RuneCountInString(s)
}

// textObjects reads the YAML text of a string (a values entry, a manifest)
// as objects located in the file the text came from when its lines are
// known, else at the expression. Values holding an unknown part are left
// out with a note each.
func (r *reader) textObjects(v *value, what string) ([]*source.Object, []*source.Error) {
	text, name, line := v.str, v.textFile, v.textLine
	located := name != "" && line > 0
	if located {
		if v.textIndent > 0 {
			text = indent(text, v.textIndent)
		}
		text = strings.Repeat("\n", line-1) + text
	} else {
		name = r.file
	}
	objs, errs := source.Read(strings.NewReader(text), name, r.lim)
	if !located {
		for i, o := range objs {
			objs[i] = &source.Object{Data: o.Data, Origin: source.Origin{File: r.file, Line: v.pos.Line, Column: v.pos.Column}}
		}
		for _, e := range errs {
			e.Line, e.Column = v.pos.Line, v.pos.Column
		}
	}
	for _, o := range objs {
		o.Origin.Index = r.nextIndex()
		errs = append(errs, r.prune(o, o.Data, nil, what)...)
	}
	return objs, errs
}

// indent puts n spaces before each line that is not empty.
func indent(text string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if l != "" && l != "\n" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "")
}

// prune removes from m the values that hold an unknown part (a sentinel
// written by template or templatefile), with a note at each.
func (r *reader) prune(o *source.Object, m map[string]any, path []string, what string) []*source.Error {
	var notes []*source.Error
	keys := sortedKeys(m)
	for _, k := range keys {
		p := append(path[:len(path):len(path)], k)
		why := r.reasonIn(k)
		if why == "" {
			switch val := m[k].(type) {
			case map[string]any:
				notes = append(notes, r.prune(o, val, p, what)...)
			default:
				why = r.holeIn(val)
			}
		}
		if why == "" {
			continue
		}
		delete(m, k)
		line, col := o.Position(source.PathJoin(p...))
		notes = append(notes, &source.Error{File: o.Origin.File, Line: line, Column: col,
			Err: fmt.Errorf("%w: %s: %s: %s", source.ErrNotEvaluated, what, source.PathJoin(p...), why)})
	}
	return notes
}

// holeIn returns the reason of the first sentinel in a value, or "".
func (r *reader) holeIn(v any) string {
	switch v := v.(type) {
	case string:
		return r.reasonIn(v)
	case []any:
		for _, e := range v {
			if why := r.holeIn(e); why != "" {
				return why
			}
		}
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if why := cmpOr(r.reasonIn(k), r.holeIn(v[k])); why != "" {
				return why
			}
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
