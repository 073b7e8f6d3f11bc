package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Read parses all documents of r. A bad document yields an *Error and the
// other documents are still returned. Empty and comment-only documents,
// scalars and top-level sequences (a JSON array is not a manifest) are
// skipped silently. At most lim.MaxFileBytes+1 bytes are read from r.
func Read(r io.Reader, file string, lim Limits) ([]*Object, []*Error) {
	lim = lim.withDefaults()
	data, errs := readAll(r, file, lim)
	if errs != nil {
		return nil, errs
	}
	return parse(data, file, lim)
}

// readAll reads a file's bytes, within the per-file limit.
func readAll(r io.Reader, file string, lim Limits) ([]byte, []*Error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return nil, []*Error{{File: file, Err: pathless("read", err)}}
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, []*Error{{File: file, Err: fmt.Errorf("%w: over %d bytes, skipped", ErrTooLarge, lim.MaxFileBytes)}}
	}
	return data, nil
}

// parse reads the objects of a file's bytes.
func parse(data []byte, file string, lim Limits) ([]*Object, []*Error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, []*Error{{File: file, Err: err}}
	}
	rd := reader{file: file, lim: lim}
	for _, ch := range split(text) {
		rd.chunk(ch)
	}
	return rd.objs, rd.errs
}

// reader collects the objects and errors of one file.
type reader struct {
	file  string
	lim   Limits
	index int // next document index
	objs  []*Object
	errs  []*Error
}

func (rd *reader) chunk(ch chunk) {
	if line, col, err := checkText(ch.text); err != nil {
		rd.index++
		rd.fail(ch, &locError{line: line, col: col, err: err})
		return
	}
	if _, line := minNodes(ch.text, rd.lim.MaxNodes); line > 0 {
		rd.index++
		rd.fail(ch, &locError{line: line, err: fmt.Errorf("%w: more than %d nodes", ErrTooManyNodes, rd.lim.MaxNodes)})
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(ch.text))
	for skip := 0; rd.document(dec, ch, skip); skip++ {
	}
}

// document reads the next document of the chunk and reports whether another
// may follow (normally a chunk holds one; the splitter is conservative).
func (rd *reader) document(dec *yaml.Decoder, ch chunk, skip int) (more bool) {
	defer func() {
		// Belt and braces: a panic in yaml.v3 or here must cost one
		// document, not the run.
		if r := recover(); r != nil {
			rd.fail(ch, &locError{line: 1, err: fmt.Errorf("internal error reading document: %v", r)})
			more = false
		}
	}()
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return false
	}
	index := rd.index
	rd.index++
	if err != nil {
		if templateActions(ch.text) {
			rd.fail(ch, fmt.Errorf("%w: holds template actions ({{ ... }}) and is not YAML until rendered", ErrNotEvaluated))
			return false
		}
		rd.fail(ch, syntaxError(err, ch.text))
		return false // the decoder cannot resume after an error
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return true
	}
	root := doc.Content[0]
	nodes, err := (&budget{lim: rd.lim}).check(root)
	if err != nil {
		rd.fail(ch, err)
		return true
	}
	data, err := converter{maxDepth: rd.lim.MaxDepth}.mapping(root, 1)
	if err != nil {
		rd.fail(ch, err)
		return true
	}
	d := &document{text: ch.text, skip: skip}
	if nodes <= keptTreeNodes {
		d.keep(root)
	}
	rd.add(root, data, d, Origin{File: rd.file, Index: index}, ch.line-1)
	return true
}

// add appends the object, or the items of a kind: List (or XxxList) each as
// its own object with positions into the item.
func (rd *reader) add(root *yaml.Node, data map[string]any, doc *document, origin Origin, offset int) {
	kind, _ := data["kind"].(string)
	items, isList := data["items"].([]any)
	var itemsNode *yaml.Node
	if isList && strings.HasSuffix(kind, "List") {
		itemsNode = lookup(root, "items", 0)
	}
	if itemsNode != nil {
		itemsNode = resolve(itemsNode)
	}
	if itemsNode == nil || itemsNode.Kind != yaml.SequenceNode || len(itemsNode.Content) != len(items) {
		rd.objs = append(rd.objs, newObject(data, root, doc, nil, origin, offset))
		return
	}
	for i, it := range items {
		if m, ok := it.(map[string]any); ok {
			at := []segment{{key: "items"}, {index: i, isIndex: true}}
			rd.objs = append(rd.objs, newObject(m, resolve(itemsNode.Content[i]), doc, at, origin, offset))
		}
	}
}

// newObject is the object converted from node n, found at path at of doc.
func newObject(data map[string]any, n *yaml.Node, doc *document, at []segment, origin Origin, offset int) *Object {
	k := firstKey(n)
	origin.Line, origin.Column = k.Line+offset, k.Column
	o := &Object{Data: data, Origin: origin, doc: doc, at: at, lineOffset: offset}
	if md := lookup(n, "metadata", 0); md != nil {
		if name := child(resolve(md), segment{key: "name"}); name != nil {
			o.nameLine, o.nameColumn = name.Line+offset, name.Column
		}
	}
	return o
}

// fail records err, which is a *locError relative to the chunk or a plain
// error about the whole chunk.
func (rd *reader) fail(ch chunk, err error) {
	e := &Error{File: rd.file, Line: ch.line, Err: err}
	var le *locError
	if errors.As(err, &le) {
		e.Line, e.Column, e.Err = ch.line-1+max(le.line, 1), le.col, le.err
	}
	rd.errs = append(rd.errs, e)
}
