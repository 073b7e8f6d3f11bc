package main

import (
	"encoding/json"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// holderWith starts an API server holding objs and returns the kubeconfig
// of the shared fleet with a context "holder" for it.
func holderWith(t *testing.T, objs ...*source.Object) string {
	t.Helper()
	f := sharedFleet(t)
	holder, err := livetest.Start("holder")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Stop() })
	if err := livetest.Seed(t.Context(), holder.Admin, objs); err != nil {
		t.Fatal(err)
	}
	return f.kubeconfig(t, map[string]*rest.Config{"holder": holder.Admin})
}

// secretIn is a remote secret ns/name with key holding kubeconfig kc.
func secretIn(ns, name, key string, kc []byte) *source.Object {
	return &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{
			"name": name, "namespace": ns,
			"labels": map[string]any{"istio/multiCluster": "true"},
		},
		"stringData": map[string]any{key: string(kc)},
	}}
}

func kubeconfigOf(t *testing.T, name string, cfg *rest.Config, edit func(*clientcmdapi.Config)) []byte {
	t.Helper()
	kc := livetest.Kubeconfig([]string{name}, map[string]*rest.Config{name: cfg})
	if edit != nil {
		edit(kc)
	}
	b, err := clientcmd.Write(*kc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func auditModel(t *testing.T, kc string) (model.Fleet, string) {
	t.Helper()
	_, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--context", "holder", "--from-remote-secrets", "--show-model")
	var fleet model.Fleet
	decodeModel(t, out, &fleet)
	return fleet, errs
}

func clusterNames(f model.Fleet) []string {
	var out []string
	for name := range f.Clusters {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// A remote secret in an application namespace is not one istiod reads: it
// must not replace the real peer (the issue: it pointed us-west at another
// API server) nor add one.
func TestAuditIgnoresSpoofedRemoteSecret(t *testing.T) {
	f := sharedFleet(t)
	kc := holderWith(t,
		remoteSecretFor(t, "us-west", f.auditor["us-west"]),
		// "apps" lists before istio-system: first-wins followed it.
		secretIn("apps", "istio-remote-secret-us-west", "us-west", kubeconfigOf(t, "us-west", f.auditor["edge-1"], nil)),
		secretIn("apps", "istio-remote-secret-extra", "extra", kubeconfigOf(t, "extra", f.auditor["us-east"], nil)),
	)
	fleet, errs := auditModel(t, kc)
	if got := clusterNames(fleet); slices.Contains(got, "extra") || !slices.Contains(got, "us-west") {
		t.Errorf("clusters %v: want us-west through istio-system's secret, not extra", got)
	}
	if c := fleet.Clusters["us-west"]; c == nil || c.ID == nil || c.ID.Value != "us-west" {
		t.Errorf("us-west was read from another API server (cluster ID %v)\nstderr: %s", c, errs)
	}
}

// proxy-url in a remote secret's kubeconfig is refused: no request reaches
// the proxy, and the error names the secret and key.
func TestAuditRefusesRemoteSecretProxy(t *testing.T) {
	f := sharedFleet(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	proxied := kubeconfigOf(t, "us-west", f.auditor["us-west"], func(kc *clientcmdapi.Config) {
		kc.Clusters["us-west"].ProxyURL = "http://" + ln.Addr().String()
	})
	kc := holderWith(t, secretIn("istio-system", "istio-remote-secret-us-west", "us-west", proxied))
	code, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--context", "holder", "--from-remote-secrets", "-o", "json")
	if code != exitError {
		t.Errorf("exit %d, want %d (a refused remote secret is an error)", code, exitError)
	}
	got := decodeAudit(t, out)
	found := false
	for _, e := range got.Errors {
		if e.Cluster == "holder" && strings.Contains(e.Message, "istio-system/istio-remote-secret-us-west key us-west") && strings.Contains(e.Message, "proxy-url") {
			found = true
		}
		if e.Cluster == "us-west" {
			t.Errorf("us-west was read: %+v", e)
		}
	}
	if !found {
		t.Errorf("no error names the secret, key and proxy-url: %+v\nstderr: %s", got.Errors, errs)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the proxy received %d connection(s)", n)
	}
}

// Two remote secrets naming one cluster: istiod keeps whichever it reads
// first, so neither is followed and both are named in the error.
func TestAuditReportsCollidingRemoteSecrets(t *testing.T) {
	f := sharedFleet(t)
	kc := holderWith(t,
		remoteSecretFor(t, "us-west", f.auditor["us-west"]),
		secretIn("istio-system", "istio-remote-secret-us-west-2", "us-west", kubeconfigOf(t, "us-west", f.auditor["edge-1"], nil)),
	)
	code, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--context", "holder", "--from-remote-secrets", "-o", "json")
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	got := decodeAudit(t, out)
	found := false
	for _, e := range got.Errors {
		if e.Cluster == "holder" && strings.Contains(e.Message, "istio-system/istio-remote-secret-us-west key us-west") &&
			strings.Contains(e.Message, "istio-system/istio-remote-secret-us-west-2 key us-west") {
			found = true
		}
	}
	if !found {
		t.Errorf("no error names both secrets: %+v\nstderr: %s", got.Errors, errs)
	}
	fleet, _ := auditModel(t, kc)
	if got := clusterNames(fleet); !slices.Equal(got, []string{"holder"}) {
		t.Errorf("clusters %v, want holder alone (neither colliding secret followed)", got)
	}
}

// One context of --all-contexts naming a cluster the kubeconfig lacks is
// that context's error; the other clusters are audited.
func TestAuditDanglingContext(t *testing.T) {
	f := sharedFleet(t)
	path := f.kubeconfig(t, nil)
	kc, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kc.Contexts["gone"] = &clientcmdapi.Context{Cluster: "deleted-cluster", AuthInfo: "us-east"}
	path = filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", path, "--all-contexts", "-o", "json")
	if code != exitError {
		t.Errorf("exit %d, want %d (a partial audit)\nstderr: %s", code, exitError, errs)
	}
	got := decodeAudit(t, out)
	if len(got.Errors) != 1 || got.Errors[0].Cluster != "gone" || !strings.Contains(got.Errors[0].Message, "context gone") {
		t.Errorf("errors %+v, want one for the context gone", got.Errors)
	}
	_, mout, _ := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", path, "--all-contexts", "--show-model")
	var fleet model.Fleet
	if err := json.Unmarshal([]byte(mout), &fleet); err != nil {
		t.Fatalf("model: %v", err)
	}
	for _, c := range auditFleetNames {
		if cl := fleet.Clusters[c]; cl == nil || cl.ID == nil || cl.ID.Value != c {
			t.Errorf("%s was not audited: %+v", c, cl)
		}
	}
}
