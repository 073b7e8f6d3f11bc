package main

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
)

type auditReport struct {
	Findings []checks.Finding    `json:"findings"`
	Errors   []report.InputError `json:"errors"`
}

func decodeAudit(t *testing.T, out string) auditReport {
	t.Helper()
	var r auditReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("decode report: %v\n%s", err, out)
	}
	checkSchema(t, "report", out)
	return r
}

// comparable drops what only files have (positions), so that findings
// read from files and from clusters can be compared. A Secret's stringData
// is stored as data: the API server returns the same key under data.
func comparable(fs []checks.Finding) []checks.Finding {
	out := make([]checks.Finding, 0, len(fs))
	for _, f := range fs {
		f.File, f.Line, f.Column = "", 0, 0
		if f.Object.Kind == "Secret" {
			f.Path = strings.Replace(f.Path, "stringData.", "data.", 1)
		}
		var rel []model.Source
		for _, r := range f.Related {
			r.File, r.Line, r.Column = "", 0, 0
			rel = append(rel, r)
		}
		f.Related = rel
		out = append(out, f)
	}
	checks.Sort(out)
	return out
}

func codes(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Cluster+"/"+f.Rule)
	}
	return out
}

// completeConfig declares the clusters of the shared fleet with a complete
// Secret inventory, as a live audit reads them.
func completeConfig(t *testing.T, scenario string) string {
	return completeConfigFor(t, scenario, auditFleetNames)
}

func auditArgs(kubeconfig string, extra ...string) []string {
	args := []string{"audit", "--no-config", "--kubeconfig", kubeconfig}
	for _, n := range auditFleetNames {
		args = append(args, "--context", n)
	}
	return append(args, extra...)
}

func TestAuditMatchesLint(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	code, out, errs := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	if code != exitFindings {
		t.Fatalf("audit exit %d, want %d\nstderr: %s\n%s", code, exitFindings, errs, out)
	}
	audit := decodeAudit(t, out)
	if len(audit.Errors) > 0 {
		t.Fatalf("audit errors: %+v", audit.Errors)
	}

	// The same manifests, with the completeness a live read has: equal.
	_, lout, lerrs := runCLI(t, "", "", "lint", "--config", completeConfig(t, f.scenario), "-o", "json")
	lintComplete := decodeAudit(t, lout)
	if len(lintComplete.Errors) > 0 {
		t.Fatalf("lint errors: %+v %s", lintComplete.Errors, lerrs)
	}
	if d := cmp.Diff(comparable(lintComplete.Findings), comparable(audit.Findings)); d != "" {
		t.Errorf("audit and lint (complete: [Secret]) differ (-lint +audit):\n%s", d)
	}

	// Plain lint of the files cannot see that nothing else exists: every
	// finding it has, audit has too, and the rest is what only a live read shows.
	_, lout, _ = runCLI(t, "", "", "lint", "--no-config", "--fleet", f.scenario, "-o", "json")
	lint := comparable(decodeAudit(t, lout).Findings)
	live := comparable(audit.Findings)
	for _, l := range lint {
		if !slices.ContainsFunc(live, func(a checks.Finding) bool { return cmp.Equal(a, l) }) {
			t.Errorf("lint finding missing from audit: %s %s %s", l.Cluster, l.Rule, l.Message)
		}
	}
	var liveOnly []string
	for _, a := range live {
		if !slices.ContainsFunc(lint, func(l checks.Finding) bool { return cmp.Equal(a, l) }) {
			liveOnly = append(liveOnly, a.Cluster+"/"+a.Rule)
		}
	}
	t.Logf("lint: %v; live-only: %v", codes(lint), liveOnly)
	// The planted mistakes of examples/fleet are found live.
	for _, want := range []string{"us-west/NW001", "us-west/MS006", "edge-1/CP007"} {
		if !slices.Contains(codes(live), want) {
			t.Errorf("audit misses %s; got %v", want, codes(live))
		}
	}
}

func TestAuditFromRemoteSecrets(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	_, full, _ := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	code, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--context", "us-east", "--from-remote-secrets", "-o", "json")
	if code != exitFindings {
		t.Fatalf("exit %d\nstderr: %s\n%s", code, errs, out)
	}
	got := decodeAudit(t, out)
	if len(got.Errors) > 0 {
		t.Fatalf("errors: %+v", got.Errors)
	}
	// us-east's remote secrets name us-west and edge-1; us-west's name
	// us-east, already audited: the whole fleet from one context.
	if d := cmp.Diff(comparable(decodeAudit(t, full).Findings), comparable(got.Findings)); d != "" {
		t.Errorf("discovered fleet differs from the fleet by contexts (-contexts +discovered):\n%s", d)
	}
}

func TestAuditWithoutSecretAccess(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, map[string]*rest.Config{"us-west": f.noSecrets["us-west"]})
	code, out, errs := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	if code != exitError {
		t.Fatalf("exit %d, want %d (partial audit)\nstderr: %s", code, exitError, errs)
	}
	got := decodeAudit(t, out)
	if len(got.Errors) != 3 {
		t.Errorf("want one error per secret selection, got %+v", got.Errors)
	}
	for _, e := range got.Errors {
		if e.Cluster != "us-west" || !strings.Contains(e.Message, "forbidden") || !strings.Contains(e.Message, "secrets") {
			t.Errorf("unclear error: %+v", e)
		}
	}
	if !strings.Contains(errs, "cluster us-west") || !strings.Contains(errs, "may not list secrets") {
		t.Errorf("stderr should explain the missing access:\n%s", errs)
	}
	// The rest of the audit went on: us-west's other kinds were read.
	for _, want := range []string{"us-west/NW001", "us-west/MS006", "edge-1/CP007"} {
		if !slices.Contains(codes(got.Findings), want) {
			t.Errorf("partial audit misses %s; got %v", want, codes(got.Findings))
		}
	}
}

func TestAuditStoppedCluster(t *testing.T) {
	f := sharedFleet(t)
	doomed, err := livetest.Start("doomed")
	if err != nil {
		t.Fatal(err)
	}
	user, err := doomed.User("admin-doomed", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rest.CopyConfig(user)
	if err := doomed.Stop(); err != nil {
		t.Fatal(err)
	}
	kc := f.kubeconfig(t, map[string]*rest.Config{"doomed": cfg})
	_, full, _ := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	code, out, errs := runCLI(t, "", "", auditArgs(kc, "--context", "doomed", "--timeout", "10s", "-o", "json")...)
	if code != exitError {
		t.Fatalf("exit %d, want %d (partial audit)\nstderr: %s", code, exitError, errs)
	}
	got := decodeAudit(t, out)
	if len(got.Errors) != 1 || got.Errors[0].Cluster != "doomed" || !strings.Contains(got.Errors[0].Message, "unreachable") {
		t.Errorf("want one unreachable error for doomed, got %+v", got.Errors)
	}
	var others []checks.Finding
	for _, fd := range got.Findings {
		if fd.Cluster != "doomed" {
			others = append(others, fd)
		}
	}
	if d := cmp.Diff(comparable(decodeAudit(t, full).Findings), comparable(others)); d != "" {
		t.Errorf("the other clusters' findings changed (-full +partial):\n%s", d)
	}
}

// Contexts rarely carry the Istio cluster ID (kind-us-east, arn:aws:eks:…):
// clusters are then named by context, findings carry both, and remote
// secrets still resolve by cluster ID.
func TestAuditContextNamesDifferFromClusterIDs(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	_, full, _ := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	renamed := map[string]*rest.Config{}
	args := []string{"audit", "--no-config", "-o", "json"}
	for _, n := range auditFleetNames {
		renamed["kind-"+n] = f.auditor[n]
		args = append(args, "--context", "kind-"+n)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := livetest.WriteKubeconfig(path, slices.Sorted(maps.Keys(renamed)), renamed); err != nil {
		t.Fatal(err)
	}
	_, out, errs := runCLI(t, "", "", append(args, "--kubeconfig", path)...)
	got := decodeAudit(t, out)
	if len(got.Errors) > 0 {
		t.Fatalf("errors: %+v %s", got.Errors, errs)
	}
	want := decodeAudit(t, full).Findings
	for i := range want {
		want[i].Cluster = "kind-" + want[i].Cluster
		for j := range want[i].Related {
			if want[i].Related[j].Cluster != "" {
				want[i].Related[j].Cluster = "kind-" + want[i].Related[j].Cluster
			}
		}
	}
	withIDs := 0
	for i, fd := range got.Findings {
		if fd.ClusterID != "" {
			withIDs++
			if "kind-"+fd.ClusterID != fd.Cluster {
				t.Errorf("finding in %s has cluster ID %s", fd.Cluster, fd.ClusterID)
			}
		}
		got.Findings[i].ClusterID = ""
		// Messages and computed fixes name clusters as meshcheck does: by context.
		got.Findings[i].Message = strings.ReplaceAll(fd.Message, "kind-", "")
		got.Findings[i].Remediation = strings.ReplaceAll(fd.Remediation, "kind-", "")
	}
	if withIDs == 0 {
		t.Error("no finding shows the cluster ID beside the context name")
	}
	if d := cmp.Diff(comparable(want), comparable(got.Findings)); d != "" {
		t.Errorf("findings with context names (-want +got):\n%s", d)
	}
}
