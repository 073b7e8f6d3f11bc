package main

import (
	"strings"
	"testing"
)

// `meshcheck rules CODE` explains the rules named, as `kube-linter checks`
// and `istioctl analyze --list-analyzers` users expect; an unknown code is
// a usage error.
func TestRulesExplainsACode(t *testing.T) {
	code, out, stderr := runCLI(t, t.TempDir(), "", "rules", "nw002", "CL010")
	if code != exitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"NW002 System namespace carries the network label in a multi-network mesh\nseverity: error   scope: fleet",
		"In ambient mode no injector labels the\npods",
		"fix:\n  Label the system namespace",
		"see: https://github.com/meshcheck/meshcheck/blob/main/docs/rules/NW002.md",
		"\n\nCL010 Something Istio reads is recognised in every cluster\nseverity: info",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, stderr = runCLI(t, t.TempDir(), "", "rules", "NW999")
	if code != exitError || out != "" || !strings.Contains(stderr, `no rule "NW999"`) {
		t.Errorf("exit %d, stdout %q, stderr %q: want a usage error", code, out, stderr)
	}
}
