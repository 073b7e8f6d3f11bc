package checks_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/checks"
)

// TestOfficialModelsAreClean: every official install model, in every form,
// must lint without error or warning findings. A checker that flags the
// documented setups gets switched off.
func TestOfficialModelsAreClean(t *testing.T) {
	fleets, _ := filepath.Glob("../testdata/corpus/*/*")
	var n int
	for _, dir := range fleets {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		n++
		rel, _ := filepath.Rel("../testdata/corpus", dir)
		t.Run(rel, func(t *testing.T) {
			r := lintFleet(t, dir)
			if len(r.Fleet.Clusters) == 0 {
				t.Fatal("no clusters read")
			}
			for _, f := range r.Findings {
				if f.Severity >= checks.Warning {
					t.Errorf("%s %s %s:%d: %s", f.Rule, f.Cluster, f.File, f.Line, f.Message)
				}
			}
		})
	}
	if n < 14 {
		t.Fatalf("only %d corpus fleets found; want every model in iop and helm form plus sail", n)
	}
}

// TestDocumentedMistakes: each real-world mistake raises the codes its
// expect.yaml names.
func TestDocumentedMistakes(t *testing.T) {
	dirs, _ := filepath.Glob("../testdata/mistakes/*")
	if len(dirs) == 0 {
		t.Fatal("no mistakes found")
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "expect.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var exp struct {
				Rules []string `yaml:"rules"`
			}
			if err := yaml.Unmarshal(b, &exp); err != nil || len(exp.Rules) == 0 {
				t.Fatalf("expect.yaml: want rules, err=%v", err)
			}
			r := lintFleet(t, dir)
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.Rule)
			}
			for _, code := range exp.Rules {
				if !slices.Contains(got, code) {
					t.Errorf("%s not raised; got %v", code, got)
				}
			}
			// One mistake, one diagnosis: no other rule may call it an error.
			for _, f := range r.Findings {
				if f.Severity == checks.Error && !slices.Contains(exp.Rules, f.Rule) {
					t.Errorf("unexpected error %s: %s", f.Rule, f.Message)
				}
			}
		})
	}
}
