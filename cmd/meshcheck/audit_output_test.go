package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/source"
)

func TestAuditSnapshotReproducesFindings(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	snap := filepath.Join(t.TempDir(), "snap")
	_, out, errs := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json", "--snapshot", snap)...)
	audit := decodeAudit(t, out)
	if len(audit.Errors) > 0 {
		t.Fatalf("audit errors: %+v %s", audit.Errors, errs)
	}
	code, lout, lerrs := runCLI(t, snap, "", "lint", "-o", "json")
	if code != exitFindings {
		t.Fatalf("lint of the snapshot: exit %d\n%s", code, lerrs)
	}
	lint := decodeAudit(t, lout)
	if len(lint.Errors) > 0 {
		t.Fatalf("lint errors: %+v", lint.Errors)
	}
	if d := cmp.Diff(comparable(audit.Findings), comparable(lint.Findings)); d != "" {
		t.Errorf("lint of the snapshot differs from the audit (-audit +lint):\n%s", d)
	}
	// --fleet reads the same layout when context names are plain.
	_, lout, _ = runCLI(t, "", "", "lint", "--fleet", snap, "--config", filepath.Join(snap, ".meshcheck.yaml"), "-o", "json")
	if d := cmp.Diff(comparable(audit.Findings), comparable(decodeAudit(t, lout).Findings)); d != "" {
		t.Errorf("lint --fleet of the snapshot differs (-audit +lint):\n%s", d)
	}
	text := snapshotText(t, snap)
	assertNoSecrets(t, "snapshot", text)
	// The redacted remote secrets still say a credential is there.
	_, model, _ := runCLI(t, snap, "", "lint", "--show-model")
	if !strings.Contains(model, `"has_credentials": true`) {
		t.Errorf("the snapshot's remote secrets lost the credential marker")
	}
}

func snapshotText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		c, err := os.ReadFile(p)
		b.Write(c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// secretsOf lists what must never be written: the planted token, the client
// keys of every credential the fleet uses, and their base64 forms.
func secretsOf(f *auditFleet) []string {
	out := []string{plantedKubeconfigToken}
	for _, m := range []map[string]*rest.Config{f.auditor, f.noSecrets} {
		for _, c := range m {
			out = append(out, strings.Split(strings.TrimSpace(string(c.KeyData)), "\n")[1])
		}
	}
	for _, s := range slices.Clone(out) {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	return out
}

func assertNoSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secretsOf(fleet) {
		if strings.Contains(text, s) {
			t.Errorf("%s contains secret material %.12q...", what, s)
		}
	}
}

func TestAuditOutputsHoldNoSecrets(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	runs := [][]string{{"--show-model"}, {"--from-remote-secrets", "-v"}}
	for _, format := range report.AuditFormats() {
		runs = append(runs, []string{"-o", format, "--show-suppressed"})
	}
	for _, extra := range runs {
		code, out, errs := runCLI(t, t.TempDir(), "", auditArgs(kc, extra...)...)
		if code == exitError {
			t.Errorf("audit %v: exit %d: %s", extra, code, errs)
		}
		assertNoSecrets(t, strings.Join(extra, " "), out+errs)
		if extra[len(extra)-1] == "-v" && !strings.Contains(errs, `"kind"="secrets (istio/multiCluster=true)"`) {
			t.Errorf("-v should log each list:\n%s", errs)
		}
		if extra[0] == "--show-model" && !strings.Contains(out, `"has_credentials": true`) {
			t.Errorf("the model should still say the remote secrets hold a credential")
		}
	}
}

func TestAuditProgressLine(t *testing.T) {
	tests := []struct {
		r    live.Result
		want string
	}{
		{live.Result{Target: live.Target{Name: "east"}, Input: model.ClusterInput{Objects: make([]*source.Object, 3)}, Duration: 1500 * time.Millisecond},
			"audit: east: 3 objects in 1.5s"},
		{live.Result{Target: live.Target{Name: "west", Via: "east"}, Errors: []*live.Error{{}}, Duration: time.Millisecond},
			"audit: west (via remote secret in east): 0 objects, 1 problem(s) in 1ms"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.r); got != tt.want {
			t.Errorf("progressLine = %q, want %q", got, tt.want)
		}
	}
	// Not a terminal: no progress lines unless asked.
	o := &clusterInputs{}
	if o.showProgress(&strings.Builder{}) {
		t.Error("progress shown on a non-terminal")
	}
}

func TestAuditUsageErrors(t *testing.T) {
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := livetest.WriteKubeconfig(kc, []string{"a"}, map[string]*rest.Config{"a": {Host: "https://127.0.0.1:1"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--context", "nope"}, `context "nope" is not in the kubeconfig`},
		{[]string{"--all-contexts", "--context", "a"}, "exclusive"},
		{[]string{"--concurrency", "0"}, "--concurrency"},
		{[]string{"extra-arg"}, "takes no arguments"},
		{[]string{"-o", "xml"}, "--output"},
	}
	// policyreport is audit's alone: lint refuses it before reading anything.
	if code, _, errs := runCLI(t, t.TempDir(), "", "lint", "--no-config", "-o", "policyreport", "x.yaml"); code != exitError || !strings.Contains(errs, `--output "policyreport"`) {
		t.Errorf("lint -o policyreport: exit %d, stderr %q", code, errs)
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, "", "", append([]string{"audit", "--no-config", "--kubeconfig", kc}, tt.args...)...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("audit %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

// -o policyreport is ready to apply: each document goes to the cluster it
// names and holds one result per finding of that cluster.
func TestAuditPolicyReportApplies(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	_, js, _ := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "json")...)
	findings := decodeAudit(t, js).Findings
	code, out, errs := runCLI(t, "", "", auditArgs(kc, "-o", "policyreport")...)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	objs, rerrs := source.Read(strings.NewReader(out), "policyreport", source.DefaultLimits())
	if len(rerrs) > 0 {
		t.Fatal(rerrs[0])
	}
	if len(objs) != len(auditFleetNames) {
		t.Fatalf("%d PolicyReports for %d clusters", len(objs), len(auditFleetNames))
	}
	for _, o := range objs {
		name := o.Annotations()["meshcheck.io/cluster"]
		i := slices.Index(auditFleetNames, name)
		if i < 0 {
			t.Fatalf("report for unknown cluster %q", name)
		}
		if err := livetest.Seed(t.Context(), f.clusters[i].Admin, []*source.Object{o}); err != nil {
			t.Errorf("apply the PolicyReport of %s: %v", name, err)
		}
		results, _ := o.Data["results"].([]any)
		want := 0
		for _, fd := range findings {
			if fd.Cluster == name {
				want++
			}
		}
		if len(results) != want {
			t.Errorf("%s: %d results, want %d", name, len(results), want)
		}
	}
}
