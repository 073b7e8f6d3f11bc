package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The built-in policies skip the check-only compiler stages in every run;
// here they go through all of them.
func TestBuiltinPoliciesPassEveryCompilerCheck(t *testing.T) {
	files, err := loadFiles(nil, false, false)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := parseModules(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compile(mods, false); err != nil {
		t.Fatalf("the built-in policies fail a compiler check: %v", err)
	}
}

// Policies given with --policy are not trusted: a mistake only a
// check-only stage finds is still reported.
func TestUserPoliciesAreFullyChecked(t *testing.T) {
	dir := t.TempDir()
	rule := "package meshcheck.rules.acme.acme002\n\nviolation contains x if {\n\tx := 1 + \"one\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "acme002.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(t.Context(), Options{PolicyDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "rego_type_error") {
		t.Errorf("New = %v, want the type error of acme002.rego", err)
	}
}

// BenchmarkCompile compiles the built-in policies as one module set, with
// every compiler stage (users' policies) and without the check-only stages
// (built-in policies alone): what skipping them saves.
func BenchmarkCompile(b *testing.B) {
	files, err := builtinFiles(false)
	if err != nil {
		b.Fatal(err)
	}
	for _, trusted := range []bool{false, true} {
		b.Run(fmt.Sprintf("trusted=%v", trusted), func(b *testing.B) {
			for b.Loop() {
				mods, err := parseModules(files)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := compile(mods, trusted); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
