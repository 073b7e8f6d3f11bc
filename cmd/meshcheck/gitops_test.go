package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
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
	if code != exitClean || !strings.Contains(out, "not evaluated: testdata/gitops/argocd/cluster2/istiod.yaml:20: the istiod chart's value file \"$values/istio/common-values.yaml\" is not read") {
		t.Errorf("exit %d, want a clean run listing the unresolved value file:\n%s", code, out)
	}
	_, out, _ = runCLI(t, root, "", "lint", "--no-config", "--fleet", "testdata/gitops/flux")
	if !strings.Contains(out, "flux/cluster1/istiod.yaml:24: the istiod chart's valuesFrom ConfigMap istio-system/istiod-overrides is not read: no such ConfigMap") {
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

// facts formats the cluster name, network and mesh ID of a control plane.
func facts(cp map[string]any) string {
	return fact(cp, "cluster_name") + " " + fact(cp, "network") + " " + fact(cp, "mesh_id")
}

// Argo CD value files are read from the linted tree: "$values/<path>" from
// the repository root (here the fleet's parent directory), a plain entry
// relative to the source's path; the last file wins over earlier ones and
// valuesObject over every file; a file the tree does not hold is listed.
func TestGitOpsArgoValueFiles(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/gitops/argocd-values/"
	clusters := gitopsClusters(t, root, dir+"clusters")
	for cluster, want := range map[string]string{
		// valuesObject's network beats common.yaml's (the same value).
		"cluster1": "cluster1@" + dir + "values/istiod/cluster1.yaml:3 network1@" + dir + "clusters/cluster1/istiod.yaml:23 mesh1@" + dir + "values/istiod/common.yaml:3",
		// cluster2.yaml's network beats common.yaml's, listed before it.
		"cluster2": "cluster2@" + dir + "values/istiod/cluster2.yaml:3 network2@" + dir + "values/istiod/cluster2.yaml:4 mesh1@" + dir + "values/istiod/common.yaml:3",
	} {
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want 1", cluster, len(cps))
		}
		if got := facts(cps[0]); got != want {
			t.Errorf("%s: %s\nwant %s", cluster, got, want)
		}
		// A chart kept in Git: its value file is relative to the path.
		gws := list(clusters[cluster], "network_gateways")
		if len(gws) != 1 || gws[0]["name"] != "istio-eastwestgateway" || !strings.HasPrefix(fact(gws[0], "network"), "network"+cluster[len(cluster)-1:]+"@"+dir+"values/eastwest/"+cluster+".yaml:") {
			t.Errorf("%s: network gateways %v", cluster, gws)
		}
	}
	code, out, _ := runCLI(t, root, "", "lint", "--no-config", "--fleet", dir+"clusters")
	if code != exitClean || !strings.Contains(out, dir+"clusters/cluster2/istiod.yaml:22: the istiod chart's value file \"$values/values/istiod/cluster2-overrides.yaml\" is not read") {
		t.Errorf("exit %d, want a clean run listing the missing value file:\n%s", code, out)
	}
}

// Flux valuesFrom: ConfigMaps and Secrets among the linted objects, merged
// in order under spec.values; a targetPath sets one value; a Secret gives
// only the values Istio's identity needs, never its other content; a
// missing reference is listed unless optional.
func TestGitOpsFluxValuesFrom(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/gitops/flux-valuesfrom/"
	clusters := gitopsClusters(t, root, dir)
	for cluster, want := range map[string]string{
		// the targetPath network (values.yaml:18) beats the shared values' (line 10)
		"cluster1": "cluster1@" + dir + "cluster1/istiod.yaml:33 network1@" + dir + "cluster1/values.yaml:18 mesh1@" + dir + "cluster1/values.yaml:9",
		"cluster2": "cluster2@" + dir + "cluster2/istiod.yaml:33 network2@" + dir + "cluster2/values.yaml:18 mesh1@" + dir + "cluster2/values.yaml:9",
	} {
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want 1", cluster, len(cps))
		}
		if got := facts(cps[0]); got != want {
			t.Errorf("%s: %s\nwant %s", cluster, got, want)
		}
	}
	// The trust domain comes from the Secret, located at its data key.
	if got := fact(list(clusters["cluster1"], "control_planes")[0], "trust_domain"); got != "cluster.local@"+dir+"cluster1/values.yaml:27" {
		t.Errorf("trust domain %s, want the Secret's", got)
	}
	for _, args := range [][]string{{"--show-model"}, {"-o", "json"}, {}} {
		_, out, stderr := runCLI(t, root, "", append([]string{"lint", "--no-config", "--fleet", dir}, args...)...)
		if strings.Contains(out+stderr, "do-not-print") {
			t.Errorf("lint %v prints the Secret's other values", args)
		}
	}
	_, out, _ := runCLI(t, root, "", "lint", "--no-config", "--fleet", dir)
	if !strings.Contains(out, dir+"cluster2/istiod.yaml:20: the istiod chart's valuesFrom Secret istio-system/istiod-private-values is not read") || strings.Contains(out, "istiod-local-overrides") {
		t.Errorf("want the missing Secret listed and the optional ConfigMap not:\n%s", out)
	}
}

// A Flux Kustomization applies a shared directory (built with kustomize)
// to each cluster with its own post-build variables; a variable without a
// value leaves its fields unknown (listed), never a literal ${network}.
func TestGitOpsFluxSubstitution(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/gitops/flux-substitute/"
	const istiod = dir + "infrastructure/istio/istiod.yaml"
	clusters := gitopsClusters(t, root, dir+"clusters")
	for cluster, want := range map[string]string{
		"cluster1": "cluster1@" + istiod + ":19 network1@" + istiod + ":20 mesh1@" + istiod + ":17",
		// cluster2's Kustomization patches meshID: the patch is where it is set.
		"cluster2": "cluster2@" + istiod + ":19 network2@" + istiod + ":20 mesh1@" + dir + "clusters/cluster2/infrastructure.yaml:33",
		"cluster3": "cluster3@" + istiod + ":19 <unknown> mesh1@" + istiod + ":17",
	} {
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want 1", cluster, len(cps))
		}
		if got := facts(cps[0]); got != want {
			t.Errorf("%s: %s\nwant %s", cluster, got, want)
		}
	}
	if n := fact(clusters["cluster3"], "network"); n != "<unknown>" {
		t.Errorf("cluster3's namespace network %s, want unknown", n)
	}
	code, out, _ := runCLI(t, root, "", "lint", "--no-config", "--fleet", dir+"clusters")
	if code != exitClean || strings.Contains(out, "${") && !strings.Contains(out, "gives no value to ${network}") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, dir+"clusters/cluster3/infrastructure.yaml:15: the Flux Kustomization istio gives no value to ${network}") {
		t.Errorf("the unset variable is not listed:\n%s", out)
	}
}

// Without a declared fleet, the clusters of GitOps inputs are inferred from
// where the GitOps objects are (the Application, the HelmRelease, the
// overlay, the Flux Kustomization), not from the shared files their values
// come from, and each gets the facts the declared fleet gives it (a
// ConfigMap of each cluster with the same name is told apart by its
// directory).
func TestGitOpsUndeclaredFleets(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	modelOf := func(args ...string) map[string]string {
		_, out, stderr := runCLI(t, root, "", append([]string{"lint", "--no-config", "--show-model"}, args...)...)
		var f struct {
			Clusters map[string]map[string]any `json:"clusters"`
		}
		if err := json.Unmarshal([]byte(out), &f); err != nil {
			t.Fatalf("%v: %v: %s", args, err, stderr)
		}
		got := map[string]string{}
		for name, c := range f.Clusters {
			for _, cp := range list(c, "control_planes") {
				got[name] += facts(cp) + " " + fact(cp, "trust_domain") + ";"
			}
		}
		return got
	}
	for _, tc := range []struct{ inputs, fleet string }{
		{"testdata/gitops/argocd-values", "testdata/gitops/argocd-values/clusters"},
		{"testdata/gitops/flux-valuesfrom", "testdata/gitops/flux-valuesfrom"},
		{"testdata/gitops/flux-substitute", "testdata/gitops/flux-substitute/clusters"},
		{"testdata/gitops/kustomize-overlays", "testdata/gitops/kustomize-overlays/clusters"},
	} {
		declared, inferred := modelOf("--fleet", tc.fleet), modelOf(tc.inputs)
		if len(declared) < 2 || !reflect.DeepEqual(declared, inferred) {
			t.Errorf("%s: inferred clusters\n%v\nwant those of --fleet %s\n%v", tc.inputs, inferred, tc.fleet, declared)
		}
	}
}
