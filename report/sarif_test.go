package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
)

// sarifOf renders r and decodes it back into the writer's own model.
func sarifOf(t *testing.T, r Result) sarifLog {
	t.Helper()
	var buf bytes.Buffer
	if err := writeSARIF(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFRegions(t *testing.T) {
	r := fixture()
	results := sarifOf(t, r).Runs[0].Results
	if len(results) != len(r.Findings) {
		t.Fatalf("got %d results for %d findings", len(results), len(r.Findings))
	}
	for i, f := range r.Findings {
		t.Run(f.Rule+" "+where(f), func(t *testing.T) {
			res := results[i]
			if len(res.Locations) != 1 {
				t.Fatalf("got %d locations, want 1", len(res.Locations))
			}
			phys := res.Locations[0].PhysicalLocation
			if phys == nil {
				t.Fatal("no physicalLocation")
			}
			if f.File == "" {
				// The live object's artifact (see TestSARIFPhysicalLocations):
				// no lines, and the object named as a logical location.
				if phys.Region != nil || phys.ArtifactLocation.Description == nil {
					t.Errorf("finding without file: physicalLocation %+v, want the live artifact without region", phys)
				}
				if len(res.Locations[0].LogicalLocations) == 0 {
					t.Errorf("finding without file has no logicalLocations")
				}
				return
			}
			var want *sarifRegion
			if f.Line > 0 {
				want = &sarifRegion{StartLine: f.Line, StartColumn: f.Column}
			}
			if diff := cmp.Diff(want, phys.Region); diff != "" {
				t.Errorf("region (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSARIFResults(t *testing.T) {
	r := fixture()
	run := sarifOf(t, r).Runs[0]
	for i, res := range run.Results {
		f := r.Findings[i]
		if got := run.Tool.Driver.Rules[res.RuleIndex].ID; got != res.RuleID || got != f.Rule {
			t.Errorf("result %d: ruleIndex %d names %s, want %s", i, res.RuleIndex, got, f.Rule)
		}
		var want []sarifSuppression
		if f.Suppressed {
			want = []sarifSuppression{{Kind: "external", Justification: f.SuppressedBy}}
		}
		if diff := cmp.Diff(want, res.Suppressions); diff != "" {
			t.Errorf("result %d suppressions (-want +got):\n%s", i, diff)
		}
		if len(res.RelatedLocations) != len(f.Related) {
			t.Errorf("result %d: %d relatedLocations for %d related", i, len(res.RelatedLocations), len(f.Related))
		}
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != len(r.Errors) {
		t.Errorf("invocation = %+v, want unsuccessful with %d notifications", inv, len(r.Errors))
	}
	if clean := sarifOf(t, clean()).Runs[0]; !clean.Invocations[0].ExecutionSuccessful || clean.Results == nil {
		t.Errorf("clean run: invocation %+v, results %v; want successful and []", clean.Invocations[0], clean.Results)
	}
}

// A finding of a rule missing from the catalog still resolves its ruleIndex.
func TestSARIFRuleOutsideCatalog(t *testing.T) {
	r := Result{Findings: []checks.Finding{{Rule: "USR001", Severity: checks.Info, Title: "Custom rule", Message: "m"}}}
	run := sarifOf(t, r).Runs[0]
	want := []sarifRule{{ID: "USR001", Name: "CustomRule", ShortDescription: &sarifText{Text: "Custom rule"},
		DefaultConfiguration: sarifConfig{Level: "note"}}}
	if diff := cmp.Diff(want, run.Tool.Driver.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if run.Results[0].RuleIndex != 0 {
		t.Errorf("ruleIndex = %d, want 0", run.Results[0].RuleIndex)
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct {
		in   string
		want sarifArtifact
	}{
		{"manifests/east.yaml", sarifArtifact{URI: "manifests/east.yaml", URIBaseID: srcRoot}},
		{"./manifests/east.yaml", sarifArtifact{URI: "manifests/east.yaml", URIBaseID: srcRoot}},
		{"../other/x.yaml", sarifArtifact{URI: "../other/x.yaml", URIBaseID: srcRoot}},
		{"my dir/a#1.yaml", sarifArtifact{URI: "my%20dir/a%231.yaml", URIBaseID: srcRoot}},
		{"/work/east.yaml", sarifArtifact{URI: "file:///work/east.yaml"}},
	}
	for _, tt := range tests {
		if got := artifactURI(tt.in); got != tt.want {
			t.Errorf("artifactURI(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Network label matches values", "NetworkLabelMatchesValues"},
		{"CLUSTER_ID is set", "CLUSTERIDIsSet"},
		{"east-west gateway on 15443", "EastWestGatewayOn15443"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := pascalCase(tt.in); got != tt.want {
			t.Errorf("pascalCase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
