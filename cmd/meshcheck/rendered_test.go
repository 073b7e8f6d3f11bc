package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/model"
)

// A rendered (or live) values ConfigMap is read for what the user set
// (original-values), not the chart defaults merged-values adds: the default
// istiodRemote.injectionPath made every istioctl profile lint with CP008.
func TestRenderedValuesAreWhatTheUserSet(t *testing.T) {
	code, out, stderr := runCLI(t, "", "", "lint", "--no-config", "-o", "json", "--cluster", "cluster1=testdata/rendered/values-configmap.yaml")
	if r := decodeReport(t, out); code != exitClean || len(r.Findings) != 0 || len(r.Errors) != 0 {
		t.Fatalf("exit %d, findings %+v, errors %+v: %s", code, r.Findings, r.Errors, stderr)
	}
	_, model, _ := runCLI(t, "", "", "lint", "--no-config", "--show-model", "--cluster", "cluster1=testdata/rendered/values-configmap.yaml")
	for _, want := range []string{`"cluster_name": {`, `"value": "cluster1"`, `"path": "data.original-values#global.multiCluster.clusterName"`} {
		if !strings.Contains(model, want) {
			t.Errorf("--show-model lacks %s", want)
		}
	}
	if strings.Contains(model, "injection_path") {
		t.Errorf("the chart's default injectionPath is read as a setting")
	}
}

// renderedDir holds what make renders writes: every istioctl profile, the
// corpus's IstioOperator and Helm forms rendered by istioctl and helm, and
// the charts alone (testdata/rendered/README.md).
const renderedDir = "../../testdata/rendered"

// Every rendered install lints without error or warning findings and without
// input errors, and is understood: a profile or chart render shows the control
// planes it installs, and each rendered corpus fleet gives the same model
// (clusters, control planes and their settings, gateways, secrets) as the
// files it was rendered from, so a render that is read as nothing fails.
func TestRenderedInstallsLintClean(t *testing.T) {
	// The remote profile alone is not an install that works, and meshcheck
	// says so: its injection webhook calls service istiod, which nothing in a
	// remote cluster provides without remotePilotAddress or injectionURL
	// (CP001), and its pods have no cluster ID of their own (CL001). The
	// docs always give both; testdata/corpus's remotes render clean.
	expected := map[string][]string{"profiles/remote": {"CL001", "CP001"}}
	// Control planes each one-cluster render installs (one unless listed).
	controlPlanes := map[string]int{"profiles/empty": 0, "charts/base/default": 0, "charts/gateway/default": 0,
		"charts/cni/default": 0, "charts/cni/ambient": 0, "charts/ztunnel/default": 0}
	// Renders in which meshcheck reads nothing (CRDs, an ingress gateway,
	// the CNI node agent) and says so with CL010's info; nowhere else.
	// The ztunnel chart's DaemonSet is recognised as a ztunnel.
	nothing := []string{"profiles/empty", "charts/base/default", "charts/gateway/default", "charts/cni/default", "charts/cni/ambient"}

	single, _ := filepath.Glob(filepath.Join(renderedDir, "profiles", "*"))
	charts, _ := filepath.Glob(filepath.Join(renderedDir, "charts", "*", "*"))
	single = append(single, charts...)
	fleets, _ := filepath.Glob(filepath.Join(renderedDir, "corpus", "*", "*"))
	if len(single) < 17 || len(fleets) < 14 {
		t.Fatalf("found %d profile and chart renders and %d corpus fleets; run make renders", len(single), len(fleets))
	}
	for _, dir := range single {
		rel, _ := filepath.Rel(renderedDir, dir)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			r := lintJSON(t, "--cluster", filepath.Base(dir)+"="+dir)
			checkFindings(t, r, expected[rel])
			want, ok := controlPlanes[rel]
			if !ok {
				want = 1
			}
			if len(r.Coverage.Clusters) != 1 || r.Coverage.Clusters[0].ControlPlanes != want {
				t.Errorf("coverage %+v, want one cluster with %d control planes", r.Coverage.Clusters, want)
			}
			said := slices.ContainsFunc(r.Findings, func(f renderFinding) bool { return f.Rule == "CL010" })
			if said != slices.Contains(nothing, rel) {
				t.Errorf("CL010 (nothing recognised) reported: %v, want %v", said, !said)
			}
		})
	}
	// Where a render and its source differ, the render is the better read:
	// helm template knows the namespace (-n) and the chart that a values
	// file alone does not show. Each difference is listed, and the rest
	// must match.
	differs := map[string]struct{ source, rendered []string }{
		"corpus/external-control-plane/helm": {
			// The values files do not show helm install's -n external-istiod,
			// and istiod-values.yaml ({}) shows no control plane.
			source: []string{"external-cluster: id ?",
				"remote1: network gateway istio-system/istio-eastwestgateway network network1",
				"second-remote: network gateway istio-system/istio-eastwestgateway network network2"},
			rendered: []string{"external-cluster: CA secret istio-system/cacerts",
				"external-cluster: control plane istio-system/ primary: cluster id Kubernetes (default), name ?, network ?, mesh ?, trust domain cluster.local (default), external istiod ?, config cluster ?, remote pilot ?, injection ? ?",
				"external-cluster: id Kubernetes (default)",
				"remote1: network gateway external-istiod/istio-eastwestgateway network network1",
				"second-remote: network gateway external-istiod/istio-eastwestgateway network network2"},
		},
	}
	for _, dir := range fleets {
		rel, _ := filepath.Rel(renderedDir, dir)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			checkFindings(t, lintJSON(t, "--fleet", dir), nil)
			source := filepath.Join("../../testdata/corpus", strings.TrimPrefix(rel, "corpus/"))
			want, got := understood(t, source), understood(t, dir)
			onlySource, onlyRendered := minus(want, got), minus(got, want)
			if d := differs[rel]; !slices.Equal(onlySource, d.source) || !slices.Equal(onlyRendered, d.rendered) {
				t.Errorf("the render is not understood as the files it was rendered from (%s)\nonly in the source's model:\n\t%s\nonly in the render's:\n\t%s",
					source, strings.Join(onlySource, "\n\t"), strings.Join(onlyRendered, "\n\t"))
			}
		})
	}
}

// minus returns the elements of a that are not in b, sorted.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

type renderFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

type renderReport struct {
	Findings []renderFinding `json:"findings"`
	Errors   []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Coverage struct {
		Clusters []struct {
			Name          string `json:"name"`
			ControlPlanes int    `json:"control_planes"`
		} `json:"clusters"`
	} `json:"coverage"`
}

func lintJSON(t *testing.T, args ...string) renderReport {
	t.Helper()
	var out, errb bytes.Buffer
	run(t.Context(), append([]string{"lint", "--no-config", "-o", "json", "--fail-on", "none"}, args...), nil, &out, &errb)
	var r renderReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s\n%s", err, out.String(), errb.String())
	}
	return r
}

// checkFindings requires no input error and exactly the error and warning
// rules want lists (sorted).
func checkFindings(t *testing.T, r renderReport, want []string) {
	t.Helper()
	for _, e := range r.Errors {
		t.Errorf("input error %s:%d: %s", e.File, e.Line, e.Message)
	}
	var got []string
	for _, f := range r.Findings {
		if f.Severity == "error" || f.Severity == "warning" {
			got = append(got, f.Rule)
			if !slices.Contains(want, f.Rule) {
				t.Errorf("%s %s %s:%d: %s", f.Severity, f.Rule, f.File, f.Line, f.Message)
			}
		}
	}
	slices.Sort(got)
	if want != nil && !slices.Equal(got, want) {
		t.Errorf("error and warning rules %v, want %v", got, want)
	}
}

// understood is what the model of a fleet says about each cluster, without
// where it read it, one "cluster: fact" line each, sorted: what a render and
// its source must agree on. Ambient is left out where the model does not
// know it: istioctl passes a profile into the rendered values only when the
// charts need it (ambient), so a render of profile minimal does not say.
func understood(t *testing.T, dir string) []string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"lint", "--no-config", "--show-model", "--fleet", dir}, nil, &out, &errb); code != exitClean {
		t.Fatalf("--show-model %s: exit %d: %s", dir, code, errb.String())
	}
	var f model.Fleet
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatalf("--show-model %s: %v", dir, err)
	}
	var facts []string
	for name, c := range f.Clusters {
		add := func(format string, args ...any) { facts = append(facts, name+": "+fmt.Sprintf(format, args...)) }
		add("id %s", factText(c.ID))
		add("role %s", c.Role)
		add("network %s", factText(c.Network))
		add("config cluster %v, served by %q", c.ConfigCluster, c.ControlPlaneCluster)
		for _, cp := range c.ControlPlanes {
			add("control plane %s/%s %s: cluster id %s, name %s, network %s, mesh %s, trust domain %s, external istiod %s, config cluster %s, remote pilot %s, injection %s %s",
				cp.Namespace, cp.Revision, cp.Role, factText(cp.ClusterID), factText(cp.ClusterName), factText(cp.Network), factText(cp.MeshID), factText(cp.TrustDomain),
				factText(cp.ExternalIstiod), factText(cp.ConfigCluster), factText(cp.RemotePilotAddress), factText(cp.InjectionPath), factText(cp.InjectionURL))
			if cp.Ambient != nil && cp.Ambient.Value {
				add("control plane %s/%s ambient", cp.Namespace, cp.Revision)
			}
		}
		for _, g := range c.NetworkGateways {
			add("network gateway %s/%s network %s", g.Namespace, g.Name, factText(g.Network))
		}
		for _, s := range c.RemoteSecrets {
			add("remote secret %s/%s", s.Namespace, s.Name)
		}
		for _, s := range c.CASecrets {
			add("CA secret %s/%s", s.Namespace, s.Name)
		}
	}
	slices.Sort(facts)
	return facts
}

// factText prints a fact's value, "?" when unknown and "(default)" when no input
// set it.
func factText[T any](f *model.Fact[T]) string {
	if f == nil {
		return "?"
	}
	s := fmt.Sprint(f.Value)
	if f.Default {
		s += " (default)"
	}
	return s
}

// The committed renders are what the pinned istioctl and helm give today:
// make render-test (part of make test) builds both and runs this with
// MESHCHECK_RENDER=1; go test alone skips it, saying so.
func TestRendersAreFresh(t *testing.T) {
	if os.Getenv("MESHCHECK_RENDER") != "1" {
		t.Skip("needs istioctl and helm: make render-test")
	}
	for _, v := range []string{"ISTIOCTL", "HELM", "ISTIO_DIR", "ISTIO_VERSION", "HELM_VERSION"} {
		if os.Getenv(v) == "" {
			t.Fatalf("MESHCHECK_RENDER=1 but %s is not set: run make render-test", v)
		}
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "bash", "hack/render.sh")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/render.sh: %v\n%s", err, b)
	}
	want, got := tree(t, renderedDir), tree(t, out)
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is committed but no longer rendered", name)
		}
	}
	for name, b := range got {
		old, ok := want[name]
		switch {
		case !ok:
			t.Errorf("%s is rendered but not committed", name)
		case !bytes.Equal(old, b):
			diff := cmp.Diff(string(old), string(b))
			if len(diff) > 4000 {
				diff = diff[:4000] + "\n..."
			}
			t.Errorf("%s differs from its render (run make renders):\n%s", name, diff)
		}
	}
}

// tree reads every file under dir, by slash path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
