package main

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/meshcheck/meshcheck/internal/yamlout"
)

// writeDoc writes v as indented JSON, or as the same document in YAML, for
// the commands whose -o takes json and yaml.
func writeDoc(w io.Writer, format string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	if format == "yaml" {
		return yamlout.FromJSON(w, b.Bytes())
	}
	_, err := w.Write(b.Bytes())
	return err
}
