package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// A violation's own severity must be one the catalog knows: a rule that
// gives another gets an error naming it, not a finding of no severity.
func TestViolationSeverityIsChecked(t *testing.T) {
	dir := t.TempDir()
	rule := `# METADATA
# title: Always
# description: A user's rule whose violation sets a severity of its own.
# custom:
#   code: ACME011
#   severity: error
#   dimensions: [cluster]
#   scope: cluster
#   remediation: None.
package meshcheck.rules.acme.acme011

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {"cluster": name, "message": "always", "at": {"cluster": name}, "severity": "fatal"}) if {
	some name, _ in input.clusters
}
`
	if err := os.WriteFile(filepath.Join(dir, "acme011.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Review(t.Context(), []model.ClusterInput{{Name: "c1"}}, checks.ReviewOptions{})
	if err == nil || !strings.Contains(err.Error(), "ACME011") || !strings.Contains(err.Error(), `unknown severity "fatal" (want error, warning or info)`) {
		t.Errorf("Review = %v, want an error naming ACME011 and why its severity is refused", err)
	}
}
