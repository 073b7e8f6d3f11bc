package report

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

func TestPolicyResultOf(t *testing.T) {
	obj := model.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "istio-system"}
	tests := []struct {
		name string
		f    checks.Finding
		want PolicyResult
	}{
		{"error fails", checks.Finding{Rule: "NW001", Title: "t", Severity: checks.Error, Message: "m", Object: obj, Path: "metadata.labels", ClusterID: "c1"},
			PolicyResult{Source: "meshcheck", Policy: "NW001", Rule: "t", Category: "network", Severity: "high", Result: "fail", Scored: true, Message: "m",
				Resources: []model.ObjectRef{obj}, Properties: map[string]string{"path": "metadata.labels", "cluster_id": "c1"}}},
		{"warning warns", checks.Finding{Rule: "CP004", Severity: checks.Warning},
			PolicyResult{Source: "meshcheck", Policy: "CP004", Category: "network", Severity: "medium", Result: "warn", Scored: true, Properties: map[string]string{}}},
		{"info warns", checks.Finding{Rule: "X", Severity: checks.Info},
			PolicyResult{Source: "meshcheck", Policy: "X", Category: "network", Severity: "info", Result: "warn", Scored: true, Properties: map[string]string{}}},
		{"suppressed skips", checks.Finding{Rule: "X", Severity: checks.Error, Suppressed: true, SuppressedBy: "config"},
			PolicyResult{Source: "meshcheck", Policy: "X", Category: "network", Severity: "high", Result: "skip", Scored: true, Properties: map[string]string{"suppressed_by": "config"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, PolicyResultOf(tt.f, "network")); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// One report per cluster, clusters without findings included, one result
// per finding, each document valid YAML for kubectl apply.
func TestPolicyReportPerCluster(t *testing.T) {
	r := fixture()
	r.Command = "audit"
	r.Clusters = []string{"east", "west", "quiet", "doomed"}
	r.Errors = append(r.Errors, InputError{Cluster: "doomed", Message: "context doomed: the server could not be reached"})
	var buf bytes.Buffer
	if err := Write(&buf, "policyreport", r, Options{}); err != nil {
		t.Fatal(err)
	}
	results := map[string]int{}
	for _, doc := range strings.Split(buf.String(), "\n---\n") {
		var rep policyReport
		if err := yaml.UnmarshalStrict([]byte(doc), &rep); err != nil {
			t.Fatalf("document does not parse: %v\n%s", err, doc)
		}
		if rep.APIVersion != "wgpolicyk8s.io/v1alpha2" || rep.Kind != "PolicyReport" {
			t.Errorf("not a PolicyReport: %s %s", rep.APIVersion, rep.Kind)
		}
		c := rep.Metadata.Annotations["meshcheck.io/cluster"]
		results[c] = len(rep.Results)
		if rep.Summary.Fail+rep.Summary.Warn+rep.Summary.Skip+rep.Summary.Error != len(rep.Results) {
			t.Errorf("%s: summary %+v does not count %d results", c, rep.Summary, len(rep.Results))
		}
	}
	want := map[string]int{}
	for _, c := range r.Clusters {
		want[c] = 0
	}
	for _, f := range r.Findings {
		want[f.Cluster]++
	}
	for _, e := range r.Errors {
		if e.Cluster != "" {
			want[e.Cluster]++ // an unread cluster reports the error, never an empty report
		}
	}
	if d := cmp.Diff(want, results); d != "" {
		t.Errorf("results per cluster (-want +got):\n%s", d)
	}
}

// Lint does not offer policyreport; audit does, with every other format.
func TestPolicyReportIsForAudit(t *testing.T) {
	if slices.Contains(Formats(), "policyreport") {
		t.Error("Formats() (lint's -o values) lists policyreport")
	}
	if d := cmp.Diff(append(Formats(), "policyreport"), AuditFormats()); d != "" {
		t.Errorf("AuditFormats() (-want +got):\n%s", d)
	}
}

func TestPolicyReportGolden(t *testing.T) {
	r := fixture()
	r.Command = "audit"
	var buf bytes.Buffer
	if err := Write(&buf, "policyreport", r, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.policyreport.golden", buf.Bytes())
	buf.Reset()
	c := clean()
	c.Clusters = []string{"east", "west"}
	if err := Write(&buf, "policyreport", c, Options{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "clean.policyreport.golden", buf.Bytes())
}

func TestPolicyReportWriterError(t *testing.T) {
	if err := Write(failingWriter{}, "policyreport", fixture(), Options{}); !errors.Is(err, errDiskFull) {
		t.Fatalf("Write = %v, want it to wrap %v", err, errDiskFull)
	}
}

// A rule without findings passes, with its own category, severity and docs;
// the summary counts each outcome once.
func TestPassResultAndSummary(t *testing.T) {
	r := checks.Rule{Code: "NW001", Title: "t", Dimensions: []string{"network", "control-plane"}, Docs: "https://d"}
	got := PassResult(r, checks.Warning, "no findings")
	want := PolicyResult{Source: "meshcheck", Policy: "NW001", Rule: "t", Category: "network", Severity: "medium",
		Result: "pass", Scored: true, Message: "no findings", Properties: map[string]string{"docs": "https://d"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	var s PolicySummary
	for _, r := range []string{"pass", "pass", "fail", "warn", "error", "skip", "other"} {
		s.Count(r)
	}
	if want := (PolicySummary{Pass: 2, Fail: 1, Warn: 1, Error: 1, Skip: 1}); s != want {
		t.Errorf("summary %+v, want %+v", s, want)
	}
}
