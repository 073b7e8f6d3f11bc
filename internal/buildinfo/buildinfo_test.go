package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	main := func(v string) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/meshcheck/meshcheck", Version: v}}
	}
	tests := []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"go install @v1.2.3", "dev", main("v1.2.3"), "v1.2.3"},
		{"-X wins over the module version", "v1.2.4", main("v1.2.3"), "v1.2.4"},
		{"-X without build info", "v1.2.4", nil, "v1.2.4"},
		{"go build without VCS information", "dev", main("(devel)"), "dev"},
		{"go run", "dev", main(""), "dev"},
		{"no build info", "dev", nil, "dev"},
		{"-X set to nothing", "", main("v0.0.0-20261203175849-9799c81d0b4a+dirty"), "v0.0.0-20261203175849-9799c81d0b4a+dirty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(tt.ldflags, tt.bi); got != tt.want {
				t.Errorf("versionOf(%q, %v) = %q, want %q", tt.ldflags, tt.bi, got, tt.want)
			}
		})
	}
}

func TestInfoOf(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "9799c81"}, {Key: "vcs.modified", Value: "true"},
	}}
	got := infoOf("dev", bi)
	if got.Version != "v1.2.3" || got.Commit != "9799c81" || !got.Modified || got.Go != "go1.26.8" || got.Platform == "" {
		t.Errorf("infoOf = %+v", got)
	}
}

// TestLdflags builds both binaries the way make does and checks that every
// way of asking prints the stamped version.
func TestLdflags(t *testing.T) {
	const v = "v9.8.7-test"
	dir := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-ldflags", "-X github.com/meshcheck/meshcheck/internal/buildinfo.version="+v,
		"-o", dir+string(filepath.Separator), "./cmd/meshcheck", "./cmd/meshcheck-webhook")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"meshcheck", "version"},
		{"meshcheck", "--version"},
		{"meshcheck-webhook", "--version"},
		{"meshcheck", "serve", "--version"}, // hands over to meshcheck-webhook beside it
		{"meshcheck", "version", "-o", "json"},
	} {
		out, err := exec.Command(filepath.Join(dir, args[0]), args[1:]...).CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		if !strings.Contains(string(out), v) {
			t.Errorf("%s printed %q, want it to contain %s", strings.Join(args, " "), out, v)
		}
	}
}
