package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantedToken stands for a real credential: it must never reach any
// output, whatever the format, nor the model.
const plantedToken = "eyJhbGciOiJSUzI1NiJ9.PLANTED-SECRET-TOKEN-7f3a"

const plantedKey = "-----BEGIN PRIVATE KEY-----\nPLANTEDKEYMATERIALc2VjcmV0\n-----END PRIVATE KEY-----\n"

func remoteSecretWithToken(name, kubeconfigUser string) string {
	kubeconfig := `apiVersion: v1
kind: Config
clusters:
- name: cluster2
  cluster:
    server: https://cluster2.example.com:6443
    certificate-authority-data: Q0EtREFUQQ==
contexts:
- name: cluster2
  context: {cluster: cluster2, user: cluster2}
current-context: cluster2
users:
- name: cluster2
  user:
` + kubeconfigUser
	return `apiVersion: v1
kind: Secret
metadata:
  name: ` + name + `
  namespace: istio-system
  labels:
    istio/multiCluster: "true"
  annotations:
    networking.istio.io/cluster: cluster2
    kubectl.kubernetes.io/last-applied-configuration: '{"stringData":{"token":"` + plantedToken + `"}}'
data:
  cluster2: ` + base64.StdEncoding.EncodeToString([]byte(kubeconfig)) + `
`
}

func TestNoOutputContainsSecretData(t *testing.T) {
	cacerts := `apiVersion: v1
kind: Secret
metadata:
  name: cacerts
  namespace: istio-system
stringData:
  ca-key.pem: |
` + indent(plantedKey, "    ") + `  root-cert.pem: not a certificate
`
	dir := brokenFleet(t, map[string]string{
		"fleet/cluster1/remote-secret.yaml": remoteSecretWithToken("istio-remote-secret-cluster2", "    token: "+plantedToken+"\n"),
		// A kubeconfig that does not parse must not be quoted in errors either.
		"fleet/cluster1/remote-secret-broken.yaml": remoteSecretWithToken("istio-remote-secret-broken", "    token: [\""+plantedToken+"\n"),
		"fleet/cluster1/cacerts.yaml":              cacerts,
	})
	runs := [][]string{{"--show-model"}}
	for _, f := range []string{"text", "json", "yaml", "sarif", "junit", "github"} {
		runs = append(runs, []string{"-o", f, "--show-suppressed"})
	}
	for _, extra := range runs {
		_, out, errs := runCLI(t, dir, "", append([]string{"lint", "--fleet", "fleet"}, extra...)...)
		for _, secret := range []string{plantedToken, "PLANTED-SECRET", "PLANTEDKEYMATERIAL", base64.StdEncoding.EncodeToString([]byte(plantedToken))} {
			if strings.Contains(out, secret) || strings.Contains(errs, secret) {
				t.Errorf("lint %v leaks %q", extra, secret)
			}
		}
		if extra[0] == "--show-model" && !strings.Contains(out, `"has_credentials": true`) {
			t.Errorf("the model should still say the secret holds a credential")
		}
	}
	// The planted files are really read: the model names the secret's target.
	_, out, _ := runCLI(t, dir, "", "lint", "--fleet", "fleet", "--show-model")
	if !strings.Contains(out, "cluster2.example.com") {
		t.Error("remote secret facts missing from the model")
	}
	if _, err := os.Stat(filepath.Join(dir, "fleet/cluster1/cacerts.yaml")); err != nil {
		t.Fatal(err)
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}
