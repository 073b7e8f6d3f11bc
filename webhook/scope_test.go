package webhook

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"os"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/internal/testenv"
)

// An object matters only where Istio reads it: istiod reads cacerts and
// remote secrets in its own namespace, so an application's Secret named
// cacerts (kubectl -n payments create secret generic cacerts
// --from-file=ca.crt=ca.pem) is admitted, while a broken cacerts in the
// istiod's namespace is still denied.
func TestSecretsOutsideIstiodNamespaceAreAdmitted(t *testing.T) {
	e := apiServer(t)
	c := newAPIClient(t, e.Config)
	ctx := context.Background()
	ensure := func(gvr schema.GroupVersionResource, yaml string) {
		t.Helper()
		if err := c.create(ctx, gvr, objects(t, yaml)[0], false); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	ensure(nsGVR, "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}")
	ensure(nsGVR, "apiVersion: v1\nkind: Namespace\nmetadata: {name: payments}")
	ensure(depGVR, istiodDeployment)

	trustNewServingCert(t, e, c)
	stop := startServer(t, e, DeciderOptions{
		Cluster: "east", Exclude: []string{"meshcheck-system", "kube-system"},
		Enforcement: map[string]Enforcement{"CL005": Deny},
	})
	defer stop()

	pem, err := os.ReadFile("../testdata/certs/root-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	// As kubectl create secret generic --from-file writes it: data, base64.
	secret := func(ns, name, key string) *unstructured.Unstructured {
		s := objects(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: "+name+", namespace: "+ns+"}\ntype: Opaque")[0]
		if err := unstructured.SetNestedField(s.Object, base64.StdEncoding.EncodeToString(pem), "data", key); err != nil {
			t.Fatal(err)
		}
		return s
	}
	selfSecret := remoteSecret(t, "istio-remote-secret-east", "east", "https://east.example.com")
	selfSecret.SetNamespace("payments")

	// The cache must have seen the istiod before the answers mean anything:
	// until then no istiod is known and only istio-system counts anyway.
	eventually(t, "a broken cacerts in istio-system to be denied", func(ctx context.Context) bool {
		return denied(c.create(ctx, secGVR, secret("istio-system", "cacerts", "root-cert.pem"), true), "MS004")
	})

	tests := []struct {
		name string
		obj  *unstructured.Unstructured
		deny string
	}{
		{"an application's cacerts in payments", secret("payments", "cacerts", "ca.crt"), ""},
		{"an application's istio-ca-secret in payments", secret("payments", "istio-ca-secret", "ca.crt"), ""},
		{"a remote secret in payments naming this cluster (CL005 were it read)", selfSecret, ""},
		{"a broken cacerts in istio-system", secret("istio-system", "cacerts", "root-cert.pem"), "MS004"},
	}
	// The match conditions send a Secret on the label only with the value
	// istiod selects (istio/multiCluster=true), as the cache holds it.
	t.Run("a Secret labelled istio/multiCluster=false is not sent", func(t *testing.T) {
		s := objects(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: not-remote, namespace: payments, labels: {istio/multiCluster: \"false\"}}\nstringData: {a: b}")[0]
		before := requestsServed(t)
		if err := c.create(ctx, secGVR, s, false); err != nil {
			t.Fatal(err)
		}
		if requestsServed(t) != before {
			t.Error("sent to the webhook")
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.create(ctx, secGVR, tt.obj, false)
			switch {
			case tt.deny == "" && err != nil:
				t.Fatalf("want admitted, got %v", err)
			case tt.deny != "" && !denied(err, tt.deny):
				t.Fatalf("want denied with %s, got %v", tt.deny, err)
			}
			if err == nil {
				_ = c.res(secGVR, tt.obj.GetNamespace()).Delete(ctx, tt.obj.GetName(), metav1.DeleteOptions{})
			}
		})
	}
}

// trustNewServingCert writes a new serving certificate for the webhook and
// makes the API server trust it: a test that ran before may have replaced
// the one envtest made (the certificate reload check does).
func trustNewServingCert(t *testing.T, e *envtest.Environment, c *apiClient) {
	t.Helper()
	wo := e.WebhookInstallOptions
	der, err := testenv.WriteServingCert(wo.LocalServingCertDir, wo.LocalServingHost)
	if err != nil {
		t.Fatal(err)
	}
	bundle := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	vwcGVR := schema.GroupVersionResource{Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"}
	ctx := context.Background()
	vwc, err := c.res(vwcGVR, "").Get(ctx, "meshcheck", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hooks, _, _ := unstructured.NestedSlice(vwc.Object, "webhooks")
	for _, h := range hooks {
		if err := unstructured.SetNestedField(h.(map[string]any), bundle, "clientConfig", "caBundle"); err != nil {
			t.Fatal(err)
		}
	}
	if err := unstructured.SetNestedSlice(vwc.Object, hooks, "webhooks"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.res(vwcGVR, "").Update(ctx, vwc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
