package ruledoc_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/golden"
	"github.com/meshcheck/meshcheck/ruledoc"
)

const docsDir = "../docs/rules"

// TestRuleDocs fails when docs/rules/ is not what the rules' METADATA and
// fixtures generate: CI catches stale docs, `make docs` refreshes them.
func TestRuleDocs(t *testing.T) {
	e, err := checks.New(t.Context(), checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"README.md": ruledoc.Index(e.Rules())}
	for _, r := range e.Rules() {
		// Issue 12: each page says how the referee confirms the rule, or
		// why it cannot (custom.referee.note in METADATA).
		if r.Referee == nil || r.Referee.Note == "" {
			t.Errorf("%s: METADATA lacks custom.referee.note: how istiod, run by the referee, confirms the rule, or why it cannot (docs/writing-rules.md)", r.Code)
		}
		// Each page names the Istio behaviour that makes a finding a failure,
		// which its severity follows from (custom.istio in METADATA).
		if g := r.Istio; g == nil || g.Component == "" || g.Source == "" || g.Versions == "" || g.Modes == "" {
			t.Errorf("%s: METADATA lacks custom.istio with component, source, versions and modes: the Istio behaviour that makes a finding a failure (docs/writing-rules.md)", r.Code)
		}
		want[r.Code+".md"] = ruledoc.Page(r, examples(t, r.Code, "pass"), examples(t, r.Code, "fail"))
	}
	if golden.Update() { // make docs
		if err := os.RemoveAll(docsDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range want {
			if err := os.WriteFile(filepath.Join(docsDir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil || string(got) != content {
			t.Errorf("docs/rules/%s is stale or missing: run `make docs`", name)
		}
	}
	entries, _ := os.ReadDir(docsDir)
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("docs/rules/%s belongs to no rule: run `make docs`", e.Name())
		}
	}
}

// examples reads a rule's fixtures of one kind, skipping expect.yaml.
func examples(t *testing.T, code, kind string) []ruledoc.Example {
	root := filepath.Join("..", "testdata", "rules", code, kind)
	cases, _ := os.ReadDir(root)
	var out []ruledoc.Example
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		ex := ruledoc.Example{Case: c.Name()}
		dir := filepath.Join(root, c.Name())
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Base(p) == "expect.yaml" || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			b, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			ex.Files = append(ex.Files, ruledoc.File{Path: filepath.ToSlash(rel), Content: string(b)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ex)
	}
	return out
}

func TestPagesShortenLongLines(t *testing.T) {
	long := "  ca-cert.pem: " + strings.Repeat("QUJD", 100)
	page := ruledoc.Page(checks.Rule{Code: "XX001"}, nil, []ruledoc.Example{{Case: "c", Files: []ruledoc.File{{Path: "a.yaml", Content: long + "\nkind: Secret\n"}}}})
	for _, l := range strings.Split(page, "\n") {
		if len([]rune(l)) > 120 {
			t.Errorf("line of %d runes: %.40s…", len([]rune(l)), l)
		}
	}
	if !strings.Contains(page, "kind: Secret") || !strings.Contains(page, "ca-cert.pem: QUJD") {
		t.Errorf("short lines must stay whole:\n%s", page)
	}
}
