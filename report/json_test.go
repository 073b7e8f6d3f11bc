package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
)

// Consumers rely on arrays, never null, even for a clean run.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	tests := []struct {
		name string
		in   Result
	}{
		{"nil slices", Result{Tool: "meshcheck", Command: "lint"}},
		{"empty slices", Result{Findings: []checks.Finding{}, Errors: []InputError{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeJSON(&buf, tt.in, Options{}); err != nil {
				t.Fatal(err)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
			}
			for _, key := range []string{"findings", "errors", "not_evaluated"} {
				if got := string(raw[key]); got != "[]" {
					t.Errorf("%q = %s, want []", key, got)
				}
			}
		})
	}
}

// The JSON report must round-trip every finding, suppressed ones included,
// whatever ShowSuppressed says.
func TestJSONRoundTrip(t *testing.T) {
	in := fixture()
	for _, opt := range []Options{{}, {ShowSuppressed: true}} {
		var buf bytes.Buffer
		if err := writeJSON(&buf, in, opt); err != nil {
			t.Fatal(err)
		}
		var got struct {
			APIVersion string           `json:"apiVersion"`
			Kind       string           `json:"kind"`
			Tool       string           `json:"tool"`
			Version    string           `json:"version"`
			Command    string           `json:"command"`
			Findings   []checks.Finding `json:"findings"`
			Summary    checks.Summary   `json:"summary"`
			Errors     []InputError     `json:"errors"`

			NotEvaluated []InputError `json:"not_evaluated"`
		}
		dec := json.NewDecoder(&buf)
		dec.DisallowUnknownFields() // a new top-level key must be added here on purpose
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if got.APIVersion != "meshcheck.io/v1alpha1" || got.Kind != "Report" {
			t.Errorf("apiVersion, kind = %q, %q", got.APIVersion, got.Kind)
		}
		if diff := cmp.Diff(in.Findings, got.Findings); diff != "" {
			t.Errorf("findings (-in +decoded):\n%s", diff)
		}
		if diff := cmp.Diff(in.Errors, got.Errors); diff != "" {
			t.Errorf("errors (-in +decoded):\n%s", diff)
		}
		if diff := cmp.Diff(in.Summary, got.Summary); diff != "" {
			t.Errorf("summary (-in +decoded):\n%s", diff)
		}
		if got.Tool != in.Tool || got.Version != in.Version || got.Command != in.Command {
			t.Errorf("tool, version, command = %q, %q, %q", got.Tool, got.Version, got.Command)
		}
	}
}

// Messages quote manifests; <, > and & must stay readable.
func TestJSONDoesNotEscapeHTML(t *testing.T) {
	r := Result{Findings: []checks.Finding{{Rule: "X001", Severity: checks.Error, Message: "a <b> & c"}}}
	var buf bytes.Buffer
	if err := writeJSON(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"a <b> & c"`)) {
		t.Errorf("message was escaped:\n%s", buf.String())
	}
}
