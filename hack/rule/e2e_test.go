package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meshcheck/meshcheck/internal/rulecode"
)

// TestMakeRuleThenTestRule runs the loop docs/writing-rules.md describes in
// a copy of the checkout: `make rule` scaffolds a rule and its docs, `make
// test-rule` passes on it (its Rego tests ran and TestRuleFixtures ran its
// fixtures), a second `make rule` with the same code is refused, and the
// guard against a placeholder left in fails.
func TestMakeRuleThenTestRule(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the make rule / make test-rule run in a copy of the checkout (it compiles the test binaries anew) is left out")
	}
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
	}
	root := copyCheckout(t)
	used, err := rulecode.InUse(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	code := rulecode.Next(rulecode.Groups[1], used).String()

	out, err := runIn(t, root, "make", "rule", "CODE="+code, `TITLE=Throwaway rule: it's "quoted" & $HOME stays`, "SEVERITY=error")
	if err != nil {
		t.Fatalf("make rule: %v\n%s", err, out)
	}
	page, err := os.ReadFile(filepath.Join(root, "docs", "rules", code+".md"))
	if err != nil || !strings.Contains(string(page), `Throwaway rule: it's "quoted" & $HOME stays`) {
		t.Errorf("make rule wrote no docs/rules/%s.md with the title (%v):\n%s", code, err, page)
	}

	out, err = runIn(t, root, "make", "test-rule", "CODE="+code)
	if err != nil {
		t.Fatalf("make test-rule: %v\n%s", err, out)
	}
	for _, want := range []string{"PASS: 3/3", "ok  \tgithub.com/meshcheck/meshcheck/checks", "ok  \tgithub.com/meshcheck/meshcheck/ruledoc"} {
		if !strings.Contains(out, want) {
			t.Errorf("make test-rule printed no %q:\n%s", want, out)
		}
	}
	out, err = runIn(t, root, "go", "test", "./checks", "-run", "^TestRuleFixtures$/^"+code+"$", "-v")
	for _, want := range []string{"--- PASS: TestRuleFixtures/" + code + "/fail/" + failCase, "--- PASS: TestRuleFixtures/" + code + "/pass/" + passCase} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("the fixture harness did not run the scaffolded fixtures (%v): no %q in\n%s", err, want, out)
		}
	}

	if out, err := runIn(t, root, "make", "rule", "CODE="+code, "TITLE=Again"); err == nil || !strings.Contains(out, code+" is in use") {
		t.Errorf("a second make rule CODE=%s: %v\n%s", code, err, out)
	}
	out, err = runIn(t, root, "go", "test", "./checks", "-run", "^TestNoScaffoldPlaceholderLeft$")
	if err == nil || !strings.Contains(out, strings.ToLower(code)+".rego") {
		t.Errorf("TestNoScaffoldPlaceholderLeft passed with the placeholder in place (%v):\n%s", err, out)
	}
}

// copyCheckout copies the files git knows of (tracked, or new and not
// ignored) into a temporary directory, so that what runs there sees the
// working tree as it is, without bin/ and build outputs.
func copyCheckout(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	root := t.TempDir()
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(repoRoot, rel)
		fi, err := os.Lstat(src)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the working tree, or a symlink
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// runIn runs a command in dir with a make of its own (no flags of a make
// this test may run under) and returns what it printed. A go command gets
// the settings the Makefile exports, to share the build cache with make's.
func runIn(t *testing.T, dir, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if name == "go" {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0", "GOFLAGS="+os.Getenv("GOFLAGS")+" -trimpath")
	}
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %s", name, strings.Join(args, " "), time.Since(start).Round(100*time.Millisecond))
	return b.String(), err
}
