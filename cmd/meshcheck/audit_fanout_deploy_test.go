package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yaml3 "go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/testenv"
)

// fanoutManifests renders deploy/fanout (kustomize) and reads lint-job.yaml
// beside it, as YAML documents.
func fanoutManifests(t *testing.T) [][]byte {
	t.Helper()
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "deploy", "fanout")
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var docs [][]byte
	for _, r := range m.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	lint, err := os.ReadFile(filepath.Join(dir, "lint-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return append(docs, lint)
}

func decodeJob(t *testing.T, docs [][]byte, name string) *batchv1.Job {
	t.Helper()
	for _, d := range docs {
		var meta metav1.PartialObjectMetadata
		if err := yaml.Unmarshal(d, &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Kind != "Job" || meta.Name != name {
			continue
		}
		var j batchv1.Job
		if err := yaml.UnmarshalStrict(d, &j); err != nil {
			t.Fatalf("Job %s: %v", name, err)
		}
		if j.APIVersion != "batch/v1" {
			t.Errorf("Job %s: apiVersion %s", name, j.APIVersion)
		}
		return &j
	}
	t.Fatalf("no Job %s in deploy/fanout", name)
	return nil
}

var kubeletVar = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// podArgs expands $(VAR) in a container's args as the kubelet does, and
// maps the pod's mount paths onto local directories.
func podArgs(c corev1.Container, env map[string]string, mounts map[string]string) []string {
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		a = kubeletVar.ReplaceAllStringFunc(a, func(m string) string {
			if v, ok := env[m[2:len(m)-1]]; ok {
				return v
			}
			return m
		})
		for from, to := range mounts {
			a = strings.ReplaceAll(a, from, to)
		}
		out[i] = a
	}
	return out
}

func mountOf(t *testing.T, c corev1.Container, volume string) string {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.Name == volume {
			return m.MountPath
		}
	}
	t.Fatalf("container %s does not mount %s", c.Name, volume)
	return ""
}

// deploy/fanout is a valid Indexed Job whose pods, run as the kubelet
// would run them (their args, $(JOB_COMPLETION_INDEX) expanded, against
// the shared fleet's API servers), write one snapshot per shard that the
// lint Job joins and lints into a SARIF report holding the findings of one
// audit of all; and every object passes a server-side dry run.
func TestFanOutJobManifests(t *testing.T) {
	docs := fanoutManifests(t)
	audit := decodeJob(t, docs, "meshcheck-audit")
	lint := decodeJob(t, docs, "meshcheck-lint")

	spec := audit.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("meshcheck-audit: completionMode is not Indexed")
	}
	if spec.Completions == nil || spec.Parallelism == nil || *spec.Parallelism > *spec.Completions {
		t.Fatalf("meshcheck-audit: completions %v, parallelism %v", spec.Completions, spec.Parallelism)
	}
	pod := spec.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever || len(pod.Containers) != 1 {
		t.Fatalf("meshcheck-audit: restartPolicy %s, %d containers", pod.RestartPolicy, len(pod.Containers))
	}
	c := pod.Containers[0]
	shards := ""
	for _, e := range c.Env {
		if e.Name == "SHARDS" {
			shards = e.Value
		}
	}
	if shards != fmt.Sprint(*spec.Completions) {
		t.Errorf("SHARDS=%q but completions %d: some contexts would be audited by no index", shards, *spec.Completions)
	}
	if !slices.Contains(c.Args, "--shard=$(JOB_COMPLETION_INDEX)/$(SHARDS)") {
		t.Errorf("the audit's args do not shard by index: %v", c.Args)
	}
	if !strings.HasPrefix(c.Image, "ghcr.io/meshcheck/meshcheck:") {
		t.Errorf("image %s is not pinned by the kustomization", c.Image)
	}
	for _, p := range append(slices.Clone(pod.Containers), lint.Spec.Template.Spec.InitContainers...) {
		sc := p.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			t.Errorf("container %s is not restricted", p.Name)
		}
	}
	kcMount := mountOf(t, c, "kubeconfig")
	snapMount := mountOf(t, c, "snapshots")
	var secret, claim string
	for _, v := range pod.Volumes {
		if v.Name == "kubeconfig" && v.Secret != nil {
			secret = v.Secret.SecretName
		}
		if v.Name == "snapshots" && v.PersistentVolumeClaim != nil {
			claim = v.PersistentVolumeClaim.ClaimName
		}
	}
	if secret == "" || claim == "" {
		t.Fatalf("volumes: kubeconfig secret %q, snapshots claim %q", secret, claim)
	}
	lintPod := lint.Spec.Template.Spec
	if len(lintPod.InitContainers) != 1 || len(lintPod.Containers) != 1 {
		t.Fatalf("meshcheck-lint: want one init container (join) and one container (lint)")
	}
	if got := mountOf(t, lintPod.Containers[0], "snapshots"); got != snapMount {
		t.Errorf("lint mounts the snapshots at %s, the audit at %s", got, snapMount)
	}
	for _, v := range lintPod.Volumes {
		if v.Name == "snapshots" && (v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != claim) {
			t.Errorf("lint reads another volume than the audit writes")
		}
	}

	// Run the pods' commands against the shared fleet.
	f := sharedFleet(t)
	kcDir := t.TempDir()
	kc := f.kubeconfig(t, nil)
	b, err := os.ReadFile(kc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kcDir, "config"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	volume := t.TempDir()
	mounts := map[string]string{kcMount: kcDir, snapMount: volume}
	for i := range int(*spec.Completions) {
		args := podArgs(c, map[string]string{"JOB_COMPLETION_INDEX": fmt.Sprint(i)}, mounts)
		if code, _, errs := runCLI(t, "", "", args...); code != exitClean {
			t.Fatalf("index %d: meshcheck %v: exit %d: %s", i, args, code, errs)
		}
	}
	join := podArgs(lintPod.InitContainers[0], map[string]string{}, mounts)
	if code, _, errs := runCLI(t, "", "", join...); code != exitClean {
		t.Fatalf("join: meshcheck %v: exit %d: %s", join, code, errs)
	}
	args := podArgs(lintPod.Containers[0], map[string]string{}, mounts)
	if code, _, errs := runCLI(t, "", "", args...); code != exitFindings {
		t.Fatalf("lint: meshcheck %v: exit %d: %s", args, code, errs)
	}
	_, out, _ := runCLI(t, "", "", auditArgs(kc, "-o", "json")...)
	whole := decodeAudit(t, out).Findings
	if d := cmp.Diff(ruleCodes(whole), sarifRules(t, filepath.Join(volume, "meshcheck.sarif"))); d != "" {
		t.Errorf("the lint Job's SARIF and one audit differ (-audit +sarif):\n%s", d)
	}

	// Server-side dry run of every object (in default: a dry run does not
	// create the namespace the others would need).
	cfg := f.clusters[0].Admin
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(d, &u.Object); err != nil {
			t.Fatal(err)
		}
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatalf("%s: %v", gvk, err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if u.GetNamespace() != "" {
			u.SetNamespace("default")
			ri = dyn.Resource(m.Resource).Namespace("default")
		}
		body, err := json.Marshal(u.Object)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ri.Patch(t.Context(), u.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: "meshcheck-test", DryRun: []string{metav1.DryRunAll}}); err != nil {
			t.Errorf("server-side dry run of %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}

func ruleCodes(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	slices.Sort(out)
	return out
}

func sarifRules(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if s.Version != "2.1.0" || len(s.Runs) != 1 {
		t.Fatalf("%s: SARIF %s with %d runs", path, s.Version, len(s.Runs))
	}
	var out []string
	for _, r := range s.Runs[0].Results {
		out = append(out, r.RuleID)
	}
	slices.Sort(out)
	return out
}

// shellWords splits a shell command line: words, double-quoted strings
// with $VAR expanded from env, backslash-newline continuations.
func shellWords(line string, env map[string]string) []string {
	line = strings.ReplaceAll(line, "\\\n", " ")
	var out []string
	for _, w := range regexp.MustCompile(`"[^"]*"|\S+`).FindAllString(line, -1) {
		w = strings.Trim(w, `"`)
		w = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`).ReplaceAllStringFunc(w, func(m string) string {
			name := strings.Trim(m, "${}")
			if v, ok := env[name]; ok {
				return v
			}
			return m
		})
		out = append(out, w)
	}
	return out
}

// examples/ci/audit-fanout.yaml: the matrix covers SHARDS shards, the lint
// job waits for them, and its meshcheck commands, run in order with the
// artifacts laid out as download-artifact lays them, give one audit's
// findings in SARIF.
func TestFanOutWorkflowExample(t *testing.T) {
	root, err := testenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "examples", "ci", "audit-fanout.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Env  map[string]string `yaml:"env"`
		Jobs map[string]struct {
			Needs    any `yaml:"needs"`
			Strategy struct {
				Matrix struct {
					Shard []int `yaml:"shard"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []struct {
				Name string         `yaml:"name"`
				Uses string         `yaml:"uses"`
				Run  string         `yaml:"run"`
				With map[string]any `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml3.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	audit, lint := wf.Jobs["audit"], wf.Jobs["lint"]
	if fmt.Sprint(len(audit.Strategy.Matrix.Shard)) != wf.Env["SHARDS"] {
		t.Fatalf("matrix of %d shards, SHARDS=%s", len(audit.Strategy.Matrix.Shard), wf.Env["SHARDS"])
	}
	if lint.Needs != "audit" {
		t.Errorf("lint needs %v, want audit", lint.Needs)
	}
	commands := func(steps []struct {
		Name string         `yaml:"name"`
		Uses string         `yaml:"uses"`
		Run  string         `yaml:"run"`
		With map[string]any `yaml:"with"`
	}, env map[string]string) [][]string {
		var out [][]string
		for _, s := range steps {
			for _, cmd := range regexp.MustCompile(`(?m)^\s*meshcheck (?:[^\n]*\\\n)*[^\n]*`).FindAllString(s.Run, -1) {
				out = append(out, shellWords(strings.TrimSpace(cmd), env)[1:])
			}
		}
		return out
	}

	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	runner := t.TempDir()
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, ".meshcheck.yaml"), []byte("apiVersion: meshcheck.io/v1alpha1\nkind: Config\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runner, "kubeconfig"), mustRead(t, kc), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, shard := range audit.Strategy.Matrix.Shard {
		env := map[string]string{"RUNNER_TEMP": runner, "SHARDS": wf.Env["SHARDS"]}
		cmds := commands(audit.Steps, env)
		if len(cmds) != 1 {
			t.Fatalf("audit job runs %d meshcheck commands, want 1", len(cmds))
		}
		args := slices.Clone(cmds[0])
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], "${{ matrix.shard }}", fmt.Sprint(shard))
		}
		if code, _, errs := runCLI(t, "", "", args...); code != exitClean {
			t.Fatalf("shard %d: meshcheck %v: exit %d: %s", shard, args, code, errs)
		}
		// upload-artifact of snap/, downloaded to snapshots/snapshot-N/.
		if err := os.MkdirAll(filepath.Join("snapshots", fmt.Sprint("snapshot-", shard)), 0o755); err != nil {
			t.Fatal(err)
		}
		src := filepath.Join("snap", fmt.Sprint("shard-", shard))
		if err := os.Rename(src, filepath.Join("snapshots", fmt.Sprint("snapshot-", shard), filepath.Base(src))); err != nil {
			t.Fatal(err)
		}
	}
	cmds := commands(lint.Steps, map[string]string{})
	if len(cmds) != 2 {
		t.Fatalf("lint job runs %d meshcheck commands, want join and lint", len(cmds))
	}
	if code, _, errs := runCLI(t, "", "", cmds[0]...); code != exitClean {
		t.Fatalf("meshcheck %v: exit %d: %s", cmds[0], code, errs)
	}
	if code, _, errs := runCLI(t, "", "", cmds[1]...); code != exitFindings {
		t.Fatalf("meshcheck %v: exit %d: %s", cmds[1], code, errs)
	}
	_, out, _ := runCLI(t, "", "", auditArgs(kc, "-o", "json")...)
	if d := cmp.Diff(ruleCodes(decodeAudit(t, out).Findings), sarifRules(t, filepath.Join(work, "meshcheck.sarif"))); d != "" {
		t.Errorf("the workflow's SARIF and one audit differ (-audit +sarif):\n%s", d)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
