package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two releases that install one control plane (here an Argo CD Application
// and the Flux HelmRelease a half-done migration left beside it) are not
// merged silently: what they set differently is unknown, never the value of
// whichever file came first, and the run lists both releases.
func TestTwoReleasesOfOneControlPlaneAreListed(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fleet := t.TempDir()
	if err := os.CopyFS(fleet, os.DirFS(filepath.Join(root, "testdata/gitops/argocd"))); err != nil {
		t.Fatal(err)
	}
	before := gitopsClusters(t, "", fleet)
	if got := fact(list(before["cluster2"], "control_planes")[0], "network"); !strings.HasPrefix(got, "network2@") {
		t.Fatalf("cluster2's network before the second release: %s", got)
	}

	flux := `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: istiod
  namespace: istio-system
spec:
  interval: 10m
  chart:
    spec:
      chart: istiod
      sourceRef:
        kind: HelmRepository
        name: istio
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: cluster2
      network: network-b
`
	if err := os.WriteFile(filepath.Join(fleet, "cluster2", "istiod-helmrelease.yaml"), []byte(flux), 0o644); err != nil {
		t.Fatal(err)
	}
	after := gitopsClusters(t, "", fleet)
	_, model, _ := runCLI(t, "", "", "lint", "--no-config", "--show-model", "--fleet", fleet)
	checkSchema(t, "model", model) // with control_planes[].unknown
	cp := list(after["cluster2"], "control_planes")
	if len(cp) != 1 {
		t.Fatalf("cluster2 has %d control planes, want the one both releases install", len(cp))
	}
	if got := fact(cp[0], "network"); got != "<unknown>" {
		t.Errorf("network = %s: want unknown (the releases say network2 and network-b)", got)
	}
	if got := fmt.Sprint(cp[0]["unknown"]); got != "[global.network]" {
		t.Errorf("unknown settings %s, want [global.network]", got)
	}
	if got := fact(cp[0], "cluster_id"); !strings.HasPrefix(got, "cluster2@") {
		t.Errorf("cluster ID = %s: both releases say cluster2", got)
	}

	_, out, stderr := runCLI(t, "", "", "lint", "--no-config", "--fleet", fleet, "-o", "json")
	var res struct {
		NotEvaluated []struct {
			File    string `json:"file"`
			Message string `json:"message"`
		} `json:"not_evaluated"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var notes []string
	for _, n := range res.NotEvaluated {
		if strings.Contains(n.Message, "install the same control plane") {
			notes = append(notes, n.Message)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Argo CD Application istiod (") || !strings.Contains(notes[0], "Flux HelmRelease istiod (") ||
		!strings.HasSuffix(notes[0], "unknown: global.network") {
		t.Errorf("notes about the two releases: %q", notes)
	}
}
