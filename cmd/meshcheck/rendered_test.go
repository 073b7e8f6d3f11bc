package main

import (
	"strings"
	"testing"
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
