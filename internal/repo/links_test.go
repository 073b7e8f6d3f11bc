package repo

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// mdLink is a Markdown link's target, without its #fragment.
	mdLink = regexp.MustCompile(`\]\(([^)#\s]+)(?:#[^)\s]*)?\)`)
	// docRef is a page of docs/ named in a Go comment or string.
	docRef = regexp.MustCompile(`\bdocs/[a-z0-9/_-]+\.md\b`)
)

// TestDocLinksResolve fails when a tracked Markdown file links to a file
// that does not exist, or Go code (tests aside, whose paths may be made up)
// names a page of docs/ that is not there:
// two such pages (findings, exit codes) were once linked and missing.
func TestDocLinksResolve(t *testing.T) {
	root, files := trackedFiles(t)
	exists := func(rel string) bool {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil
	}
	checked := 0
	for _, name := range files {
		switch {
		case strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, "testdata/"):
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				checked++
				if !exists(path.Join(path.Dir(name), target)) {
					t.Errorf("%s links to %s, which does not exist", name, target)
				}
			}
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range docRef.FindAllString(string(b), -1) {
				checked++
				if !exists(ref) {
					t.Errorf("%s names %s, which does not exist", name, ref)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked %d links: the scan found too few to be looking at meshcheck's docs", checked)
	}
}
