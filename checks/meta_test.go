package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
)

// TestEveryRuleHasTestsAndFixtures is the guard that no rule ships without
// Rego unit tests and pass and fail fixtures.
func TestEveryRuleHasTestsAndFixtures(t *testing.T) {
	rules := testEngine(t).Rules()
	if len(rules) == 0 {
		t.Fatal("no rules loaded")
	}
	for _, r := range rules {
		if !r.Builtin {
			continue
		}
		// data.meshcheck.rules.network.nw001 -> policies/rules/network/nw001
		rel := strings.ReplaceAll(strings.TrimPrefix(r.Package, checks.RulesPrefix+"."), ".", "/")
		dir := filepath.Join("..", "policies", "rules", rel)
		tests, _ := filepath.Glob(filepath.Join(dir, "*_test.rego"))
		if len(tests) == 0 {
			t.Errorf("%s: no _test.rego in %s", r.Code, dir)
		}
		for _, kind := range []string{"pass", "fail"} {
			if len(cases(t, filepath.Join(rulesFixtures, r.Code, kind))) == 0 {
				t.Errorf("%s: no %s fixture in %s", r.Code, kind, filepath.Join(rulesFixtures, r.Code, kind))
			}
		}
	}
}

// TestFixturesNameRules catches fixture directories for codes that no rule has.
func TestFixturesNameRules(t *testing.T) {
	known := map[string]bool{}
	for _, r := range testEngine(t).Rules() {
		known[r.Code] = true
	}
	entries, err := os.ReadDir(rulesFixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !known[e.Name()] {
			t.Errorf("testdata/rules/%s: no rule has this code", e.Name())
		}
	}
}

// TestRegoUnitTests runs the built-in rules' Rego tests from go test.
func TestRegoUnitTests(t *testing.T) {
	results, err := checks.Verify(t.Context(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < len(testEngine(t).Rules()) {
		t.Errorf("only %d Rego tests for %d rules", len(results), len(testEngine(t).Rules()))
	}
	for _, r := range results {
		if !r.Passed() {
			t.Errorf("%s.%s (%s) failed: %v", r.Package, r.Name, r.Location, r.Err)
		}
	}
}
