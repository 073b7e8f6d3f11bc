package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/testenv"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/source"
)

// Every install model of the corpus (IstioOperator and Sail forms) and every
// mistake, applied to real API servers: audit finds what lint finds in the
// same manifests, given the completeness a live read has; each mistake is
// found; and lint of the audit's snapshot finds the same again.
func TestAuditScenariosMatchLint(t *testing.T) {
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, pattern := range []string{"testdata/corpus/*/iop", "testdata/corpus/*/sail", "testdata/mistakes/*"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, d := range m {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) < 20 {
		t.Fatalf("found %d scenarios, want the corpus and the mistakes", len(dirs))
	}
	servers, err := livetest.StartFleet("s1", "s2", "s3")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { livetest.StopAll(servers) })
	audited := 0
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			clusters := clusterDirs(t, dir)
			if len(clusters) > len(servers) {
				t.Fatalf("%d clusters, %d servers", len(clusters), len(servers))
			}
			// Helm values files have no live form: a live cluster shows
			// the objects the chart rendered, which the scenario lacks.
			if hasValuesDocs(t, dir) {
				t.Logf("not audited: holds Helm values files")
				return
			}
			scenario := filepath.Join(t.TempDir(), "fleet")
			if err := livetest.CopyScenario(dir, scenario, nil); err != nil {
				t.Fatal(err)
			}
			cfgs := map[string]*rest.Config{}
			for i, c := range clusters {
				if err := livetest.Wipe(t.Context(), servers[i].Admin); err != nil {
					t.Fatal(err)
				}
				if err := livetest.SeedDir(t.Context(), servers[i].Admin, filepath.Join(scenario, c)); err != nil {
					t.Fatal(err)
				}
				if err := livetest.AssignLoadBalancers(t.Context(), servers[i].Admin, documentedAddress(i)); err != nil {
					t.Fatal(err)
				}
				cfgs[c] = servers[i].Admin
			}
			kc := filepath.Join(t.TempDir(), "kubeconfig")
			if err := livetest.WriteKubeconfig(kc, clusters, cfgs); err != nil {
				t.Fatal(err)
			}
			snap := filepath.Join(t.TempDir(), "snap")
			_, out, errs := runCLI(t, t.TempDir(), "", "audit", "--no-config", "--kubeconfig", kc, "--all-contexts", "-o", "json", "--snapshot", snap)
			audit := decodeAudit(t, out)
			if len(audit.Errors) > 0 {
				t.Fatalf("audit errors: %+v\n%s", audit.Errors, errs)
			}
			_, lout, _ := runCLI(t, "", "", "lint", "--config", completeConfigFor(t, scenario, clusters), "-o", "json")
			lint := decodeAudit(t, lout)
			if len(lint.Errors) > 0 {
				t.Fatalf("lint errors: %+v", lint.Errors)
			}
			if d := cmp.Diff(comparable(lint.Findings), comparable(audit.Findings)); d != "" {
				t.Errorf("audit and lint differ (-lint +audit):\n%s", d)
			}
			// The mistake is found live.
			for _, rule := range expectedRules(t, dir) {
				if !slices.ContainsFunc(audit.Findings, func(f checks.Finding) bool { return f.Rule == rule }) {
					t.Errorf("audit misses %s: %v", rule, codes(audit.Findings))
				}
			}
			// The redacted snapshot gives the same findings.
			_, sout, _ := runCLI(t, snap, "", "lint", "-o", "json")
			if d := cmp.Diff(comparable(audit.Findings), comparable(decodeAudit(t, sout).Findings)); d != "" {
				t.Errorf("lint of the snapshot differs (-audit +snapshot):\n%s", d)
			}
			audited++
		})
	}
	t.Logf("%d of %d scenarios audited live", audited, len(dirs))
	if audited < len(dirs)/2 {
		t.Errorf("only %d scenarios could be audited", audited)
	}
}

// documentedAddress gives the first cluster's gateways the load-balancer
// addresses testdata/corpus/README.md documents (the east-west gateway
// 203.0.113.10, the ingress gateway of the external control plane
// 203.0.113.30), which the remotes' remotePilotAddress names.
func documentedAddress(cluster int) func(namespace, name string) string {
	return func(_, name string) string {
		switch {
		case cluster != 0:
			return ""
		case name == "istio-eastwestgateway":
			return "203.0.113.10"
		case name == "istio-ingressgateway":
			return "203.0.113.30"
		}
		return ""
	}
}

// expectedRules reads the rule codes of a mistake's expect.yaml.
func expectedRules(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expect.yaml"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Rules []string `yaml:"rules"`
	}
	if err := yaml.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Rules
}

func clusterDirs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

func hasValuesDocs(t *testing.T, dir string) bool {
	t.Helper()
	_, objs, _ := source.ReadPaths([]string{dir}, nil, source.DefaultLimits())
	for _, o := range objs {
		if o.Kind() == "" && filepath.Base(o.Origin.File) != "expect.yaml" {
			return true
		}
	}
	return false
}

// completeConfigFor declares the clusters of a scenario with a complete
// Secret inventory, as a live audit reads them.
func completeConfigFor(t *testing.T, scenario string, clusters []string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("clusters:\n")
	for _, n := range clusters {
		b.WriteString("- name: " + n + "\n  paths: [" + filepath.Join(scenario, n) + "]\n  complete: [Secret]\n")
	}
	path := filepath.Join(t.TempDir(), "complete.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
