package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
)

func TestByCluster(t *testing.T) {
	fs := []checks.Finding{
		{Rule: "A", Cluster: "west"}, {Rule: "B"}, {Rule: "C", Cluster: "east"}, {Rule: "D", Cluster: "west"},
	}
	got := map[string][]string{}
	var order []string
	for _, g := range byCluster(fs) {
		order = append(order, g.cluster)
		for _, f := range g.findings {
			got[g.cluster] = append(got[g.cluster], f.Rule)
		}
	}
	// Groups keep first-appearance order; findings keep input order.
	if diff := cmp.Diff([]string{"west", "", "east"}, order); diff != "" {
		t.Errorf("group order (-want +got):\n%s", diff)
	}
	want := map[string][]string{"west": {"A", "D"}, "": {"B"}, "east": {"C"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestVisible(t *testing.T) {
	fs := []checks.Finding{{Rule: "A"}, {Rule: "B", Suppressed: true}}
	if got := visible(fs, Options{}); len(got) != 1 || got[0].Rule != "A" {
		t.Errorf("visible without ShowSuppressed = %+v, want only A", got)
	}
	if got := visible(fs, Options{ShowSuppressed: true}); len(got) != 2 {
		t.Errorf("visible with ShowSuppressed = %+v, want both", got)
	}
}
