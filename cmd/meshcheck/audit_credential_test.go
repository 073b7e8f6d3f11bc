package main

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// rejectedToken is the bearer token of a remote secret that the API server
// it points at does not know: it must reach no output.
const rejectedToken = "PLANTED-REJECTED-TOKEN-4f7a21"

// CP014: a holder's remote secret for us-west carries a token us-west
// rejects (401), its secret for edge-1 a credential edge-1 accepts. Audited
// from the holder with --from-remote-secrets, only the first is reported.
func TestAuditRejectedRemoteSecretCredential(t *testing.T) {
	f := sharedFleet(t)
	holder, err := livetest.Start("holder")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Stop() })
	wrong := &rest.Config{Host: f.auditor["us-west"].Host, BearerToken: rejectedToken}
	wrong.CAData = f.auditor["us-west"].CAData
	if err := livetest.Seed(t.Context(), holder.Admin, []*source.Object{
		remoteSecretFor(t, "us-west", wrong),
		remoteSecretFor(t, "edge-1", f.auditor["edge-1"]),
	}); err != nil {
		t.Fatal(err)
	}
	kc := f.kubeconfig(t, map[string]*rest.Config{"holder": holder.Admin})
	args := []string{"audit", "--no-config", "--kubeconfig", kc, "--context", "holder", "--from-remote-secrets"}

	code, out, errs := runCLI(t, "", "", append(args, "-v", "-o", "json")...)
	if code != exitError {
		t.Fatalf("exit %d, want %d (us-west refused the credential: partial audit)\nstderr: %s\n%s", code, exitError, errs, out)
	}
	got := decodeAudit(t, out)
	var cp014 []string
	for _, fd := range got.Findings {
		if fd.Rule != "CP014" {
			continue
		}
		cp014 = append(cp014, fd.Cluster+" "+fd.Object.Namespace+"/"+fd.Object.Name+" "+fd.Path)
		if fd.Severity != checks.Error {
			t.Errorf("CP014 severity %q, want error: istiod never reads the cluster", fd.Severity)
		}
		for _, want := range []string{"holder", "istio-system/istio-remote-secret-us-west", `key "us-west"`, "rejected", "401"} {
			if !strings.Contains(fd.Message, want) {
				t.Errorf("CP014 message lacks %q: %s", want, fd.Message)
			}
		}
	}
	// The API server returns stringData as data.
	if want := "holder istio-system/istio-remote-secret-us-west data.us-west"; len(cp014) != 1 || cp014[0] != want {
		t.Errorf("CP014 findings = %q, want one: %q", cp014, want)
	}
	if len(got.Errors) != 1 || got.Errors[0].Cluster != "us-west" || !strings.Contains(got.Errors[0].Message, "unauthorized") {
		t.Errorf("want one unauthorized error for us-west, got %+v", got.Errors)
	}

	// The model says which credential was tried and how it fared.
	_, mout, _ := runCLI(t, "", "", append(args, "--show-model")...)
	var fleet model.Fleet
	if err := json.Unmarshal([]byte(mout), &fleet); err != nil {
		t.Fatalf("model: %v", err)
	}
	rejected := map[string]any{}
	for _, rs := range fleet.Clusters["holder"].RemoteSecrets {
		for _, e := range rs.Entries {
			rejected[e.Key] = "<unknown>"
			if e.CredentialRejected != nil {
				rejected[e.Key] = e.CredentialRejected.Value
			}
		}
	}
	if rejected["us-west"] != true || rejected["edge-1"] != false {
		t.Errorf("credential_rejected per key = %v, want us-west true, edge-1 false", rejected)
	}

	// Not in the report, the logs or the model.
	_, tout, terrs := runCLI(t, "", "", args...)
	for name, s := range map[string]string{"json": out, "json stderr": errs, "text": tout, "text stderr": terrs, "model": mout} {
		if strings.Contains(s, rejectedToken) {
			t.Errorf("%s output quotes the rejected token", name)
		}
	}
}

// remoteSecretFor is what istioctl create-remote-secret --name=name prints
// for a kubeconfig reaching cfg.
func remoteSecretFor(t *testing.T, name string, cfg *rest.Config) *source.Object {
	t.Helper()
	kc, err := livetest.KubeconfigBytes(name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{
			"name": "istio-remote-secret-" + name, "namespace": "istio-system",
			"labels":      map[string]any{"istio/multiCluster": "true"},
			"annotations": map[string]any{"networking.istio.io/cluster": name},
		},
		"stringData": map[string]any{name: string(kc)},
	}}
}
