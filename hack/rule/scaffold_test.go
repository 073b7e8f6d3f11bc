package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/rulecode"
	"github.com/meshcheck/meshcheck/source"
)

// repoRoot is the checkout this test runs in.
const repoRoot = "../.."

// copyTree copies the files under dir of the checkout into root.
func copyTree(t *testing.T, root, dir string) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// scratch is a copy of the checkout's rules, fixtures and rule docs, which
// is all the scaffolder reads.
func scratch(t *testing.T) string {
	root := t.TempDir()
	for _, dir := range []string{"policies", "testdata/rules", "docs/rules"} {
		copyTree(t, root, dir)
	}
	return root
}

func TestParseSpecRefusesWhatIsNotARule(t *testing.T) {
	for _, tc := range []struct{ code, title, severity, scope, want string }{
		{"NW17", "t", "warning", "cluster", "three digits"},
		{"NW0017", "t", "warning", "cluster", "three digits"},
		{"nw017", "t", "warning", "cluster", "three digits"},
		{"XX001", "t", "warning", "cluster", "unknown group XX"},
		{"NW000", "t", "warning", "cluster", "start at 001"},
		{"NW018", "", "warning", "cluster", "title is required"},
		{"NW018", "one\ntwo", "warning", "cluster", "one line"},
		{"NW018", strings.Repeat("x", 101), "warning", "cluster", "at most 100"},
		{"NW018", "t", "fatal", "cluster", `severity "fatal"`},
		{"NW018", "t", "warning", "namespace", `scope "namespace"`},
	} {
		_, err := ParseSpec(tc.code, tc.title, tc.severity, tc.scope)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSpec(%q, %q, %q, %q) = %v, want an error saying %q", tc.code, tc.title, tc.severity, tc.scope, err, tc.want)
		}
	}
	if _, err := ParseSpec("CP016", "A title", "error", "fleet"); err != nil {
		t.Errorf("a valid spec: %v", err)
	}
}

// The title goes into a YAML comment block: whatever it holds, OPA must
// read back the same string.
func TestTitlesReadBackFromMetadata(t *testing.T) {
	for _, title := range []string{
		"Remote secrets live in the namespace of the istiod that reads them",
		"Gateway's requested network view matches its network",
		"meshID: set on every primary",
		`A "quoted" word, and # not a comment`,
		"- not a list",
		"[not a flow sequence]",
		"Trailing space is trimmed ",
		"East-west gateway: port 15443 (tls) → AUTO_PASSTHROUGH",
	} {
		spec, err := ParseSpec("NW018", title, "warning", "cluster")
		if err != nil {
			t.Fatal(err)
		}
		b, err := render("rule.rego.tmpl", spec)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ast.ParseModuleWithOpts("nw018.rego", string(b), ast.ParserOptions{ProcessAnnotation: true})
		if err != nil {
			t.Fatalf("%q: %v\n%s", title, err, b)
		}
		if len(m.Annotations) == 0 || m.Annotations[0].Title != strings.TrimSpace(title) {
			t.Errorf("title %q read back as %q:\n%s", title, m.Annotations[0].Title, b)
		}
	}
}

// TestScaffoldedRuleWorks: in a copy of the checkout's rules, fixtures and
// docs, each scope's scaffold is a rule the engine loads with complete
// METADATA, whose Rego tests pass, whose fail fixture it fires on where
// expect.yaml says and whose pass fixture it is silent on; the same code is
// then refused, and nothing is changed by the refusal.
func TestScaffoldedRuleWorks(t *testing.T) {
	root := scratch(t)
	used, err := rulecode.InUse(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ group, scope string }{{"network", "cluster"}, {"mesh", "fleet"}, {"cluster", "object"}} {
		t.Run(tc.scope, func(t *testing.T) {
			g := rulecode.Groups[slices.IndexFunc(rulecode.Groups, func(g rulecode.Group) bool { return g.Dir == tc.group })]
			code := rulecode.Next(g, used)
			spec, err := ParseSpec(code.String(), "Placeholder of the "+tc.scope+" scaffold", "error", tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			written, err := Scaffold(root, spec)
			if err != nil {
				t.Fatal(err)
			}
			ruleDir := filepath.Join(root, code.Dir())
			e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{ruleDir}})
			if err != nil {
				t.Fatalf("the engine refuses the scaffolded rule: %v", err)
			}
			i := slices.IndexFunc(e.Rules(), func(r checks.Rule) bool { return r.Code == code.String() })
			if i < 0 {
				t.Fatalf("%s is not in the catalog", code)
			}
			if r := e.Rules()[i]; r.Package != "data."+code.Package() || r.Scope != tc.scope || r.Severity != checks.Error || !slices.Equal(r.Dimensions, []string{tc.group}) {
				t.Errorf("catalog entry %+v does not match the spec", r)
			}

			results, err := checks.Verify(t.Context(), []string{ruleDir}, false)
			if err != nil {
				t.Fatal(err)
			}
			ran := 0
			for _, r := range results {
				if r.Package != code.Package()+"_test" {
					continue
				}
				ran++
				if !r.Passed() {
					t.Errorf("%s.%s failed: %v", r.Package, r.Name, r.Err)
				}
			}
			if ran < 3 {
				t.Errorf("%d Rego tests of %s ran, want 3", ran, code)
			}

			fixtures := filepath.Join(root, code.FixtureDir())
			got := findings(t, e, filepath.Join(fixtures, "fail", failCase), code.String())
			var exp struct {
				Findings []struct {
					Cluster, File string
					Line          int
				}
			}
			b, err := os.ReadFile(filepath.Join(fixtures, "fail", failCase, "expect.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(b, &exp); err != nil || len(exp.Findings) != 1 {
				t.Fatalf("expect.yaml: %v, %d findings", err, len(exp.Findings))
			}
			want := exp.Findings[0]
			if len(got) != 1 || got[0].Cluster != want.Cluster || got[0].Line != want.Line ||
				filepath.ToSlash(got[0].File) != filepath.ToSlash(filepath.Join(fixtures, "fail", failCase, want.File)) {
				t.Errorf("fail fixture: findings %+v, want one at %s %s:%d", got, want.Cluster, want.File, want.Line)
			}
			if got := findings(t, e, filepath.Join(fixtures, "pass", passCase), code.String()); len(got) > 0 {
				t.Errorf("pass fixture: %+v", got)
			}

			before := snapshot(t, root, written)
			if _, err := Scaffold(root, spec); err == nil || !strings.Contains(err.Error(), code.String()+" is in use") {
				t.Errorf("a second scaffold of %s: %v, want refused as in use", code, err)
			}
			if after := snapshot(t, root, written); after != before {
				t.Error("the refused scaffold changed the files of the first")
			}
		})
	}
}

// findings lints a fixture case with the engine and keeps code's findings.
func findings(t *testing.T, e *checks.Engine, dir, code string) []checks.Finding {
	t.Helper()
	set := fileset.Read(fileset.Layout{Fleet: dir}, nil, source.DefaultLimits())
	if len(set.Errors) > 0 {
		t.Fatalf("%s: %v", dir, set.Errors)
	}
	r, err := e.Review(t.Context(), set.Clusters, checks.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []checks.Finding
	for _, f := range r.Findings {
		if f.Rule == code {
			out = append(out, f)
		}
	}
	return out
}

func snapshot(t *testing.T, root string, paths []string) string {
	var b bytes.Buffer
	for _, p := range paths {
		c, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(p + "\n")
		b.Write(c)
	}
	return b.String()
}

// A code is refused while anything still holds it: a rule's METADATA (in
// whichever directory), fixtures or a doc page; so is a directory in the
// way. A failed scaffold leaves nothing behind.
func TestScaffoldRefusesCodesInUse(t *testing.T) {
	root := scratch(t)
	spec := func(code string) Spec {
		s, err := ParseSpec(code, "A title", "warning", "cluster")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	write := func(p, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("policies/rules/mesh/misplaced/rule.rego", "# METADATA\n# custom:\n#   code: MS050\npackage meshcheck.rules.mesh.misplaced\n")
	write("testdata/rules/CL050/pass/x/c1/ns.yaml", "kind: Namespace\n")
	write("docs/rules/CP050.md", "# CP050\n")
	write("policies/rules/network/nw050/README", "in the way\n")
	for code, want := range map[string]string{
		"NW001": "NW001 is in use (policies/rules/network/nw001/nw001.rego)",
		"MS050": "MS050 is in use (policies/rules/mesh/misplaced/rule.rego)",
		"CL050": "CL050 is in use (testdata/rules/CL050)",
		"CP050": "CP050 is in use (docs/rules/CP050.md)",
		"NW050": "policies/rules/network/nw050: exists already",
	} {
		if _, err := Scaffold(root, spec(code)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Scaffold(%s) = %v, want %q", code, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "testdata/rules/NW050")); err == nil {
		t.Error("the refused NW050 left fixtures behind")
	}
	// The next free code skips planned ones and those in use.
	used, err := rulecode.InUse(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	if next := rulecode.Next(rulecode.Groups[0], used); next.String() != "CL051" {
		t.Errorf("next cluster code = %s, want CL051", next)
	}
}
