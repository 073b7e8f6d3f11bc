package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// findingKeys are what a finding says, as comparable lines.
func findingKeys(r jsonReport) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("%s %s %s:%d", f.Rule, f.Cluster, f.File, f.Line))
	}
	slices.Sort(out)
	return out
}

// Linting a fleet directory without --fleet finds what --fleet finds: the
// clusters are inferred from the installs' cluster names and the layout,
// never merged into one (issue: three false errors on the example fleet).
func TestLintInfersTheFleet(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fleets := []string{"examples/fleet"}
	for _, pattern := range []string{"testdata/corpus/*/*", "testdata/mistakes/*"} {
		dirs, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if rel, _ := filepath.Rel(root, d); !strings.HasSuffix(rel, ".md") {
				fleets = append(fleets, rel)
			}
		}
	}
	if len(fleets) < 20 {
		t.Fatalf("found %d fleets; the test data moved", len(fleets))
	}
	split := 0
	for _, fleet := range fleets {
		t.Run(fleet, func(t *testing.T) {
			_, declaredOut, _ := runCLI(t, root, "", "lint", "--no-config", "-o", "json", "--fleet", fleet)
			declared := decodeReport(t, declaredOut)
			code, out, stderr := runCLI(t, root, "", "lint", "--no-config", "-o", "json", fleet)
			if code == exitError {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			inferred := decodeReport(t, out)
			if declared.Summary.Clusters > 1 {
				split++
				if inferred.Summary.Clusters != declared.Summary.Clusters || !strings.Contains(stderr, "no fleet declared") {
					t.Errorf("inferred %d clusters, declared %d; stderr: %s", inferred.Summary.Clusters, declared.Summary.Clusters, stderr)
				}
			}
			if got, want := findingKeys(inferred), findingKeys(declared); !slices.Equal(got, want) {
				t.Errorf("findings without --fleet:\n%s\nwith --fleet:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	if split < 20 {
		t.Errorf("only %d multi-cluster fleets were inferred", split)
	}
}

// Inputs that hold several clusters' installs in a way no directory tells
// apart are refused with the ways to declare the fleet, not merged.
func TestLintRefusesAnUndeclaredMix(t *testing.T) {
	second := strings.ReplaceAll(iopNetwork1, "cluster1", "cluster2")
	for name, files := range map[string]map[string]string{
		"two cluster names in one directory": {"istio/east.yaml": iopNetwork1, "istio/west.yaml": second},
		"a shared file that Istio reads":     {"fleet/c1/iop.yaml": iopNetwork1, "fleet/c2/iop.yaml": second, "fleet/ns.yaml": nsNetwork2},
		"two documents of one file":          {"all.yaml": iopNetwork1 + "---\n" + second},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeFiles(t, files)
			code, out, stderr := runCLI(t, dir, "", "lint", "--no-config", ".")
			if code != exitError || out != "" {
				t.Fatalf("exit %d, want %d and no findings; stdout: %s", code, exitError, out)
			}
			for _, want := range []string{"cluster names cluster1, cluster2", "--fleet DIR", ".meshcheck.yaml"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}
