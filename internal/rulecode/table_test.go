package rulecode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/internal/golden"
)

const (
	repoRoot     = "../.."
	writingRules = "../../docs/writing-rules.md"
)

// TestWritingRulesListsTheCodes fails when the codes docs/writing-rules.md
// lists are not those the rules use and plan; `make docs` (-update)
// rewrites them.
func TestWritingRulesListsTheCodes(t *testing.T) {
	used, err := InUse(os.DirFS(repoRoot))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(writingRules)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start, end := strings.Index(doc, TableBegin), strings.Index(doc, TableEnd)
	if start < 0 || end < start {
		t.Fatalf("%s: no lines %q and %q around the codes", writingRules, TableBegin, TableEnd)
	}
	start += len(TableBegin) + 1
	want := "\n" + Table(used) + "\n"
	if golden.Update() {
		if err := os.WriteFile(writingRules, []byte(doc[:start]+want+doc[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := doc[start:end]; got != want {
		t.Errorf("%s lists other codes than the rules use: run `make docs`\ngot:\n%s\nwant:\n%s", filepath.Base(writingRules), got, want)
	}
}

func TestRangesJoinRuns(t *testing.T) {
	g := Groups[0]
	for want, nums := range map[string][]int{
		"none":                      nil,
		"CL001":                     {1},
		"CL001, CL002":              {2, 1},
		"CL001–CL007, CL010":        {1, 2, 3, 4, 5, 6, 7, 10},
		"CL001, CL003–CL005, CL009": {9, 5, 4, 3, 1},
	} {
		if got := ranges(g, nums); got != want {
			t.Errorf("ranges(%v) = %q, want %q", nums, got, want)
		}
	}
}
