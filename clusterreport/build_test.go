package clusterreport

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
)

func TestBuild(t *testing.T) {
	gw := model.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "Gateway", Namespace: "istio-system", Name: "gw"}
	ns := model.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "istio-system"}
	cm := model.ObjectRef{APIVersion: "v1", Kind: "ConfigMap", Namespace: "istio-system", Name: "istio"}
	rules := []checks.Rule{
		{Code: "NW001", Title: "label", Severity: checks.Error, Scope: "cluster", Dimensions: []string{"network"}},
		{Code: "NW008", Title: "gateway", Severity: checks.Error, Scope: "object", Dimensions: []string{"network"}},
		{Code: "MS001", Title: "mesh id", Severity: checks.Error, Scope: "fleet", Dimensions: []string{"mesh"}},
		{Code: "CL004", Title: "secret", Severity: checks.Warning, Scope: "cluster"},
		{Code: "CL009", Title: "live", Severity: checks.Warning, Scope: "cluster", LiveOnly: true},
		{Code: "TD001", Title: "off", Severity: checks.Error, Scope: "cluster"},
		{Code: "CP001", Title: "clean", Severity: checks.Info, Scope: "object", Dimensions: []string{"control-plane"}},
	}
	rev := &checks.Review{
		Findings: []checks.Finding{
			{Rule: "NW008", Severity: checks.Error, Cluster: "east", Object: gw, Message: "tls"},
			{Rule: "NW001", Severity: checks.Error, Cluster: "east", Object: ns, Message: "label"},
			{Rule: "NW008", Severity: checks.Error, Cluster: "east", Object: gw, Message: "exempt", Suppressed: true, SuppressedBy: "ok (config)"},
			// A fleet rule's finding on a namespaced object of this cluster.
			{Rule: "MS001", Severity: checks.Error, Cluster: "east", Object: cm, Message: "mesh"},
			// A peer's finding naming this cluster, and one that does not.
			{Rule: "MS001", Severity: checks.Error, Cluster: "west", Object: cm, Message: "mesh west",
				Related: []model.Source{{Cluster: "east", Object: cm}}},
			{Rule: "CL004", Severity: checks.Warning, Cluster: "west", Object: cm, Message: "not ours"},
		},
		Errors: []error{errors.New("ConfigMap istio-system/istio: values do not parse")},
	}
	now := time.Unix(1700000000, 5)
	got := Build(Snapshot{
		Cluster: "east", Review: rev, Rules: rules,
		Settings: map[string]checks.RuleSetting{"TD001": {Disabled: true}, "CP001": {Severity: checks.Warning}},
	}, now)

	type row struct{ Policy, Result, Namespace, Cluster string }
	rows := func(r Report) []row {
		var out []row
		for _, res := range r.Results {
			if res.Timestamp == nil || *res.Timestamp != (report.PolicyTimestamp{Seconds: 1700000000, Nanos: 5}) {
				t.Errorf("%s %s: timestamp %v", res.Policy, res.Result, res.Timestamp)
			}
			out = append(out, row{res.Policy, res.Result, r.Namespace, res.Properties["cluster"]})
		}
		return out
	}
	if len(got.Namespaced) != 1 || got.Namespaced["istio-system"] == nil {
		t.Fatalf("namespaced reports %v, want istio-system's only", got.Namespaced)
	}
	if d := cmp.Diff([]row{
		{"NW008", "fail", "istio-system", ""},
		{"NW008", "skip", "istio-system", ""},
	}, rows(*got.Namespaced["istio-system"])); d != "" {
		t.Errorf("istio-system's PolicyReport (-want +got):\n%s", d)
	}
	// Without a peer in the review, the fleet rule does not pass (it had a
	// finding here anyway); CL004's finding is west's own, so CL004 passes
	// here; CL009 (live only) and TD001 (disabled) get nothing.
	if d := cmp.Diff([]row{
		{"NW001", "fail", "", ""},
		{"MS001", "fail", "", ""},
		{"MS001", "fail", "", "west"},
		{"meshcheck", "error", "", ""},
		{"CL004", "pass", "", ""},
		{"CP001", "pass", "", ""},
	}, rows(got.Cluster)); d != "" {
		t.Errorf("ClusterPolicyReport (-want +got):\n%s", d)
	}
	if s := got.Cluster.Summary; s != (report.PolicySummary{Fail: 3, Error: 1, Pass: 2}) {
		t.Errorf("cluster summary %+v", s)
	}
	if sev := got.Cluster.Results[5].Severity; sev != "medium" {
		t.Errorf("CP001 passes with severity %q, want the configured warning's medium", sev)
	}
	if d := cmp.Diff(map[Count]int{{"NW008", "error"}: 1, {"NW001", "error"}: 1, {"MS001", "error"}: 2}, got.Current); d != "" {
		t.Errorf("current findings (-want +got):\n%s", d)
	}

	// With a peer, a fleet rule without findings passes, naming the peers.
	fleet := Build(Snapshot{Cluster: "east", Peers: []string{"west"}, Review: &checks.Review{}, Rules: rules[2:3]}, now)
	if len(fleet.Cluster.Results) != 1 || fleet.Cluster.Results[0].Result != "pass" || fleet.Cluster.Results[0].Message != "no finding between cluster east and west" {
		t.Errorf("fleet rule with a peer: %+v", fleet.Cluster.Results)
	}
	alone := Build(Snapshot{Cluster: "east", Review: &checks.Review{}, Rules: rules[2:3]}, now)
	if len(alone.Cluster.Results) != 0 {
		t.Errorf("fleet rule without peers: %+v, want no result", alone.Cluster.Results)
	}
}
