package main

import (
	"path/filepath"
	"testing"

	"github.com/meshcheck/meshcheck/internal/golden"
)

// TestGoldenOutputs pins what users see on the bundled example fleet, in
// each format. Regenerate with `go test ./cmd/meshcheck -run Golden -update`
// after an intended change, and read the diff.
func TestGoldenOutputs(t *testing.T) {
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "sarif", "junit", "github", "markdown"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := runCLI(t, "../..", "", "lint", "--no-config", "--fleet", "examples/fleet", "-o", format)
			if code != exitFindings {
				t.Fatalf("exit %d, want %d: %s", code, exitFindings, errs)
			}
			golden.Check(t, filepath.Join(goldenDir, "example-fleet."+format), []byte(out))
		})
	}
}
