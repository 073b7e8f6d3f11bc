package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGoldenOutputs pins what users see on the bundled example fleet, in
// each format. Regenerate with `go test ./cmd/meshcheck -run Golden -update`
// after an intended change, and read the diff.
func TestGoldenOutputs(t *testing.T) {
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := runCLI(t, "../..", "", "lint", "--no-config", "--fleet", "examples/fleet", "-o", format)
			if code != exitFindings {
				t.Fatalf("exit %d, want %d: %s", code, exitFindings, errs)
			}
			golden := filepath.Join(goldenDir, "example-fleet."+format)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if string(want) != out {
				t.Errorf("output differs from %s (run with -update and read the diff):\n%s", golden, out)
			}
		})
	}
}
