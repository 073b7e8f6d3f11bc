package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
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

// Evaluate converts only the model fields the rules name; a user's rule may
// read any field, the objects of a cluster included.
func TestUsersRulesSeeEveryField(t *testing.T) {
	dir := t.TempDir()
	rule := `# METADATA
# title: Deployments
# description: A user's rule on the objects of a cluster.
# custom:
#   code: ACME012
#   severity: warning
#   dimensions: [cluster]
#   scope: cluster
#   remediation: None.
package meshcheck.rules.acme.acme012

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {"cluster": name, "message": "a Deployment", "at": o.source}) if {
	some name, c in input.clusters
	some o in c[concat("", ["obj", "ects"])]
	o.object.kind == "Deployment"
}
`
	if err := os.WriteFile(filepath.Join(dir, "acme012.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	in := model.ClusterInput{Name: "c1", Objects: readObjects(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: shop}\n")}
	r, err := e.Review(t.Context(), []model.ClusterInput{in}, checks.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got int
	for _, f := range r.Findings {
		if f.Rule == "ACME012" {
			got++
		}
	}
	if got != 1 {
		t.Errorf("ACME012 findings = %d, want 1: the user's rule must see the objects", got)
	}
}

func readObjects(t *testing.T, yaml string) []*source.Object {
	t.Helper()
	objs, errs := source.Read(strings.NewReader(yaml), "objects.yaml", source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	return objs
}
