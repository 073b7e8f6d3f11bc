package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/live/livetest"
)

// paymentsFleet is one primary whose payments namespace holds an
// application's Secret named cacerts (kubectl -n payments create secret
// generic cacerts --from-file=ca.crt=ca.pem) and a copy of remote secrets:
// istiod reads neither, so no rule may judge them.
func paymentsFleet(t *testing.T) string {
	t.Helper()
	pem, err := os.ReadFile("../../testdata/certs/root-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	inPayments := func(s string) string {
		return strings.Replace(s, "namespace: istio-system", "namespace: payments", 1)
	}
	return writeFiles(t, map[string]string{
		"fleet/cluster1/istio.yaml": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: control-plane, namespace: istio-system}
spec:
  values:
    global:
      meshID: mesh1
      multiCluster: {clusterName: cluster1}
      network: network1
`,
		"fleet/cluster1/namespaces.yaml": `apiVersion: v1
kind: Namespace
metadata: {name: istio-system, labels: {topology.istio.io/network: network1}}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments}
`,
		"fleet/cluster1/payments-cacerts.yaml": `apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: payments}
type: Opaque
data:
  ca.crt: ` + base64.StdEncoding.EncodeToString(pem) + `
`,
		// Keyed by the cluster itself (CL005) and kept outside istiod's
		// namespace (CL006), were they read.
		"fleet/cluster1/payments-remote-secrets.yaml": strings.ReplaceAll(inPayments(remoteSecretWithToken("istio-remote-secret-cluster2", "    token: abc\n")), "cluster2", "cluster1") +
			"---\n" + inPayments(remoteSecretWithToken("istio-remote-secret-cluster2", "    token: abc\n")),
	})
}

func TestLintIgnoresSecretsIstiodDoesNotRead(t *testing.T) {
	dir := paymentsFleet(t)
	code, out, errs := runCLI(t, dir, "", "lint", "--no-config", "--fleet", "fleet", "-o", "json")
	r := decodeReport(t, out)
	for _, f := range r.Findings {
		if f.Object.Kind == "Secret" || strings.HasPrefix(f.Rule, "MS00") || strings.HasPrefix(f.Rule, "CL00") {
			t.Errorf("finding on objects Istio does not read: %s %s %s/%s", f.Rule, f.Cluster, f.Object.Kind, f.Object.Name)
		}
	}
	if code != exitClean || len(r.Errors) > 0 {
		t.Errorf("lint exit %d, errors %+v\n%s", code, r.Errors, errs)
	}
	// What was skipped is said: the model lists the three, with the reason.
	_, model, _ := runCLI(t, dir, "", "lint", "--no-config", "--fleet", "fleet", "--show-model")
	if n := strings.Count(model, "istiod reads "); n != 3 || !strings.Contains(model, "not in payments") {
		t.Errorf("the model lists %d ignored objects, want 3 not in payments:\n%s", n, model)
	}
}

// Audit reads the same Secrets from a live cluster (it lists every Secret
// named cacerts) and must not judge them either.
func TestAuditIgnoresSecretsIstiodDoesNotRead(t *testing.T) {
	dir := paymentsFleet(t)
	c, err := livetest.Start("cluster1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if err := livetest.SeedDir(t.Context(), c.Admin, filepath.Join(dir, "fleet", "cluster1")); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := livetest.WriteKubeconfig(kc, []string{"cluster1"}, map[string]*rest.Config{"cluster1": c.Admin}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, t.TempDir(), "", "audit", "--no-config", "--kubeconfig", kc, "--context", "cluster1", "-o", "json")
	r := decodeAudit(t, out)
	for _, f := range r.Findings {
		if f.Object.Kind == "Secret" || strings.HasPrefix(f.Rule, "MS00") || strings.HasPrefix(f.Rule, "CL00") {
			t.Errorf("finding on objects Istio does not read: %s %s %s/%s: %s", f.Rule, f.Cluster, f.Object.Kind, f.Object.Name, f.Message)
		}
	}
	if code != exitClean || len(r.Errors) > 0 {
		t.Errorf("audit exit %d, errors %+v\n%s", code, r.Errors, errs)
	}
}
