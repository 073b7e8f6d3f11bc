package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// gitopsClusters lints the fleet directory under root and returns the model's
// clusters as plain JSON values.
func gitopsClusters(t *testing.T, root, fleet string) map[string]map[string]any {
	t.Helper()
	_, out, stderr := runCLI(t, root, "", "lint", "--no-config", "--show-model", "--fleet", fleet)
	var f struct {
		Clusters map[string]map[string]any `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	return f.Clusters
}

func list(c map[string]any, key string) []map[string]any {
	var out []map[string]any
	l, _ := c[key].([]any)
	for _, e := range l {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

// fact formats a fact of a record as value@file:line.
func fact(rec map[string]any, key string) string {
	f, ok := rec[key].(map[string]any)
	if !ok {
		return "<unknown>"
	}
	src, _ := f["source"].(map[string]any)
	return fmt.Sprintf("%v@%v:%v", f["value"], src["file"], src["line"])
}

// Argo CD Applications and Flux HelmReleases of Istio's charts are read as
// the chart's values, located in the file the user edits; the base chart is
// not istiod's; what they refer to outside the repository is listed.
func TestGitOpsFormsAreUnderstood(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	argo := gitopsClusters(t, root, "testdata/gitops/argocd")
	for cluster, want := range map[string]string{
		"cluster1": "cluster1@testdata/gitops/argocd/cluster1/istiod.yaml:22 network1@testdata/gitops/argocd/cluster1/istiod.yaml:23",
		// valuesObject and helm.parameters (the network): one release.
		"cluster2": "cluster2@testdata/gitops/argocd/cluster2/istiod.yaml:25 network2@testdata/gitops/argocd/cluster2/istiod.yaml:28",
	} {
		cps := list(argo[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want the istiod release alone (not the base chart's values)", cluster, len(cps))
		}
		if got := fact(cps[0], "cluster_name") + " " + fact(cps[0], "network"); got != want {
			t.Errorf("%s: cluster name, network = %s, want %s", cluster, got, want)
		}
	}
	flux := gitopsClusters(t, root, "testdata/gitops/flux")
	if cps := list(flux["cluster1"], "control_planes"); len(cps) != 1 || fact(cps[0], "cluster_name") != "cluster1@testdata/gitops/flux/cluster1/istiod.yaml:21" {
		t.Errorf("flux control planes = %v", cps)
	}
	// The gateway chart names its objects after the release: Flux's is
	// <targetNamespace>-<name>, not a guessed istio-eastwestgateway.
	if gws := list(flux["cluster1"], "network_gateways"); len(gws) != 1 || gws[0]["name"] != "istio-system-eastwest" {
		t.Errorf("flux network gateways = %v, want istio-system-eastwest", gws)
	}

	code, out, _ := runCLI(t, root, "", "lint", "--no-config", "--fleet", "testdata/gitops/argocd")
	if code != exitClean || !strings.Contains(out, "not evaluated: testdata/gitops/argocd/cluster2/istiod.yaml:20: the istiod chart's valueFiles") {
		t.Errorf("exit %d, want a clean run listing the unresolved value file:\n%s", code, out)
	}
	_, out, _ = runCLI(t, root, "", "lint", "--no-config", "--fleet", "testdata/gitops/flux")
	if !strings.Contains(out, "flux/cluster1/istiod.yaml:24: the istiod chart's valuesFrom is not read") {
		t.Errorf("valuesFrom is not listed:\n%s", out)
	}

	// A hub's Application for another cluster is not the hub's install:
	// listed, not read, until annotated with the fleet cluster it is for.
	hub := gitopsClusters(t, root, "testdata/gitops/argocd-hub")
	if cps := list(hub["hub"], "control_planes"); len(cps) != 1 || fact(cps[0], "cluster_name") != "cluster1@testdata/gitops/argocd-hub/hub/istiod.yaml:22" {
		t.Errorf("hub control planes = %v, want its own install alone", cps)
	}
	_, out, _ = runCLI(t, root, "", "lint", "--no-config", "--fleet", "testdata/gitops/argocd-hub")
	if !strings.Contains(out, "istiod-cluster2.yaml:11: an Argo CD Application that deploys to cluster cluster2") {
		t.Errorf("the spoke's Application is not listed:\n%s", out)
	}
	annotated := writeFiles(t, map[string]string{"fleet/hub/app.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cluster2-istiod
  annotations:
    meshcheck.io/cluster: cluster2
spec:
  destination: {name: cluster2, namespace: istio-system}
  source:
    chart: istiod
    helm:
      valuesObject:
        global: {meshID: mesh1, multiCluster: {clusterName: cluster2}, network: network2}
`})
	spoke := gitopsClusters(t, annotated, "fleet")
	if cps := list(spoke["cluster2"], "control_planes"); len(cps) != 1 || fact(cps[0], "cluster_name") != "cluster2@fleet/hub/app.yaml:13" {
		t.Errorf("annotated Application: clusters %v", spoke)
	}
}
