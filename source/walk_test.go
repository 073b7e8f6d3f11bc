package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree creates files (path -> content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func obj(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n"
}

func TestReadPaths(t *testing.T) {
	root := writeTree(t, map[string]string{
		"b.yaml":                obj("b"),
		"a/z.yml":               obj("z"),
		"a/c.json":              `{"kind": "ConfigMap", "metadata": {"name": "c"}}`,
		"a/deeper/d.YAML":       obj("d"),
		"Upper.yaml":            obj("upper"),
		"notes.txt":             obj("not-a-manifest"),
		".git/config.yaml":      obj("hidden-dir"),
		"a/.cache/x.yaml":       obj("hidden-nested"),
		".pre-commit.yaml":      obj("hidden-file"),
		"broken.yaml":           "a: b: c\n",
		"explicit/manifest.tpl": obj("explicit"),
	})
	if err := os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "loop.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "b.yaml"), filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "gone"), filepath.Join(root, "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string {
		if p == "-" || !filepath.IsAbs(p) {
			return p
		}
		r, err := filepath.Rel(root, p)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(r)
	}

	stdin := strings.NewReader(obj("from-stdin"))
	paths := []string{
		root,
		"-",
		filepath.Join(root, "explicit", "manifest.tpl"),
		filepath.Join(root, "b.yaml"), // already read: once only
		filepath.Join(root, "missing.yaml"),
		"-",
	}
	files, objs, errs := ReadPaths(paths, stdin, Limits{})

	var gotFiles, gotNames, gotErrs []string
	for _, f := range files {
		gotFiles = append(gotFiles, rel(f))
	}
	for _, o := range objs {
		gotNames = append(gotNames, rel(o.Origin.File)+":"+o.Name())
	}
	for _, e := range errs {
		gotErrs = append(gotErrs, rel(e.File))
	}
	wantFiles := []string{"Upper.yaml", "a/c.json", "a/deeper/d.YAML", "a/z.yml", "b.yaml", "broken.yaml", "link.yaml", "-", "explicit/manifest.tpl"}
	wantNames := []string{"Upper.yaml:upper", "a/c.json:c", "a/deeper/d.YAML:d", "a/z.yml:z", "b.yaml:b", "link.yaml:b", "-:from-stdin", "explicit/manifest.tpl:explicit"}
	wantErrs := []string{"dangling.yaml", "broken.yaml", "missing.yaml"}
	if diff := cmp.Diff(wantFiles, gotFiles); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantNames, gotNames); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(errs) == 3 && !errors.Is(errs[2], fs.ErrNotExist) {
		t.Errorf("missing file error %v: want fs.ErrNotExist", errs[2])
	}
	if len(errs) == 3 && strings.Count(errs[2].Error(), "missing.yaml") != 1 {
		t.Errorf("missing file error %q names the path more than once", errs[2])
	}
}

func TestReadPathsSymlinkedRoot(t *testing.T) {
	root := writeTree(t, map[string]string{"real/a.yaml": obj("a")})
	link := filepath.Join(root, "link")
	if err := os.Symlink(filepath.Join(root, "real"), link); err != nil {
		t.Fatal(err)
	}
	files, objs, errs := ReadPaths([]string{link}, nil, Limits{})
	if diff := cmp.Diff([]string{filepath.Join(link, "a.yaml")}, files); diff != "" || len(objs) != 1 || len(errs) != 0 {
		t.Errorf("files (-want +got):\n%s\n%d objects, errors %v", diff, len(objs), errs)
	}
}

func TestReadPathsWithoutStdin(t *testing.T) {
	files, objs, errs := ReadPaths([]string{"-"}, nil, Limits{})
	if len(objs) != 0 || len(errs) != 1 || errs[0].File != "-" {
		t.Errorf("ReadPaths(-, nil) = %v, %d objects, %v; want one error for -", files, len(objs), errs)
	}
}

// One unreadable entry costs only itself. A dangling link fails the same
// way for root and other users, unlike a directory without permissions.
func TestReadPathsUnreadableEntry(t *testing.T) {
	root := writeTree(t, map[string]string{"ok.yaml": obj("ok")})
	dangling := filepath.Join(root, "dangling.yaml")
	if err := os.Symlink(filepath.Join(root, "missing"), dangling); err != nil {
		t.Fatal(err)
	}
	_, objs, errs := ReadPaths([]string{root}, nil, Limits{})
	if len(objs) != 1 || len(errs) != 1 || errs[0].File != dangling {
		t.Errorf("got %d objects, errors %v; want ok.yaml read and one error for %s", len(objs), errs, dangling)
	}
}

// All files together are bounded too: once the budget is used up, files
// are not read and one error names the first of them and how many more;
// the files before it are read, and a file over the per-file limit costs
// nothing.
func TestReadPathsTotalBudget(t *testing.T) {
	root := writeTree(t, map[string]string{
		"a.yaml":     obj("a"), // 51 bytes each
		"b.yaml":     obj("b"),
		"c.yaml":     obj("c"),
		"d.yaml":     obj("d"),
		"a-big.yaml": obj("big") + strings.Repeat("# padding\n", 20),
	})
	lim := Limits{MaxFileBytes: 100, MaxTotalBytes: 102} // a.yaml and b.yaml
	files, objs, errs := ReadPaths([]string{root}, nil, lim)
	var names []string
	for _, o := range objs {
		names = append(names, o.Name())
	}
	if diff := cmp.Diff([]string{"a", "b"}, names); diff != "" {
		t.Errorf("objects read (-want +got):\n%s", diff)
	}
	if len(files) != 3 { // a-big.yaml (refused alone), a.yaml, b.yaml
		t.Errorf("files = %v", files)
	}
	var over []*Error
	for _, e := range errs {
		if errors.Is(e, ErrOverBudget) {
			over = append(over, e)
		} else if !errors.Is(e, ErrTooLarge) {
			t.Errorf("unexpected error %v", e)
		}
	}
	if len(over) != 1 || filepath.Base(over[0].File) != "c.yaml" || !strings.Contains(over[0].Error(), "may hold 102 bytes, and 102 bytes were read; this file and 1 after it were not read") {
		t.Errorf("budget errors = %v, want one naming c.yaml and 1 more", over)
	}
}

// Copies of one file (the remote secret for a cluster, in the directory of
// every peer) are parsed once, and each copy's objects and errors are
// located in its own file, as if it had been parsed on its own.
func TestReadPathsCopiesOfOneFile(t *testing.T) {
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-c3\n  namespace: istio-system\nstringData:\n  c3: |\n    kind: Config\n"
	broken := "apiVersion: v1\nkind: Namespace\nmetadata: [\n"
	root := writeTree(t, map[string]string{
		"c1/remote-secret-c3.yaml": secret,
		"c2/remote-secret-c3.yaml": secret,
		"c1/broken.yaml":           broken,
		"c2/broken.yaml":           broken,
		"c2/other.yaml":            strings.Replace(secret, "c3", "c4", -1),
	})
	_, objs, errs := ReadPaths([]string{root}, nil, DefaultLimits())
	var got []string
	for _, o := range objs {
		line, col := o.Position("stringData.c3")
		got = append(got, fmt.Sprintf("%s %s %d:%d", rel(t, root, o.Origin.File), o.Name(), line, col))
	}
	want := []string{
		"c1/remote-secret-c3.yaml istio-remote-secret-c3 7:7",
		"c2/other.yaml istio-remote-secret-c4 7:3",
		"c2/remote-secret-c3.yaml istio-remote-secret-c3 7:7",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if objs[0] == objs[2] || objs[0].Origin.Index != objs[2].Origin.Index {
		t.Errorf("a copy must be its own object, at the same place in its file")
	}
	var files []string
	for _, e := range errs {
		files = append(files, fmt.Sprintf("%s:%d", rel(t, root, e.File), e.Line))
	}
	if diff := cmp.Diff([]string{"c1/broken.yaml:4", "c2/broken.yaml:4"}, files); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func rel(t *testing.T, root, file string) string {
	t.Helper()
	r, err := filepath.Rel(root, file)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(r)
}
