package webhook

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// The reduced secrets must give the model the same facts as the full ones,
// and hold no credential or key.
func TestReduceKeepsFacts(t *testing.T) {
	b, err := os.ReadFile("../examples/fleet/us-east/cacerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ca := objects(t, string(b))[0]
	rs := remoteSecret(t, "istio-remote-secret-west", "west", "https://west.example.com:6443")
	rs.SetAnnotations(map[string]string{lastApplied: `{"stringData":{"west":"token: PLANTED-SECRET-TOKEN"}}`, "networking.istio.io/cluster": "west"})
	// A key pasted after the chain, in a key the model reads certificates from.
	asLive(ca)
	data := ca.Object["data"].(map[string]any)
	chain, _ := base64.StdEncoding.DecodeString(data["cert-chain.pem"].(string))
	data["cert-chain.pem"] = b64(string(chain) + "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n")
	for _, full := range []*unstructured.Unstructured{ca, rs} {
		t.Run(full.GetName(), func(t *testing.T) {
			asLive(full)
			reduced := full.DeepCopy()
			if _, err := Transform(reduced); err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(reduced.Object)
			text := string(raw)
			data, _ := reduced.Object["data"].(map[string]any)
			for _, v := range data {
				b, _ := base64.StdEncoding.DecodeString(v.(string))
				text += string(b)
			}
			for _, leak := range []string{"PLANTED-SECRET-TOKEN", "PRIVATE KEY", lastApplied} {
				if strings.Contains(text, leak) {
					t.Errorf("reduced secret still holds %q", leak)
				}
			}
			if v, ok, _ := unstructured.NestedString(reduced.Object, "data", "ca-key.pem"); ok && v != b64(model.Redacted) {
				t.Error("reduced cacerts still holds ca-key.pem")
			}
			if diff := cmp.Diff(facts(t, full), facts(t, reduced)); diff != "" {
				t.Errorf("facts differ (-full +reduced):\n%s", diff)
			}
		})
	}
}

// asLive turns stringData into data, as the API server stores secrets.
func asLive(u *unstructured.Unstructured) {
	if sd, ok := u.Object["stringData"].(map[string]any); ok {
		d := map[string]any{}
		for k, v := range sd {
			d[k] = b64(v.(string))
		}
		u.Object["data"] = d
		delete(u.Object, "stringData")
	}
}

func facts(t *testing.T, u *unstructured.Unstructured) any {
	t.Helper()
	f, errs := model.Build([]model.ClusterInput{{Name: "c", Objects: []*source.Object{{Data: u.Object}}}}, model.Options{})
	if len(errs) > 0 {
		t.Fatalf("model errors: %v", errs)
	}
	c := f.Clusters["c"]
	return map[string]any{"remote": c.RemoteSecrets, "ca": c.CASecrets}
}

// lastApplied is kubectl's copy of the applied object.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// reduced copies only what Reduce writes to: the request's object stays as
// it came, and the copy is reduced as the cache reduces.
func TestReducedLeavesTheRequestsObjectAlone(t *testing.T) {
	rs := remoteSecret(t, "istio-remote-secret-west", "west", "https://west.example.com:6443")
	rs.SetAnnotations(map[string]string{lastApplied: `{"kind":"Secret"}`, "networking.istio.io/cluster": "west"})
	rs.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "kubectl"}})
	asLive(rs)
	rs.Object["stringData"] = map[string]any{"east": "not a kubeconfig"}
	before := rs.DeepCopy()
	got := reduced(rs)
	if diff := cmp.Diff(before.Object, rs.Object); diff != "" {
		t.Errorf("reduced changed its argument (-before +after):\n%s", diff)
	}
	want := rs.DeepCopy()
	Reduce(want)
	if diff := cmp.Diff(want.Object, got.Object); diff != "" {
		t.Errorf("reduced differs from Reduce (-Reduce +reduced):\n%s", diff)
	}
	if _, ok := got.GetAnnotations()[lastApplied]; ok || got.GetManagedFields() != nil || got.Object["stringData"] != nil {
		t.Errorf("not reduced: %v", got.Object)
	}
}
