package report

import (
	"bytes"
	"io"

	"github.com/meshcheck/meshcheck/internal/yamlout"
)

// writeYAML is the JSON report spelled as YAML: the same document, keys and
// order (docs/findings.md), for users of kubectl and istioctl -o yaml.
func writeYAML(w io.Writer, r Result, opt Options) error {
	var b bytes.Buffer
	if err := writeJSON(&b, r, opt); err != nil {
		return err
	}
	return yamlout.FromJSON(w, b.Bytes())
}
