package checks_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Fixtures live in testdata/rules/<CODE>/{pass,fail}/<case>/. A case is a
// fleet directory (one subdirectory per cluster); a fail case may hold an
// expect.yaml naming where the findings must point.
const rulesFixtures = "../testdata/rules"

// lintFleet reviews a fleet directory the way `meshcheck lint --fleet` does.
func lintFleet(t testing.TB, dir string) *checks.Review {
	t.Helper()
	in, opt := readFleet(t, dir)
	r, err := checkstest.Engine(t).Review(t.Context(), in, opt)
	if err != nil {
		t.Fatalf("%s: review: %v", dir, err)
	}
	for _, e := range r.Errors {
		if !errors.Is(e, source.ErrNotEvaluated) { // a setting the files do not show is listed, not an error
			t.Errorf("%s: model error: %v", dir, e)
		}
	}
	return r
}

// readFleet reads a fleet directory the way `meshcheck lint --fleet` does,
// with the case's own .meshcheck.yaml when it has one (to declare meshes or
// complete inventories, as a team's configuration would).
func readFleet(t testing.TB, dir string) ([]model.ClusterInput, checks.ReviewOptions) {
	t.Helper()
	layout := fileset.Layout{Fleet: dir}
	var cfg *config.Config
	if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
		if cfg, err = config.Load(filepath.Join(dir, config.FileName)); err != nil {
			t.Fatal(err)
		}
		layout.Config = fileset.ConfigAssignments(cfg)
		if len(layout.Config) > 0 {
			layout.Fleet = ""
		}
	}
	set := fileset.Read(layout, nil, source.DefaultLimits())
	for _, e := range set.Errors {
		t.Errorf("%s: input error: %v", dir, e)
	}
	return set.Clusters, checks.ReviewOptionsFrom(cfg)
}

type expectation struct {
	Findings []struct {
		Rule    string `yaml:"rule"`
		Cluster string `yaml:"cluster"`
		File    string `yaml:"file"`
		Line    int    `yaml:"line"`
		// Severity, when given, is the finding's severity (error, warning, info).
		Severity string `yaml:"severity"`
	} `yaml:"findings"`
}

func cases(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestRuleFixtures runs every rule's pass and fail fixtures through the real
// engine: a fail case must raise the rule, a pass case must not.
func TestRuleFixtures(t *testing.T) {
	for _, rule := range checkstest.Engine(t).Rules() {
		t.Run(rule.Code, func(t *testing.T) {
			for _, dir := range cases(t, filepath.Join(rulesFixtures, rule.Code, "fail")) {
				t.Run("fail/"+filepath.Base(dir), func(t *testing.T) {
					got := findingsOf(lintFleet(t, dir).Findings, rule.Code)
					if len(got) == 0 {
						t.Fatalf("%s raised no finding", rule.Code)
					}
					checkExpectations(t, dir, got)
				})
			}
			for _, dir := range cases(t, filepath.Join(rulesFixtures, rule.Code, "pass")) {
				t.Run("pass/"+filepath.Base(dir), func(t *testing.T) {
					if got := findingsOf(lintFleet(t, dir).Findings, rule.Code); len(got) > 0 {
						t.Fatalf("%s raised %d finding(s) on a passing fixture, first: %s:%d %s",
							rule.Code, len(got), got[0].File, got[0].Line, got[0].Message)
					}
				})
			}
		})
	}
}

func findingsOf(fs []checks.Finding, code string) []checks.Finding {
	var out []checks.Finding
	for _, f := range fs {
		if f.Rule == code {
			out = append(out, f)
		}
	}
	return out
}

func checkExpectations(t *testing.T, dir string, got []checks.Finding) {
	b, err := os.ReadFile(filepath.Join(dir, "expect.yaml"))
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var exp expectation
	if err := yaml.Unmarshal(b, &exp); err != nil {
		t.Fatalf("expect.yaml: %v", err)
	}
	for _, want := range exp.Findings {
		match := slices.ContainsFunc(got, func(f checks.Finding) bool {
			return (want.Cluster == "" || f.Cluster == want.Cluster) &&
				(want.File == "" || filepath.ToSlash(f.File) == filepath.ToSlash(filepath.Join(dir, want.File))) &&
				(want.Line == 0 || f.Line == want.Line) &&
				(want.Severity == "" || f.Severity.String() == want.Severity)
		})
		if !match {
			t.Errorf("no finding at cluster=%q file=%q line=%d severity=%q; got:\n%s", want.Cluster, want.File, want.Line, want.Severity, describe(got))
		}
	}
}

func describe(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Rule + " " + f.Severity.String() + " " + f.Cluster + " " + f.File + ":" + strconv.Itoa(f.Line) + " " + f.Message + "\n")
	}
	return b.String()
}
