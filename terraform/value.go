package terraform

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/meshcheck/meshcheck/source"
)

type kind int

const (
	kindUnknown kind = iota
	kindNull
	kindString
	kindNumber
	kindBool
	kindObject
	kindList
)

// value is what an expression evaluates to, with where it was written so
// that the documents built from it locate each value in the .tf file.
type value struct {
	kind kind
	pos  hcl.Pos // start of the expression in the .tf file (zero: not known)

	str string // string; a number's text
	b   bool

	// Objects: keys in the order written, and their values (elems).
	keys  []string
	kpos  []hcl.Pos
	elems []*value // object values or list elements

	// why says what an unknown value depends on ("var.network is a
	// variable"). Never a value's text: it may be a secret's.
	why string

	// holeWhy is set when parts of a string are unknown: they are written
	// into str as sentinels (reader.sentinel) so that YAML text holding
	// them can still be parsed and the values that hold them left out. It
	// is the reason of the first.
	holeWhy string

	// text locates a string's text in a file: the file it was read from
	// (file(), templatefile()) or the .tf file (heredoc), and the line of
	// its first line; zero when its lines do not map onto a file's.
	textFile   string
	textLine   int
	textIndent int // spaces a flush heredoc took from each line

	// encoded is the structure that yamlencode or jsonencode encoded into
	// this string, kept so that values = [yamlencode({...})] is located
	// where each value is written rather than in the generated text.
	encoded *value

	// decoded are the objects yamldecode read from a string's text.
	decoded []*source.Object
}

func unknown(pos hcl.Pos, format string, args ...any) *value {
	return &value{kind: kindUnknown, pos: pos, why: fmt.Sprintf(format, args...)}
}

func stringValue(pos hcl.Pos, s string) *value { return &value{kind: kindString, pos: pos, str: s} }

// known says whether v is known through and through.
func (v *value) known() bool {
	switch v.kind {
	case kindUnknown:
		return false
	case kindString:
		return v.holeWhy == "" && (v.encoded == nil || v.encoded.known())
	case kindObject, kindList:
		for _, e := range v.elems {
			if !e.known() {
				return false
			}
		}
	}
	return true
}

// firstUnknown returns the reason of the first unknown part of v, or "".
func (v *value) firstUnknown() string {
	switch v.kind {
	case kindUnknown:
		return v.why
	case kindString:
		if v.encoded != nil && v.holeWhy == "" {
			return v.encoded.firstUnknown()
		}
		return v.holeWhy
	case kindObject, kindList:
		for _, e := range v.elems {
			if why := e.firstUnknown(); why != "" {
				return why
			}
		}
	}
	return ""
}

// get returns the value of key in an object, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	for i := len(v.keys) - 1; i >= 0; i-- { // the last one written wins
		if v.keys[i] == key {
			return v.elems[i]
		}
	}
	return nil
}

// text returns v as Terraform turns a primitive into a string, and whether
// it can: objects, lists, null and unknowns cannot be.
func (v *value) text() (string, bool) {
	switch v.kind {
	case kindString:
		if v.encoded != nil && v.str == "" {
			return encodeYAML(v.encoded)
		}
		return v.str, true
	case kindNumber:
		return v.str, true
	case kindBool:
		return strconv.FormatBool(v.b), true
	}
	return "", false
}

// plain converts v into the data of a source.Object, leaving out unknown
// parts (see document for the notes that say so).
func (v *value) plain() any {
	switch v.kind {
	case kindString:
		if v.encoded != nil && v.str == "" {
			s, _ := encodeYAML(v.encoded)
			return s
		}
		return v.str
	case kindNumber:
		if n, err := strconv.ParseInt(v.str, 10, 64); err == nil {
			return n
		}
		f, _ := strconv.ParseFloat(v.str, 64)
		return f
	case kindBool:
		return v.b
	case kindObject:
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			if v.elems[i].known() {
				m[k] = v.elems[i].plain()
			}
		}
		return m
	case kindList:
		l := make([]any, 0, len(v.elems))
		for _, e := range v.elems {
			l = append(l, e.plain())
		}
		return l
	}
	return nil
}

// fromData turns the data of a parsed document into a value, located at pos
// (its own positions are those of another text).
func fromData(d any, pos hcl.Pos) *value {
	switch d := d.(type) {
	case map[string]any:
		v := &value{kind: kindObject, pos: pos}
		for _, k := range sortedKeys(d) {
			v.keys, v.kpos, v.elems = append(v.keys, k), append(v.kpos, pos), append(v.elems, fromData(d[k], pos))
		}
		return v
	case []any:
		v := &value{kind: kindList, pos: pos}
		for _, e := range d {
			v.elems = append(v.elems, fromData(e, pos))
		}
		return v
	case string:
		return stringValue(pos, d)
	case bool:
		return &value{kind: kindBool, pos: pos, b: d}
	case int64:
		return &value{kind: kindNumber, pos: pos, str: strconv.FormatInt(d, 10)}
	case float64:
		return &value{kind: kindNumber, pos: pos, str: strconv.FormatFloat(d, 'g', -1, 64)}
	case nil:
		return &value{kind: kindNull, pos: pos}
	}
	return unknown(pos, "a value of type %T", d)
}
