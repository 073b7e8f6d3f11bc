package report

import (
	"encoding/json"
	"io"

	"github.com/meshcheck/meshcheck/checks"
)

// reportAPIVersion versions the JSON report; see the package documentation for
// the contract and its compatibility rules.
const reportAPIVersion = "meshcheck.io/v1alpha1"

// jsonReport is the JSON envelope. Field order here is key order in the
// output, which keeps diffs and golden files stable.
type jsonReport struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Tool       string           `json:"tool"`
	Version    string           `json:"version"`
	Command    string           `json:"command"`
	Findings   []checks.Finding `json:"findings"`
	Summary    checks.Summary   `json:"summary"`
	Errors     []InputError     `json:"errors"`
	// NotEvaluated lists inputs recognised and not read, with the reason.
	NotEvaluated []InputError `json:"not_evaluated"`
	// Coverage is what the model recognised per cluster (absent when the
	// run built no model).
	Coverage *Coverage `json:"coverage,omitempty"`
}

// writeJSON renders the machine contract. Suppressed findings are always
// included (marked "suppressed": true) because consumers must be able to
// count and audit exemptions whatever flags the run had.
func writeJSON(w io.Writer, r Result, _ Options) error {
	doc := jsonReport{
		APIVersion: reportAPIVersion,
		Kind:       "Report",
		Tool:       r.Tool,
		Version:    r.Version,
		Command:    r.Command,
		Findings:   r.Findings,
		Summary:    r.Summary,
		Errors:     r.Errors,

		NotEvaluated: r.NotEvaluated,
		Coverage:     coverageOf(r),
	}
	// Empty lists are [] rather than null so that consumers (jq, typed
	// decoders) never need a null check.
	if doc.Findings == nil {
		doc.Findings = []checks.Finding{}
	}
	if doc.Errors == nil {
		doc.Errors = []InputError{}
	}
	if doc.NotEvaluated == nil {
		doc.NotEvaluated = []InputError{}
	}
	return encodeJSON(w, doc)
}

// encodeJSON writes v indented with two spaces. HTML escaping is off: the
// output is not embedded in HTML, and messages with < > & stay readable.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
