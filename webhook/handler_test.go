package webhook

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
)

func TestHandle(t *testing.T) {
	eng := checkstest.Reviewer(t)
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	gw := find(t, base, "Gateway", "cross-network-gateway")
	broken := append([]*unstructured.Unstructured{withLabel(ns, netLabel, "network2")}, base[1:]...)
	sidecar := sidecarMode(t, base)
	cm := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config, namespace: default}\ndata: {a: b}")[0]
	ownSecret := remoteSecret(t, "istio-remote-secret-east", "east", "https://east.example.com:6443")
	excludedGW := withTLSMode(t, gw, "ISTIO_MUTUAL")
	excludedGW.SetNamespace("meshcheck-system")
	dry := review(admissionv1.Create, withTLSMode(t, gw, "SIMPLE"), nil)
	dry.DryRun = ptr.To(true)

	tests := []struct {
		name    string
		state   []*unstructured.Unstructured
		opt     DeciderOptions
		req     admission.Request
		allowed bool
		code    int32    // expected result code, 0 to ignore
		message []string // substrings of the result message
		warn    []string // substrings of the warnings, in order
	}{
		{
			name: "label contradicting the installed network is denied",
			req:  review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns),
			code: http.StatusForbidden,
			message: []string{"NW001", `topology.istio.io/network="network2"`, `network "network1"`,
				"Fix: ", "kubectl label namespace istio-system topology.istio.io/network=network1", "ignore-check.meshcheck.io/"},
		},
		{
			// In sidecar mode the injector labels pods with the installed
			// network; only pods without a sidecar follow the namespace.
			name:    "the same label in sidecar mode is admitted with a warning",
			state:   sidecar,
			req:     review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns),
			allowed: true,
			warn:    []string{"NW001: namespace istio-system is labelled"},
		},
		{
			name:    "consistent label is allowed",
			req:     review(admissionv1.Update, withLabel(ns, "team", "mesh"), ns),
			allowed: true,
		},
		{
			name:    "already broken cluster, change that does not make it worse",
			state:   broken,
			req:     review(admissionv1.Update, withLabel(ns, netLabel, "network3"), broken[0]),
			allowed: true,
		},
		{
			name:    "already broken cluster, unrelated change",
			state:   broken,
			req:     review(admissionv1.Update, withAnnotation(gw, "owner", "netops"), gw),
			allowed: true,
		},
		{
			name:    "reasoned exemption annotation",
			req:     review(admissionv1.Update, withAnnotation(withLabel(ns, netLabel, "network2"), "ignore-check.meshcheck.io/NW001", "migrating to network2 this week"), ns),
			allowed: true,
		},
		{
			name:    "gateway terminating TLS on 15443 is denied",
			req:     review(admissionv1.Update, withTLSMode(t, gw, "ISTIO_MUTUAL"), gw),
			code:    http.StatusForbidden,
			message: []string{"NW008", "cross-network-gateway", "AUTO_PASSTHROUGH"},
		},
		{
			name:    "dry-run requests are decided too",
			state:   base[:2],
			req:     dry,
			code:    http.StatusForbidden,
			message: []string{"NW008"},
		},
		{
			name:    "excluded namespace is never evaluated",
			req:     review(admissionv1.Create, excludedGW, nil),
			allowed: true,
		},
		{
			name:    "warning-severity finding is allowed with a warning",
			req:     review(admissionv1.Create, ownSecret, nil),
			allowed: true,
			warn:    []string{"CL005: east's remote secret istio-remote-secret-east"},
		},
		{
			name:    "per-rule enforcement deny",
			opt:     DeciderOptions{Enforcement: map[string]Enforcement{"CL005": Deny}},
			req:     review(admissionv1.Create, ownSecret, nil),
			code:    http.StatusForbidden,
			message: []string{"CL005"},
		},
		{
			name:    "per-rule enforcement dryrun",
			opt:     DeciderOptions{Enforcement: map[string]Enforcement{"NW008": DryRun}},
			req:     review(admissionv1.Update, withTLSMode(t, gw, "ISTIO_MUTUAL"), gw),
			allowed: true,
		},
		{
			name:    "per-rule enforcement warn",
			opt:     DeciderOptions{Enforcement: map[string]Enforcement{"NW008": Warn}},
			req:     review(admissionv1.Update, withTLSMode(t, gw, "ISTIO_MUTUAL"), gw),
			allowed: true,
			warn:    []string{"NW008: Gateway istio-system/cross-network-gateway"},
		},
		{
			name:    "object the model does not read",
			req:     review(admissionv1.Create, cm, nil),
			allowed: true,
		},
		{
			name:    "delete of a watched object",
			req:     review(admissionv1.Delete, nil, ns),
			allowed: true,
		},
		{
			name:    "connect",
			req:     admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{Operation: admissionv1.Connect, Kind: review(admissionv1.Create, cm, nil).Kind}},
			allowed: true,
		},
		{
			name:    "request without kind",
			req:     admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{Operation: admissionv1.Create}},
			code:    http.StatusBadRequest,
			message: []string{"no kind"},
		},
		{
			name:    "update without old object",
			req:     review(admissionv1.Update, ns, nil),
			code:    http.StatusBadRequest,
			message: []string{"oldObject"},
		},
		{
			name: "object that is not JSON",
			req: func() admission.Request {
				r := review(admissionv1.Create, ns, nil)
				r.Object = runtime.RawExtension{Raw: []byte(`{"kind": `)}
				return r
			}(),
			code:    http.StatusBadRequest,
			message: []string{"decode object: not valid JSON"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := tt.state
			if state == nil {
				state = base
			}
			h := newHandler(t, eng, state, tt.opt)
			resp := h.Handle(context.Background(), tt.req)
			if resp.Allowed != tt.allowed {
				t.Errorf("allowed = %v, want %v (result %+v)", resp.Allowed, tt.allowed, resp.Result)
			}
			var msg string
			var code int32
			if resp.Result != nil {
				msg, code = resp.Result.Message, resp.Result.Code
			}
			if tt.code != 0 && code != tt.code {
				t.Errorf("code = %d, want %d (%s)", code, tt.code, msg)
			}
			for _, s := range tt.message {
				if !strings.Contains(msg, s) {
					t.Errorf("message does not contain %q:\n%s", s, msg)
				}
			}
			if len(resp.Warnings) != len(tt.warn) {
				t.Fatalf("warnings = %q, want %d", resp.Warnings, len(tt.warn))
			}
			for i, w := range tt.warn {
				if !strings.HasPrefix(resp.Warnings[i], w) {
					t.Errorf("warning %d = %q, want prefix %q", i, resp.Warnings[i], w)
				}
			}
			if strings.Contains(msg+strings.Join(resp.Warnings, ""), "PLANTED-SECRET-TOKEN") {
				t.Error("response leaks the secret's token")
			}
		})
	}
}

func TestHandleEngineError(t *testing.T) {
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	h := newHandler(t, failingEngine{}, base, DeciderOptions{})
	resp := h.Handle(context.Background(), review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns))
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusInternalServerError {
		t.Fatalf("want an errored response, got %+v", resp)
	}
	if !strings.Contains(resp.Result.Message, "engine exploded") {
		t.Errorf("message %q does not say why", resp.Result.Message)
	}
}

// With every evaluation slot busy past MaxWait, a request is answered with
// an error at once (the failure policy decides) instead of queueing.
func TestHandleOverloaded(t *testing.T) {
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	h := newHandler(t, checkstest.Reviewer(t), base, DeciderOptions{MaxWait: time.Millisecond})
	for range cap(h.Decider.slots) {
		h.Decider.slots <- struct{}{}
	}
	resp := h.Handle(context.Background(), review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns))
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusTooManyRequests {
		t.Fatalf("want an overloaded error, got %+v", resp.Result)
	}
	// Requests that need no evaluation are still answered.
	if resp := h.Handle(context.Background(), review(admissionv1.Update, withLabel(ns, netLabel, "network1"), ns)); !resp.Allowed {
		t.Fatalf("unchanged request: %+v", resp.Result)
	}
}

// A request the API server gave up on while it waited for a CPU is counted
// as canceled, not as an engine failure.
func TestHandleCanceled(t *testing.T) {
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	h := newHandler(t, checkstest.Reviewer(t), base, DeciderOptions{MaxWait: time.Minute})
	for range cap(h.Decider.slots) {
		h.Decider.slots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	resp := h.Handle(ctx, review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns))
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusGatewayTimeout {
		t.Fatalf("want a timeout, got %+v", resp.Result)
	}
	var m dtoMetric
	if err := h.Metrics.Requests.WithLabelValues("error", "canceled").Write(&m); err != nil || m.GetCounter().GetValue() != 1 {
		t.Errorf("requests{outcome=canceled} = %v, want 1", m.GetCounter().GetValue())
	}
}

// sidecarMode is the fixture with its IstioOperator's ambient profile
// removed: the default (sidecar) profile.
func sidecarMode(t *testing.T, objs []*unstructured.Unstructured) []*unstructured.Unstructured {
	t.Helper()
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o
		if o.GetKind() == "IstioOperator" {
			out[i] = o.DeepCopy()
			if p, _, _ := unstructured.NestedString(o.Object, "spec", "profile"); p != "ambient" {
				t.Fatalf("the fixture's IstioOperator has profile %q, want ambient", p)
			}
			unstructured.RemoveNestedField(out[i].Object, "spec", "profile")
		}
	}
	return out
}
