package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs meshcheck in-process in dir and returns its exit code and output.
func runCLI(t *testing.T, dir string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errb bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// writeFiles creates files (path -> content) under a new temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// iopNetwork1 is an ambient install: there every workload takes its network
// from the system namespace, so nsNetwork2 beside it is an NW001 error.
const iopNetwork1 = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: ambient
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: cluster1
      network: network1
`

const nsNetwork2 = `apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
  labels:
    topology.istio.io/network: network2
`

// brokenFleet is one cluster whose namespace label contradicts its values (NW001).
func brokenFleet(t *testing.T, extra map[string]string) string {
	files := map[string]string{
		"fleet/cluster1/istio.yaml":     iopNetwork1,
		"fleet/cluster1/namespace.yaml": nsNetwork2,
	}
	for k, v := range extra {
		files[k] = v
	}
	return writeFiles(t, files)
}

type jsonReport struct {
	APIVersion string `json:"apiVersion"`
	Findings   []struct {
		Rule       string `json:"rule"`
		Severity   string `json:"severity"`
		Cluster    string `json:"cluster"`
		File       string `json:"file"`
		Line       int    `json:"line"`
		Column     int    `json:"column"`
		Suppressed bool   `json:"suppressed"`
		Object     struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"object"`
	} `json:"findings"`
	Summary struct {
		Total      int `json:"total"`
		Errors     int `json:"errors"`
		Suppressed int `json:"suppressed"`
		Clusters   int `json:"clusters"`
	} `json:"summary"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	checkSchema(t, "report", out)
	return r
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
		in   string // expected in stdout+stderr
	}{
		{"no args", nil, exitError, "Commands:"},
		{"help", []string{"--help"}, exitClean, "lint"},
		{"unknown command", []string{"frobnicate"}, exitError, `unknown command "frobnicate"`},
		{"unknown flag", []string{"lint", "--nope"}, exitError, "unknown flag: --nope"},
		{"lint help", []string{"lint", "--help"}, exitClean, "--fail-on"},
		{"bad format", []string{"lint", "-o", "xml", "x.yaml"}, exitError, `--output "xml"`},
		{"bad fail-on", []string{"lint", "--fail-on", "fatal", "x.yaml"}, exitError, "--fail-on"},
		{"bad cluster flag", []string{"lint", "--cluster", "nopath", "x.yaml"}, exitError, "want NAME=PATH"},
		{"nothing to lint", []string{"lint", "--no-config"}, exitError, "nothing to read"},
		{"version", []string{"version"}, exitClean, "meshcheck.io/v1alpha1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, t.TempDir(), "", tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errs)
			}
			if !strings.Contains(out+errs, tt.in) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tt.in, out, errs)
			}
		})
	}
}

func TestLintFindsAndLocates(t *testing.T) {
	dir := brokenFleet(t, nil)
	code, out, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "-o", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFindings, errs)
	}
	r := decodeReport(t, out)
	if r.APIVersion != "meshcheck.io/v1alpha1" || r.Summary.Clusters != 1 {
		t.Errorf("report header: %+v", r)
	}
	var found bool
	for _, f := range r.Findings {
		if f.Rule == "NW001" {
			found = true
			if f.Cluster != "cluster1" || f.File != filepath.Join("fleet", "cluster1", "namespace.yaml") || f.Line != 6 || f.Column != 32 {
				t.Errorf("NW001 located at %s %s:%d:%d, want cluster1 fleet/cluster1/namespace.yaml:6:32", f.Cluster, f.File, f.Line, f.Column)
			}
			if f.Object.Kind != "Namespace" || f.Object.Name != "istio-system" {
				t.Errorf("NW001 object = %+v", f.Object)
			}
		}
	}
	if !found {
		t.Fatalf("NW001 not reported: %s", out)
	}
}

func TestExitCodesFollowFailOn(t *testing.T) {
	dir := brokenFleet(t, nil)
	for _, tt := range []struct {
		failOn string
		want   int
	}{{"error", exitFindings}, {"warning", exitFindings}, {"none", exitClean}} {
		for _, format := range []string{"text", "json", "sarif", "junit", "github"} {
			code, _, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "--fail-on", tt.failOn, "-o", format)
			if code != tt.want {
				t.Errorf("--fail-on %s -o %s: exit %d, want %d (%s)", tt.failOn, format, code, tt.want, errs)
			}
		}
	}
}

func TestCleanFleetExitsZero(t *testing.T) {
	code, out, errs := runCLI(t, "", "", "lint", "--no-config", "--fleet", "../../testdata/corpus/multi-primary-multi-network/iop")
	if code != exitClean {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "no findings in 2 clusters") {
		t.Errorf("text output: %s", out)
	}
}

// Bad input: the broken file is reported with its line, the other files are
// still linted, and the exit code says the run was incomplete.
func TestBadYAMLIsReportedAndTheRestLinted(t *testing.T) {
	dir := brokenFleet(t, map[string]string{"fleet/cluster1/broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n"})
	code, out, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "-o", "json")
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	r := decodeReport(t, out)
	if len(r.Errors) != 1 || !strings.HasSuffix(r.Errors[0].File, "broken.yaml") || r.Errors[0].Line == 0 {
		t.Errorf("errors = %+v, want one for broken.yaml with a line", r.Errors)
	}
	if len(r.Findings) == 0 {
		t.Error("the other files were not linted")
	}
	if !strings.Contains(errs, "broken.yaml:") {
		t.Errorf("stderr does not name the file: %s", errs)
	}
}

func TestStdinAndOutputFile(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI(t, dir, iopNetwork1+"---\n"+nsNetwork2, "lint", "--no-config", "-", "-o", "json", "--output-file", "report.json")
	if code != exitFindings || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := decodeReport(t, string(b))
	if len(r.Findings) == 0 || r.Findings[0].File != "-" || r.Findings[0].Cluster != "default" {
		t.Errorf("findings from stdin: %+v", r.Findings)
	}
}

func TestClusterAssignment(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/istio.yaml":     iopNetwork1,
		"b/namespace.yaml": nsNetwork2,
		"c/namespace.yaml": strings.Replace(nsNetwork2, "metadata:\n", "metadata:\n  annotations:\n    meshcheck.io/cluster: east\n", 1),
	})
	// a and b in one cluster: NW001 fires; c is moved to another cluster by its annotation.
	code, out, errs := runCLI(t, dir, "", "lint", "--cluster", "west=a", "--cluster", "west=b", "--cluster", "west=c", "-o", "json")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := decodeReport(t, out)
	if r.Summary.Clusters != 2 {
		t.Errorf("clusters = %d, want 2 (west, east)", r.Summary.Clusters)
	}
	for _, f := range r.Findings {
		if f.Rule == "NW001" && f.Cluster != "west" {
			t.Errorf("NW001 in cluster %q", f.Cluster)
		}
	}
}

func TestExemptionAnnotation(t *testing.T) {
	ns := strings.Replace(nsNetwork2, "metadata:\n", "metadata:\n  annotations:\n    ignore-check.meshcheck.io/NW001: network migration until 2026-12-01\n", 1)
	dir := brokenFleet(t, map[string]string{"fleet/cluster1/namespace.yaml": ns})
	code, out, _ := runCLI(t, dir, "", "lint", "--fleet", "fleet", "-o", "json")
	if code != exitClean {
		t.Fatalf("exit %d, want 0 (the only error is exempted)", code)
	}
	r := decodeReport(t, out)
	if r.Summary.Suppressed != 1 || r.Summary.Errors != 0 {
		t.Errorf("summary = %+v", r.Summary)
	}
	_, text, _ := runCLI(t, dir, "", "lint", "--fleet", "fleet")
	if strings.Contains(text, "NW001") {
		t.Errorf("suppressed finding shown without --show-suppressed:\n%s", text)
	}
	_, text, _ = runCLI(t, dir, "", "lint", "--fleet", "fleet", "--show-suppressed")
	if !strings.Contains(text, "network migration until 2026-12-01") {
		t.Errorf("--show-suppressed lacks the reason:\n%s", text)
	}
}

func TestExemptionWithoutReasonIsRejected(t *testing.T) {
	ns := strings.Replace(nsNetwork2, "metadata:\n", "metadata:\n  annotations:\n    ignore-check.meshcheck.io/NW001: \"\"\n", 1)
	dir := brokenFleet(t, map[string]string{"fleet/cluster1/namespace.yaml": ns})
	code, _, errs := runCLI(t, dir, "", "lint", "--fleet", "fleet", "-o", "json")
	if code != exitError || !strings.Contains(errs, "has no reason") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
}

func TestConfigFile(t *testing.T) {
	dir := brokenFleet(t, map[string]string{
		"fleet/cluster2/istio.yaml": strings.ReplaceAll(iopNetwork1, "cluster1", "cluster2"),
		".meshcheck.yaml": `apiVersion: meshcheck.io/v1alpha1
kind: Config
fleet: fleet
rules:
  NW001:
    severity: warning
`,
	})
	code, out, errs := runCLI(t, dir, "", "lint", "-o", "json")
	if code != exitClean {
		t.Fatalf("exit %d, want 0 (NW001 lowered to warning): %s", code, errs)
	}
	r := decodeReport(t, out)
	if len(r.Findings) == 0 || r.Findings[0].Severity != "warning" {
		t.Errorf("findings: %+v", r.Findings)
	}
	// Pre-commit: only cluster2's file changed, so cluster1's finding is not reported.
	code, out, _ = runCLI(t, dir, "", "lint", "-o", "json", filepath.Join("fleet", "cluster2", "istio.yaml"))
	if r := decodeReport(t, out); code != exitClean || len(r.Findings) != 0 || r.Summary.Clusters != 2 {
		t.Errorf("pre-commit run: exit %d, %+v", code, r)
	}
	code, out, _ = runCLI(t, dir, "", "lint", "-o", "json", filepath.Join("fleet", "cluster1", "namespace.yaml"))
	if r := decodeReport(t, out); len(r.Findings) == 0 {
		t.Errorf("pre-commit run on the broken file: exit %d, no findings", code)
	}
}

func TestShowModel(t *testing.T) {
	dir := brokenFleet(t, nil)
	code, out, _ := runCLI(t, dir, "", "lint", "--fleet", "fleet", "--show-model")
	if code != exitClean {
		t.Fatalf("exit %d", code)
	}
	var m struct {
		APIVersion string `json:"apiVersion"`
		Clusters   map[string]struct {
			Network struct {
				Value  string `json:"value"`
				Source struct {
					File string `json:"file"`
					Line int    `json:"line"`
				} `json:"source"`
			} `json:"network"`
		} `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	n := m.Clusters["cluster1"].Network
	if m.APIVersion != "meshcheck.io/v1alpha1" || n.Value != "network1" || n.Source.Line != 10 {
		t.Errorf("model: %+v", m)
	}
}

// Hostile input is bounded and reported per file; the rest is linted.
func TestHostileInputIsBoundedAndReported(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 0, "a"; i < 9; i++ {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	dir := brokenFleet(t, map[string]string{
		"fleet/cluster1/bomb.yaml":   bomb,
		"fleet/cluster1/binary.yaml": "\x00\x01\x02ELF",
		"fleet/cluster1/latin1.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
	})
	code, out, _ := runCLI(t, dir, "", "lint", "--fleet", "fleet", "-o", "json")
	if code != exitError {
		t.Fatalf("exit %d, want %d", code, exitError)
	}
	r := decodeReport(t, out)
	files := map[string]bool{}
	for _, e := range r.Errors {
		files[filepath.Base(e.File)] = true
	}
	for _, f := range []string{"bomb.yaml", "binary.yaml", "latin1.yaml"} {
		if !files[f] {
			t.Errorf("no error reported for %s: %+v", f, r.Errors)
		}
	}
	if len(r.Findings) == 0 {
		t.Error("the good files were not linted")
	}
}
