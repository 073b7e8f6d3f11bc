package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/source"
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
		var rel []checks.Location
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
	for _, format := range report.Formats() {
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
	o := &auditOptions{}
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
		{[]string{"-o", "yaml"}, "--output"},
	}
	for _, tt := range tests {
		code, _, errs := runCLI(t, "", "", append([]string{"audit", "--no-config", "--kubeconfig", kc}, tt.args...)...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("audit %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}
