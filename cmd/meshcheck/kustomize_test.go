package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A fleet whose clusters are kustomize overlays of one base: each cluster is
// its overlay's output; a field a patch sets points at the patch (a file,
// or the inline patch in the kustomization), the others at the base.
func TestKustomizeOverlays(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/gitops/kustomize-overlays/"
	clusters := gitopsClusters(t, root, dir+"clusters")
	for _, cluster := range []string{"cluster1", "cluster2"} {
		n := cluster[len(cluster)-1:]
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want 1", cluster, len(cps))
		}
		patch := dir + "clusters/" + cluster + "/istiod-values.yaml"
		want := cluster + "@" + patch + ":9 network" + n + "@" + patch + ":10 mesh1@" + dir + "base/istio/istiod.yaml:16"
		if got := facts(cps[0]); got != want {
			t.Errorf("%s: %s\nwant %s", cluster, got, want)
		}
		gws := list(clusters[cluster], "network_gateways")
		if len(gws) != 1 || fact(gws[0], "network") != "network"+n+"@"+dir+"clusters/"+cluster+"/eastwest-values.yaml:7" {
			t.Errorf("%s: network gateways %v", cluster, gws)
		}
		ns, _ := clusters[cluster]["namespaces"].(map[string]any)
		sys, _ := ns["istio-system"].(map[string]any)
		if got := fact(sys, "network"); got != "network"+n+"@"+dir+"clusters/"+cluster+"/kustomization.yaml:20" {
			t.Errorf("%s: istio-system's network label %s, want the inline patch", cluster, got)
		}
	}
	code, out, stderr := runCLI(t, root, "", "lint", "--no-config", "--fleet", dir+"clusters")
	if code != exitClean || strings.Contains(out, "not evaluated") {
		t.Errorf("exit %d:\n%s%s", code, out, stderr)
	}
}

// A kustomization that does not build is an input error naming it and
// kustomize's message, and the other clusters are still read; one that
// would fetch (helmCharts, a remote base) is listed as not evaluated; a
// generated ConfigMap read through valuesFrom points at its generator.
func TestKustomizeInputs(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"fleet/broken/kustomization.yaml": "resources:\n  - missing.yaml\n",
		"fleet/helm/kustomization.yaml": `helmCharts:
  - name: istiod
    repo: https://istio-release.storage.googleapis.com/charts
    version: 1.27.1
    releaseName: istiod
    namespace: istio-system
`,
		"fleet/remote/kustomization.yaml": "resources:\n  - https://github.com/example/platform//istio?ref=main\n",
		"fleet/good/kustomization.yaml": `namespace: istio-system
resources:
  - istiod.yaml
configMapGenerator:
  - name: mesh-settings
    literals:
      - mesh_id=mesh1
`,
		"fleet/gen/kustomization.yaml": `namespace: istio-system
resources:
  - istiod.yaml
configMapGenerator:
  - name: istiod-values
    files:
      - values.yaml=istiod-values.yaml
generatorOptions:
  disableNameSuffixHash: true
`,
		"fleet/gen/istiod-values.yaml": "global:\n  meshID: mesh1\n  multiCluster:\n    clusterName: gen\n  network: network1\n",
		"fleet/gen/istiod.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istiod
spec:
  chart:
    spec:
      chart: istiod
  valuesFrom:
    - kind: ConfigMap
      name: istiod-values
`,
		"fleet/good/istiod.yaml": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: istio
spec:
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: good
      network: network1
`,
	})
	code, out, _ := runCLI(t, dir, "", "lint", "--no-config", "--fleet", "fleet")
	for _, want := range []string{
		"error: fleet/broken/kustomization.yaml: kustomize build fleet/broken: accumulating resources",
		"not evaluated: fleet/helm/kustomization.yaml: a kustomization that refers to what kustomize would fetch from the network",
		"not evaluated: fleet/remote/kustomization.yaml: a kustomization that refers to what kustomize would fetch",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if code != exitError {
		t.Errorf("exit %d, want %d (an input error)", code, exitError)
	}
	_, model, _ := runCLI(t, dir, "", "lint", "--no-config", "--show-model", "--fleet", "fleet")
	var f struct {
		Clusters map[string]map[string]any `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(model), &f); err != nil {
		t.Fatal(err)
	}
	// A generated ConfigMap has no text in the kustomization: the values it
	// gives a HelmRelease point at its generator entry, not at lines of a
	// text the file does not hold.
	if cps := list(f.Clusters["gen"], "control_planes"); len(cps) != 1 || fact(cps[0], "cluster_name") != "gen@fleet/gen/kustomization.yaml:5" {
		t.Errorf("the generated values are not located at the generator: %v", cps)
	}
	cps := list(f.Clusters["good"], "control_planes")
	if len(cps) != 1 || fact(cps[0], "cluster_name") != "good@fleet/good/istiod.yaml:10" {
		t.Errorf("the good cluster is not read: %v", cps)
	}
}

// A fleet whose overlays set Istio's settings with JSON6902 patches (inline
// in patches, a file in patchesJSON6902): a value an operation sets points
// at the operation's value in the overlay, what none sets at the base; a
// finding on a wrong patch (cluster2 keeps cluster1's name) points at the
// overlay line to fix, never at the base both overlays share.
func TestKustomizeJSON6902(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/gitops/kustomize-json6902/"
	clusters := gitopsClusters(t, root, dir+"clusters")
	k1, p2, base := dir+"clusters/cluster1/istio/kustomization.yaml", dir+"clusters/cluster2/istio/istio-operator-patch.yaml", dir+"base/istio/istio-operator.yaml"
	for cluster, want := range map[string]string{
		"cluster1": "cluster1@" + k1 + ":10 cluster1@" + k1 + ":13 mesh1@" + base + ":13",
		"cluster2": "cluster1@" + p2 + ":5 cluster2@" + p2 + ":8 mesh1@" + base + ":13",
	} {
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want 1", cluster, len(cps))
		}
		if got := facts(cps[0]); got != want {
			t.Errorf("%s: %s\nwant %s", cluster, got, want)
		}
		services := dir + "clusters/" + cluster + "/services/kustomization.yaml"
		gws := list(clusters[cluster], "network_gateways")
		if len(gws) != 1 || fact(gws[0], "network") != cluster+"@"+services+":15" {
			t.Errorf("%s: network gateways %v", cluster, gws)
		}
		ns, _ := clusters[cluster]["namespaces"].(map[string]any)
		sys, _ := ns["istio-system"].(map[string]any)
		if got := fact(sys, "network"); got != cluster+"@"+services+":8" {
			t.Errorf("%s: istio-system's network label %s, want the patch", cluster, got)
		}
	}
	code, out, stderr := runCLI(t, root, "", "lint", "--no-config", "--fleet", dir+"clusters")
	for _, want := range []string{
		p2 + ":5:10: ERROR CL002 clusters cluster2 and cluster1",
		k1 + ":10: ERROR CL002 clusters cluster1 and cluster2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s%s", want, out, stderr)
		}
	}
	if code != exitFindings || strings.Contains(out, "base/istio") || strings.Contains(out, "not evaluated") {
		t.Errorf("exit %d, want %d, and no finding at the base:\n%s", code, exitFindings, out)
	}
}
