package charttest

import (
	"path/filepath"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// The packaged chart carries the release's version, its Deployment runs the
// image of that version, and it lints as the tree's chart does.
func TestPackage(t *testing.T) {
	p, err := Package(chartDir, "v1.2.3", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "meshcheck-1.2.3.tgz" {
		t.Errorf("archive %s, want meshcheck-1.2.3.tgz", p)
	}
	ch, err := loader.Load(p)
	if err != nil {
		t.Fatalf("load %s: %v", p, err)
	}
	if ch.Metadata.Version != "1.2.3" || ch.Metadata.AppVersion != "v1.2.3" {
		t.Errorf("version %s, appVersion %s; want 1.2.3, v1.2.3", ch.Metadata.Version, ch.Metadata.AppVersion)
	}
	objs, err := renderChart(ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, c := deployment(t, objs); c.Image != "ghcr.io/meshcheck/meshcheck:v1.2.3" {
		t.Errorf("image %s, want the release's", c.Image)
	}
	bad, err := Lint(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range bad {
		t.Error(m.Error())
	}
	if _, err := Package(chartDir, "", t.TempDir()); err == nil {
		t.Error("packaged without a version")
	}
}
