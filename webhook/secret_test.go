package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
)

// A token planted in remote secrets must appear in no response, warning or
// log line, whatever the request (decided, malformed, or failing).
func TestSecretNeverLeaks(t *testing.T) {
	const token = "PLANTED-SECRET-TOKEN"
	base := fixture(t)
	own := remoteSecret(t, "istio-remote-secret-east", "east", "https://east.example.com")
	west := remoteSecret(t, "istio-remote-secret-west", "west", "https://west.example.com")
	asLive(own)
	asLive(west)
	encoded := west.Object["data"].(map[string]any)["west"].(string)
	noKind := review(admissionv1.Create, west, nil)
	raw, _ := json.Marshal(map[string]any{"metadata": map[string]any{"name": "x"}, "data": west.Object["data"], "note": token})
	noKind.Object = runtime.RawExtension{Raw: raw}
	badJSON := review(admissionv1.Create, west, nil)
	badJSON.Object = runtime.RawExtension{Raw: append([]byte(`{"kind":"Secret","apiVersion":"v1","data":{"k":"`+token+`"}`), ',')}
	requests := []admission.Request{
		review(admissionv1.Create, own, nil),
		review(admissionv1.Create, west, nil),
		review(admissionv1.Update, own, west),
		review(admissionv1.Delete, nil, own),
		noKind,
		badJSON,
	}
	for _, eng := range []Reviewer{checkstest.Reviewer(t), failingEngine{}} {
		var logs bytes.Buffer
		h := newHandler(t, eng, append(base, west), DeciderOptions{Enforcement: map[string]Enforcement{"CL005": Deny}})
		h.Log = funcr.New(func(prefix, args string) { logs.WriteString(prefix + args + "\n") }, funcr.Options{Verbosity: 10})
		for i, r := range requests {
			resp := h.Handle(context.Background(), r)
			out, _ := json.Marshal(resp)
			if strings.Contains(string(out), token) || strings.Contains(string(out), encoded) {
				t.Errorf("request %d: response holds the token: %s", i, out)
			}
		}
		if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), encoded) {
			t.Errorf("logs hold the token:\n%s", logs.String())
		}
		if logs.Len() == 0 {
			t.Error("nothing logged; the test would not see a leak")
		}
	}
}
