package webhook

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	for _, full := range []*unstructured.Unstructured{ca, rs} {
		t.Run(full.GetName(), func(t *testing.T) {
			asLive(full)
			reduced := full.DeepCopy()
			if _, err := Transform(reduced); err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(reduced.Object)
			for _, leak := range []string{"PLANTED-SECRET-TOKEN", "PRIVATE KEY", lastApplied} {
				if strings.Contains(string(raw), leak) {
					t.Errorf("reduced secret still holds %q", leak)
				}
			}
			if v, ok, _ := unstructured.NestedString(reduced.Object, "data", "ca-key.pem"); ok && v != "" {
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

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
