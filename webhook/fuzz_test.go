package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
)

// FuzzServeHTTP feeds random AdmissionReview bodies to the webhook's HTTP
// handler (Handler.HTTP): every body gets an AdmissionReview back, never a
// panic.
func FuzzServeHTTP(f *testing.F) {
	base := fixture(f)
	ns := find(f, base, "Namespace", "istio-system")
	gw := find(f, base, "Gateway", "cross-network-gateway")
	for _, r := range []admission.Request{
		review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns),
		review(admissionv1.Update, withTLSMode(f, gw, "ISTIO_MUTUAL"), gw),
		review(admissionv1.Delete, nil, gw),
	} {
		b, err := admissionReview(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Namespace","version":"v1"},"operation":"UPDATE","object":{"kind":"Namespace"}}}`))
	f.Add([]byte(`{"request":null}`))
	f.Add([]byte(`not json`))
	h := newHandler(f, checkstest.Reviewer(f), base, DeciderOptions{})
	srv := h.HTTP()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		// Every body gets an AdmissionReview back, about its request when
		// it named one: never a bare HTTP error the API server cannot read.
		var resp admissionv1.AdmissionReview
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Response == nil {
			t.Fatalf("status %d, body %q: not an admission review (%v)", w.Code, w.Body.String(), err)
		}
		var sent admissionv1.AdmissionReview
		if json.Unmarshal(body, &sent) == nil && sent.Request != nil && resp.Response.UID != sent.Request.UID {
			t.Fatalf("answered uid %q for request %q", resp.Response.UID, sent.Request.UID)
		}
	})
}

func admissionReview(r admission.Request) ([]byte, error) {
	ar := admissionv1.AdmissionReview{Request: &r.AdmissionRequest}
	ar.APIVersion, ar.Kind = "admission.k8s.io/v1", "AdmissionReview"
	return jsonMarshal(ar)
}
