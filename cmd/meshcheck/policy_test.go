package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const teamRule = `# METADATA
# title: Clusters declare a team label on istio-system
# description: Our platform requires every istio-system namespace to say which team runs it.
# custom:
#   code: ACME001
#   severity: warning
#   dimensions: [cluster]
#   scope: cluster
#   remediation: Label istio-system with acme.io/team.
package meshcheck.rules.acme.acme001

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {
	"cluster": name,
	"message": sprintf("namespace %s has no acme.io/team label", [ns.name]),
	"at": ns.source,
}) if {
	some name, c in input.clusters
	ns := c.namespaces[c.system_namespace]
	not ns.labels["acme.io/team"]
}
`

const teamRuleTest = `package meshcheck.rules.acme.acme001_test

import data.meshcheck.rules.acme.acme001

test_fires_without_label if {
	count(acme001.violation) == 1 with input as {"clusters": {"c": {
		"system_namespace": "istio-system",
		"namespaces": {"istio-system": {"name": "istio-system", "labels": {}, "source": {}}},
	}}}
}
`

func TestCustomPolicy(t *testing.T) {
	dir := brokenFleet(t, map[string]string{"policy/acme001.rego": teamRule, "policy/acme001_test.rego": teamRuleTest})

	code, out, errs := runCLI(t, dir, "", "rules", "-o", "json", "--policy", "policy")
	if code != exitClean {
		t.Fatalf("rules: exit %d: %s", code, errs)
	}
	var rules []struct {
		Code    string `json:"code"`
		Builtin bool   `json:"builtin"`
	}
	if err := json.Unmarshal([]byte(out), &rules); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range rules {
		if r.Code == "ACME001" {
			found = !r.Builtin
		}
	}
	if !found {
		t.Errorf("ACME001 not in the catalog as a custom rule: %s", out)
	}

	code, out, _ = runCLI(t, dir, "", "lint", "--fleet", "fleet", "--policy", "policy", "--fail-on", "warning", "-o", "json")
	r := decodeReport(t, out)
	var hit bool
	for _, f := range r.Findings {
		hit = hit || (f.Rule == "ACME001" && f.Severity == "warning" && f.Line == 4)
	}
	if code != exitFindings || !hit {
		t.Errorf("lint with --policy: exit %d, findings %+v", code, r.Findings)
	}

	code, out, _ = runCLI(t, dir, "", "verify", "policy")
	if code != exitClean || !strings.Contains(out, "1 passed, 0 failed") {
		t.Errorf("verify: exit %d: %s", code, out)
	}
}

func TestVerifyReportsFailingTests(t *testing.T) {
	failing := strings.Replace(teamRuleTest, "== 1", "== 2", 1)
	dir := writeFiles(t, map[string]string{"policy/acme001.rego": teamRule, "policy/acme001_test.rego": failing})
	code, out, _ := runCLI(t, dir, "", "verify", "policy")
	if code != exitFindings || !strings.Contains(out, "FAIL meshcheck.rules.acme.acme001_test.test_fires_without_label") {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestPolicyWithoutMetadataIsRejected(t *testing.T) {
	bare := "package meshcheck.rules.acme.bare\n\nviolation contains {\"message\": \"x\"} if true\n"
	dir := brokenFleet(t, map[string]string{"policy/bare.rego": bare})
	code, _, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "--policy", "policy")
	if code != exitError || !strings.Contains(errs, "policy/bare.rego") || !strings.Contains(errs, "METADATA") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestPolicySyntaxErrorNamesFileAndLine(t *testing.T) {
	dir := brokenFleet(t, map[string]string{"policy/bad.rego": "package meshcheck.rules.acme.bad\n\nviolation contains x if {\n"})
	code, _, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "--policy", "policy")
	if code != exitError || !strings.Contains(errs, "policy/bad.rego:") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
