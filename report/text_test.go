package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
)

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		in   checks.Summary
		want string
	}{
		{"clean", checks.Summary{Clusters: 4}, "no findings in 4 clusters"},
		{"clean one cluster", checks.Summary{Clusters: 1}, "no findings in 1 cluster"},
		{"clean but suppressed", checks.Summary{Suppressed: 2, Clusters: 4}, "no findings in 4 clusters (2 suppressed)"},
		{"mixed", checks.Summary{Total: 4, Errors: 3, Warnings: 1, Suppressed: 2, Clusters: 4},
			"3 errors, 1 warning, 0 info in 4 clusters (2 suppressed)"},
		{"singular", checks.Summary{Total: 3, Errors: 1, Warnings: 1, Infos: 1, Clusters: 2},
			"1 error, 1 warning, 1 info in 2 clusters"},
		{"files only", checks.Summary{Total: 2, Warnings: 2, Files: 3}, "0 errors, 2 warnings, 0 info in 3 files"},
		{"nothing read", checks.Summary{}, "no findings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summaryLine(tt.in); got != tt.want {
				t.Errorf("summaryLine(%+v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextFinding(t *testing.T) {
	fs := fixtureFindings()
	tests := []struct {
		name string
		in   checks.Finding
		want string
	}{
		{"full location", fs[fxFull],
			`manifests/east/istio.yaml:12:7: ERROR NW001 istio-system is labelled topology.istio.io/network=net1 but values.global.network is "net2"` + "\n" +
				"  fix: Set the namespace label and values.global.network to the same network.\n"},
		{"no file uses the object", fs[fxNoFile],
			"Deployment istio-system/istiod: WARNING CP002 remote cluster runs Deployment istiod for revision default\n" +
				"  fix: Delete the local istiod.\n"},
		{"file without line", fs[fxFileOnly],
			"manifests/west/values.yaml: ERROR NW001 values.global.network is empty\n"},
		{"nothing known", fs[fxFleet],
			"ERROR MS006 trust domains differ: cluster.local (east), corp.example (west)\n" +
				"  fix: Use one trust domain, or alias each in trustDomainAliases.\n" +
				"  see: east (IstioOperator istio-system/installed-state)\n" +
				"  see: west (IstioOperator istio-system/installed-state)\n"},
		{"related", fs[fxRelated],
			`manifests/east/istio.yaml:4: ERROR CL002 clusterName "east" is also used by cluster west` + "\n" +
				"  fix: Give every cluster its own clusterName.\n" +
				"  see: west manifests/west/istio.yaml:4:5 (IstioOperator istio-system/installed-state)\n" +
				"  see: west (Deployment istio-system/istiod)\n"},
		{"suppressed", fs[fxSuppressed],
			"manifests/east/istio.yaml:2:1: INFO MS002 meshID is not set; it defaults to the trust domain" +
				" (suppressed: meshcheck.io/exempt=MS002: single mesh, migration tracked in OPS-12)\n"},
		{"suppressed without reason", checks.Finding{Rule: "X001", Severity: checks.Warning, Message: "m", Suppressed: true},
			"WARNING X001 m (suppressed)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeTextFinding(&b, tt.in, false)
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextShowSuppressed(t *testing.T) {
	marker := "(suppressed: "
	tests := []struct {
		opt  Options
		want bool
	}{
		{Options{}, false},
		{Options{ShowSuppressed: true}, true},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := writeText(&b, fixture(), tt.opt); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), marker); got != tt.want {
			t.Errorf("ShowSuppressed=%v: output contains %q = %v, want %v", tt.opt.ShowSuppressed, marker, got, tt.want)
		}
		// The count stays in the summary either way.
		if !strings.Contains(b.String(), "(1 suppressed)") {
			t.Errorf("ShowSuppressed=%v: summary lost the suppressed count:\n%s", tt.opt.ShowSuppressed, b.String())
		}
	}
}

// A cluster literally called "fleet" must not be merged with fleet-wide
// findings.
func TestTextGroupsFleetApart(t *testing.T) {
	r := Result{Findings: []checks.Finding{
		{Rule: "A001", Severity: checks.Error, Message: "fleet-wide"},
		{Rule: "A002", Severity: checks.Error, Message: "in a cluster", Cluster: "fleet"},
	}}
	var b strings.Builder
	if err := writeText(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, header := range []string{"fleet:\n", "cluster fleet:\n"} {
		if !strings.Contains(b.String(), header) {
			t.Errorf("missing header %q in:\n%s", header, b.String())
		}
	}
}

func TestTextIndentsMultiLineRemediation(t *testing.T) {
	var b strings.Builder
	writeTextFinding(&b, checks.Finding{Rule: "NW001", Severity: checks.Error, Message: "m", Remediation: "first line\nsecond line\n"}, false)
	want := "ERROR NW001 m\n  fix: first line\n       second line\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
