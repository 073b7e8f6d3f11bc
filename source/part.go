package source

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Part returns the mapping at path as an object of its own, whose
// positions are still those of the file it came from (a chart's values
// kept inside an Argo CD Application or a Flux HelmRelease), or nil when
// path holds no mapping.
func (o *Object) Part(path string) *Object {
	v, ok := o.Get(path)
	data, isMap := v.(map[string]any)
	if !ok || !isMap {
		return nil
	}
	p := &Object{Data: data, Origin: o.Origin, lineOffset: o.lineOffset}
	for _, l := range o.layers {
		if lp := l.Part(path); lp != nil {
			p.layers = append(p.layers, lp)
		}
	}
	if o.doc == nil {
		return p
	}
	p.doc, p.at = o.doc, o.within(path)
	if n := p.node(); n != nil {
		k := firstKey(n)
		p.Origin.Line, p.Origin.Column = k.Line+o.lineOffset, k.Column
	} else {
		p.doc, p.at = nil, nil
	}
	return p
}

// Embedded reads the YAML text held by the string at path (a chart's values
// written as a block scalar) as objects whose lines are those of the file.
// Columns are left unknown: the scalar's indentation is not kept by the
// parser. Errors are located the same way.
func (o *Object) Embedded(path string, lim Limits) ([]*Object, []*Error) {
	text, offset, ok := o.EmbeddedText(path)
	if !ok {
		return nil, nil
	}
	objs, errs := Read(strings.NewReader(text), o.Origin.File, lim)
	for _, e := range objs {
		e.lineOffset += offset
		e.Origin.Line += offset
		e.Origin.Column = 0
		e.Origin.Index = o.Origin.Index
		e.noColumns = true
	}
	for _, e := range errs {
		if e.Line > 0 {
			e.Line += offset
		}
		e.Column = 0
	}
	return objs, errs
}

// EmbeddedText returns the text of the string field at path and the lines
// of o's file before the text's first line (0 when not known), so that a
// line of the text is line offset+n of the file.
func (o *Object) EmbeddedText(path string) (text string, offset int, ok bool) {
	v, _ := o.Get(path)
	if text, ok = v.(string); !ok {
		return "", 0, false
	}
	if n := o.node(); n != nil {
		for _, s := range parsePath(path) {
			if n = child(resolve(n), s); n == nil {
				break
			}
		}
		if n != nil {
			offset = n.Line + o.lineOffset - 1
			if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				offset++ // the text starts on the line after | or >
			}
		}
	}
	return text, offset, true
}
