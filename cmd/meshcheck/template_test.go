package main

import (
	"strings"
	"testing"
)

// A templated remote secret in a chart kept beside the fleet, modelled on
// the istio-remote-secret charts teams keep (values per cluster, the kubeconfig
// built in templates/secret.yaml).
const templatedRemoteSecret = `apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-{{ .Values.cluster }}
  namespace: {{ .Release.Namespace }}
  labels:
    istio/multiCluster: "true"
  annotations:
    networking.istio.io/cluster: {{ .Values.cluster }}
stringData:
  {{ .Values.cluster }}: |
{{ .Files.Get "kubeconfig" | indent 4 }}
`

// Helm chart templates are listed as not evaluated: never parsed as
// objects (a false CL004) and never an input error (exit 2).
func TestChartTemplatesAreNotEvaluated(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"fleet/cluster1/istio.yaml":                         iopNetwork1,
		"charts/remote-secret/Chart.yaml":                   "apiVersion: v2\nname: remote-secret\nversion: 0.1.0\n",
		"charts/remote-secret/values.yaml":                  "cluster: cluster2\n",
		"charts/remote-secret/templates/secret.yaml":        templatedRemoteSecret,
		"charts/remote-secret/templates/sub/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Release.Namespace }}\n",
		"fleet/cluster1/applicationset-not-a-chart.yaml":    "{{- range .Values.clusters }}\nkind: Secret\n{{- end }}\n",
	})
	code, out, stderr := runCLI(t, dir, "", "lint", "--no-config", "-o", "json", "--cluster", "cluster1=fleet/cluster1", "--cluster", "cluster1=charts")
	r := decodeReport(t, out)
	if code != exitClean || len(r.Findings) != 0 || len(r.Errors) != 0 {
		t.Fatalf("exit %d, findings %+v, errors %+v; stderr %s", code, r.Findings, r.Errors, stderr)
	}
	for _, want := range []string{
		`"file": "charts/remote-secret/templates/secret.yaml"`,
		`"file": "charts/remote-secret/templates/sub/namespace.yaml"`,
		`"file": "fleet/cluster1/applicationset-not-a-chart.yaml"`,
		"a Helm chart template",
		"holds template actions",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("not_evaluated lacks %s:\n%s", want, out)
		}
	}
	_, text, _ := runCLI(t, dir, "", "lint", "--no-config", "--cluster", "cluster1=fleet/cluster1", "--cluster", "cluster1=charts")
	if !strings.Contains(text, "not evaluated: charts/remote-secret/templates/secret.yaml: a Helm chart template") {
		t.Errorf("text output does not list the template:\n%s", text)
	}
}
