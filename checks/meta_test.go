package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
)

// TestEveryRuleHasTestsAndFixtures is the guard that no rule ships without
// Rego unit tests and pass and fail fixtures.
func TestEveryRuleHasTestsAndFixtures(t *testing.T) {
	rules := checkstest.Engine(t).Rules()
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
		kinds := []string{"pass", "fail"}
		if r.LiveOnly {
			// What it fires on never comes from files: a Go test of a live
			// audit stands in for the fail fixture.
			kinds = kinds[:1]
			if !namedByGoTest(t, r.Code) {
				t.Errorf("%s: live_only, but no _test.go under cmd/meshcheck or live names it", r.Code)
			}
		}
		for _, kind := range kinds {
			if len(cases(t, filepath.Join(rulesFixtures, r.Code, kind))) == 0 {
				t.Errorf("%s: no %s fixture in %s", r.Code, kind, filepath.Join(rulesFixtures, r.Code, kind))
			}
		}
	}
}

// namedByGoTest reports whether a Go test under cmd/meshcheck or live
// mentions code.
func namedByGoTest(t *testing.T, code string) bool {
	for _, dir := range []string{"../cmd/meshcheck", "../live"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), code) {
				return true
			}
		}
	}
	return false
}

// TestFixturesNameRules catches fixture directories for codes that no rule has.
func TestFixturesNameRules(t *testing.T) {
	known := map[string]bool{}
	for _, r := range checkstest.Engine(t).Rules() {
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
	if len(results) < len(checkstest.Engine(t).Rules()) {
		t.Errorf("only %d Rego tests for %d rules", len(results), len(checkstest.Engine(t).Rules()))
	}
	for _, r := range results {
		if !r.Passed() {
			t.Errorf("%s.%s (%s) failed: %v", r.Package, r.Name, r.Location, r.Err)
		}
	}
}
