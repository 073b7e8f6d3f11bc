package report

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
)

// validateJUnit checks doc against the Jenkins JUnit schema
// (testdata/schemas/jenkins-junit.xsd) with Debian's xmllint, and returns
// what xmllint says when it is not valid. Without xmllint the test fails:
// `make test-deps` installs it.
func validateJUnit(t *testing.T, doc []byte) string {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint not found (%v): run `make test-deps`, which installs it (Debian's libxml2-utils)", err)
	}
	xsd, err := filepath.Abs(filepath.Join(schemasDir, "jenkins-junit.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), xmllint, "--noout", "--nonet", "--schema", xsd, "-")
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("run xmllint: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	return ""
}

func TestJUnitMatchesJenkinsSchema(t *testing.T) {
	vendored(t, "jenkins-junit.xsd")
	escaping := Result{Findings: []checks.Finding{{Rule: "X001", Severity: checks.Error, Cluster: `e"&<`,
		Message: "a <b> & \"c\" ]]> \x1b[31m\nline2"}}}
	tests := []struct {
		name string
		in   Result
		opt  Options
	}{
		{"fixture", fixture(), Options{}},
		{"show suppressed", fixture(), Options{ShowSuppressed: true}},
		{"fail on warning", fixture(), Options{FailOn: checks.Warning}},
		{"fail on none", fixture(), Options{FailOn: FailNever}},
		{"clean", clean(), Options{}},
		{"clean clusters", Result{Rules: fixtureRules(), Clusters: []string{"east", "west"}}, Options{}},
		{"only suppressed", Result{Findings: []checks.Finding{{Rule: "A", Cluster: "c", Suppressed: true, SuppressedBy: "config"}}}, Options{ShowSuppressed: true}},
		{"escaping", escaping, Options{}},
		{"zero value", Result{}, Options{}},
	}
	cases := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeJUnit(&buf, tt.in, tt.opt); err != nil {
				t.Fatal(err)
			}
			if msg := validateJUnit(t, buf.Bytes()); msg != "" {
				t.Errorf("not valid against jenkins-junit.xsd:\n%s\n%s", msg, buf.String())
			}
			cases += strings.Count(buf.String(), "<testcase ")
		})
	}
	t.Logf("%d JUnit testcases in %d documents validated against jenkins-junit.xsd", cases, len(tests))
}

// The schema check must be able to fail, on the mistakes a writer could make.
func TestJUnitValidatorCatchesMistakes(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"skipped on testsuites", `<testsuites skipped="0"></testsuites>`, "attribute 'skipped'"},
		{"skipped message attribute", `<testsuites><testsuite name="s" tests="1"><testcase name="c"><skipped message="m"/></testcase></testsuite></testsuites>`, "attribute 'message'"},
		{"suite without name", `<testsuites><testsuite tests="0"></testsuite></testsuites>`, "'name' is required"},
		{"failure before skipped", `<testsuites><testsuite name="s" tests="1"><testcase name="c"><failure/><skipped/></testcase></testsuite></testsuites>`, "skipped"},
		{"not XML", `<testsuites>`, "testsuites"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := validateJUnit(t, []byte(tt.doc)); !strings.Contains(msg, tt.want) {
				t.Errorf("xmllint says %q, want a complaint containing %q", msg, tt.want)
			}
		})
	}
	if msg := validateJUnit(t, []byte(`<testsuites><testsuite name="s" tests="1"><testcase name="c"><skipped>why</skipped></testcase></testsuite></testsuites>`)); msg != "" {
		t.Errorf("a valid document fails: %s", msg)
	}
}
