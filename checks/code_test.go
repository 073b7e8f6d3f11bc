package checks_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/rulecode"
)

var packageLine = regexp.MustCompile(`(?m)^package\s+(\S+)`)

// TestBuiltinRulesLiveWhereTheirCodeSays: a built-in rule's code is
// written once, in its METADATA; its group, directory and package follow
// from it (internal/rulecode), and its Rego tests are in the package
// <package>_test, which `make test-rule` selects by.
func TestBuiltinRulesLiveWhereTheirCodeSays(t *testing.T) {
	for _, r := range checkstest.Engine(t).Rules() {
		if !r.Builtin {
			continue
		}
		code, err := rulecode.Parse(r.Code)
		if err != nil {
			t.Errorf("%s: %v", r.Package, err)
			continue
		}
		if r.Package != "data."+code.Package() {
			t.Errorf("%s is in package %s; its code says %s, in %s", r.Code, strings.TrimPrefix(r.Package, "data."), code.Package(), code.Dir())
			continue
		}
		tests, _ := filepath.Glob(filepath.Join("..", filepath.FromSlash(code.Dir()), "*_test.rego"))
		for _, p := range tests {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if m := packageLine.FindStringSubmatch(string(b)); m == nil || m[1] != code.Package()+"_test" {
				t.Errorf("%s: package %q, want %s_test", p, m, code.Package())
			}
		}
	}
}

// scaffoldMarks are what `make rule` writes for the author to replace.
var scaffoldMarks = []string{"TODO(scaffold)", "example.meshcheck.io/replace-me"}

// TestNoScaffoldPlaceholderLeft: a scaffolded rule fires on a placeholder
// label until its author writes the rule; `make test-rule` passes on it so
// that the loop starts green, and this fails until no rule, test or
// fixture still holds the placeholder.
func TestNoScaffoldPlaceholderLeft(t *testing.T) {
	for _, root := range []string{"../policies/rules", rulesFixtures} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			var lines []string
			for line := 1; sc.Scan(); line++ {
				if slices.ContainsFunc(scaffoldMarks, func(m string) bool { return strings.Contains(sc.Text(), m) }) {
					lines = append(lines, strconv.Itoa(line))
				}
			}
			if len(lines) > 0 {
				t.Errorf("%s:%s: the scaffold's placeholder (%s) is still here: write the rule, its tests and fixtures (docs/writing-rules.md)",
					p, strings.Join(lines, ","), strings.Join(scaffoldMarks, ", "))
			}
			return sc.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
