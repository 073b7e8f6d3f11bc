package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/model"
)

func TestVersion(t *testing.T) {
	want := "meshcheck " + buildinfo.Version() + " (model " + model.APIVersion + ")\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"version", "-o", "text"}} {
		code, out, errs := runCLI(t, "", "", args...)
		if code != exitClean || out != want {
			t.Errorf("%v: exit %d, stdout %q, want %q (stderr %q)", args, code, out, want, errs)
		}
	}

	code, out, errs := runCLI(t, "", "", "version", "-o", "json")
	var got struct {
		Version, Model, Go, Platform string
	}
	if err := json.Unmarshal([]byte(out), &got); code != exitClean || err != nil {
		t.Fatalf("version -o json: exit %d, %v\nstdout: %s\nstderr: %s", code, err, out, errs)
	}
	if got.Version != buildinfo.Version() || got.Model != model.APIVersion || !strings.HasPrefix(got.Go, "go") || !strings.Contains(got.Platform, "/") {
		t.Errorf("version -o json = %+v", got)
	}

	// -o yaml is the same document.
	code, out, _ = runCLI(t, "", "", "version", "-o", "yaml")
	if code != exitClean || !strings.Contains(out, "version: "+buildinfo.Version()+"\n") || !strings.Contains(out, "model: "+model.APIVersion) {
		t.Errorf("version -o yaml: exit %d:\n%s", code, out)
	}

	for _, args := range [][]string{{"version", "-o", "xml"}, {"version", "extra"}} {
		if code, _, errs := runCLI(t, "", "", args...); code != exitError || errs == "" {
			t.Errorf("%v: exit %d, stderr %q, want a usage error", args, code, errs)
		}
	}
}
