// Package yamlout writes a JSON document as YAML, keeping its keys' order,
// so that every command with -o json also has -o yaml with the same
// content: one contract, two spellings.
package yamlout

import (
	"bytes"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// FromJSON writes the JSON document doc to w as block-style YAML.
func FromJSON(w io.Writer, doc []byte) error {
	// JSON is YAML's flow style: parse it as YAML to keep key order, then
	// print every node in block style.
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	block(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// block clears flow style and JSON's quoting, leaving strings quoted only
// where YAML needs it (a string "true" or "1" stays a string).
func block(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Style &^= yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle
		if bytes.ContainsRune([]byte(n.Value), '\n') {
			n.Style |= yaml.LiteralStyle
		}
	}
	for _, c := range n.Content {
		block(c)
	}
}
