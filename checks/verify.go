package checks

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/meshcheck/meshcheck/source"
)

// TestResult is the outcome of one Rego test.
type TestResult struct {
	Package  string
	Name     string
	Location string
	Fail     bool
	Err      error
	Duration time.Duration
}

// Passed reports whether the test ran and held.
func (r TestResult) Passed() bool { return !r.Fail && r.Err == nil }

// Verify runs the Rego tests (test_* rules in *_test.rego files) of dirs
// with the built-in rules and libraries loaded, so a team's tests can use
// data.meshcheck.lib. builtinTests adds meshcheck's own tests.
func Verify(ctx context.Context, dirs []string, builtinTests bool) ([]TestResult, error) {
	files, err := loadFiles(dirs, builtinTests, true)
	if err != nil {
		return nil, err
	}
	mods, err := parseModules(files)
	if err != nil {
		return nil, fmt.Errorf("parse policies: %w", err)
	}
	ch, err := tester.NewRunner().SetModules(mods).SetTimeout(30*time.Second).RunTests(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("run rego tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name,
			Fail: r.Fail, Err: r.Error, Duration: r.Duration,
		}
		if r.Location != nil {
			tr.Location = source.Position(r.Location.File, r.Location.Row, 0)
		}
		out = append(out, tr)
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
