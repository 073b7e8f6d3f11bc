package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A fix names the finding's own values: on the example fleet, us-west's
// installed network (network3), not the rule documentation's example.
func TestFixIsComputedFromTheFinding(t *testing.T) {
	_, out, stderr := runCLI(t, "../..", "", "lint", "--no-config", "-o", "json", "--fleet", "examples/fleet")
	var r struct {
		Findings []struct {
			Rule        string `json:"rule"`
			Remediation string `json:"remediation"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	found := false
	for _, f := range r.Findings {
		if f.Rule == "NW001" {
			found = true
			if !strings.Contains(f.Remediation, "topology.istio.io/network=network3 --overwrite") || strings.Contains(f.Remediation, "network1") {
				t.Errorf("NW001 fix = %q, want one that sets network3", f.Remediation)
			}
		}
	}
	if !found {
		t.Fatal("no NW001 finding on the example fleet")
	}
}

// A finding may carry its own severity: NW002 is info in sidecar mode,
// where the injector labels the pods with their network (Istio's own CI
// runs such meshes), though the rule's METADATA says error (ambient).
func TestSeverityFollowsTheDataPlaneMode(t *testing.T) {
	_, out, stderr := runCLI(t, "../..", "", "lint", "--no-config", "-o", "json", "--fleet", "testdata/mistakes/03-namespace-network-label-missing")
	r := decodeReport(t, out)
	found := false
	for _, f := range r.Findings {
		if f.Rule == "NW002" {
			found = true
			if f.Severity != "info" {
				t.Errorf("NW002 severity = %s in a sidecar-mode mesh, want info", f.Severity)
			}
		}
	}
	if !found {
		t.Fatalf("no NW002 finding: %s %s", out, stderr)
	}
}
