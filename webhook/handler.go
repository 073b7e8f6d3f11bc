package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks"
)

// StateSource gives the cluster's current state; the informer store in
// production, a fixed state in tests.
type StateSource interface {
	State() *State
}

// stateWaiter is a StateSource that can say when the state of the cache
// as it is now will be ready (*Store builds it on the informer side).
type stateWaiter interface {
	StateContext(ctx context.Context) (*State, error)
}

// state is the current state, waiting until ctx ends for the one of the
// cache as it is now when it is being built.
func (h *Handler) state(ctx context.Context) (*State, error) {
	if w, ok := h.States.(stateWaiter); ok {
		return w.StateContext(ctx)
	}
	return h.States.State(), nil
}

// Handler is the admission.Handler of the validating webhook.
type Handler struct {
	Decider *Decider
	States  StateSource
	Metrics *Metrics
	Log     logr.Logger
}

var _ admission.Handler = (*Handler)(nil)

// Handle decides one request. Malformed requests and engine failures get an
// errored response (the webhook's failurePolicy decides), never a panic.
func (h *Handler) Handle(ctx context.Context, ar admission.Request) (resp admission.Response) {
	start := time.Now()
	outcome := Outcome("malformed")
	log := h.Log.WithValues(logUID, ar.UID, logKind, ar.Kind.Kind, logNamespace, ar.Namespace, logName, ar.Name, logOperation, ar.Operation)
	defer func() {
		if r := recover(); r != nil {
			log.Error(fmt.Errorf("%v", r), "panic while deciding; answering with an error")
			resp = admission.Errored(http.StatusInternalServerError, fmt.Errorf("meshcheck: internal error"))
		}
		decision := "allow"
		switch {
		case resp.Result != nil && resp.Result.Code != http.StatusForbidden && !resp.Allowed:
			decision = "error" // admission.Errored: the failure policy decides
		case !resp.Allowed:
			decision = "deny"
		}
		if h.Metrics != nil {
			h.Metrics.Requests.WithLabelValues(decision, string(outcome)).Inc()
			h.Metrics.Latency.WithLabelValues(decision).Observe(time.Since(start).Seconds())
		}
	}()
	req, err := RequestFrom(ar.AdmissionRequest)
	if err != nil {
		log.V(1).Info("malformed admission request", logError, err.Error())
		return admission.Errored(http.StatusBadRequest, err)
	}
	// Everything below, waits included, ends at the deadline: an answer
	// after the API server's timeout would be ignored, and the request
	// admitted or refused by the failure policy anyway.
	ctx, cancel := context.WithDeadlineCause(ctx, start.Add(h.Decider.opt.budget(apiTimeoutOf(ctx))), ErrOverloaded)
	defer cancel()
	st, err := h.state(ctx)
	if err == nil && st == nil {
		outcome = "not-synced"
		return admission.Errored(http.StatusServiceUnavailable, fmt.Errorf("meshcheck: cache not synced yet"))
	}
	var d Decision
	if err == nil {
		d, err = h.Decider.Decide(ctx, st, req)
	}
	if errors.Is(err, ErrOverloaded) {
		outcome = "overloaded"
		return admission.Errored(http.StatusTooManyRequests, ErrOverloaded)
	}
	if err != nil && ctx.Err() != nil {
		// The API server gave up (its timeout): not the engine's failure.
		outcome = "canceled"
		log.V(1).Info("request ended before its decision", logError, err.Error())
		return admission.Errored(http.StatusGatewayTimeout, err)
	}
	if err != nil {
		outcome = "engine-error"
		log.Error(err, "evaluation failed")
		return admission.Errored(http.StatusInternalServerError, err)
	}
	outcome = d.Outcome
	if h.Metrics != nil && d.Outcome == Evaluated {
		h.Metrics.Rules.Observe(float64(d.Rules))
	}
	h.record(log, d, req)
	if !d.Allowed {
		resp = admission.Denied(d.Message)
	} else {
		resp = admission.Allowed("")
	}
	return resp.WithWarnings(d.Warnings...)
}

// record logs and counts the introduced findings: codes, objects and
// messages only (messages never carry secret data: the model has none).
func (h *Handler) record(log logr.Logger, d Decision, req Request) {
	for _, g := range []struct {
		e  Enforcement
		fs []checks.Finding
	}{{Deny, d.Denied}, {Warn, d.Warned}, {DryRun, d.Recorded}} {
		for _, f := range g.fs {
			if h.Metrics != nil {
				h.Metrics.Findings.WithLabelValues(f.Rule, string(g.e)).Inc()
			}
			log.Info("request introduces a finding", logRule, f.Rule, logEnforcement, g.e, logObject, f.Object.String(), logMessage, f.Message, logDryRun, req.DryRun)
		}
	}
}

// maxBodyBytes is the largest request body read, controller-runtime's
// limit: an AdmissionReview holds at most two objects of 3 MiB each.
const maxBodyBytes = 7 << 20

// drainBytes bounds how much of a body over maxBodyBytes is read and
// discarded before answering: a client still sending its body gets the
// answer instead of a reset connection. Past it, the connection is closed.
const drainBytes = 16 << 20

type apiTimeoutKey struct{}

// apiTimeoutOf is the API server's timeout for the request in ctx (the
// timeout parameter of the request's URL), or 0.
func apiTimeoutOf(ctx context.Context) time.Duration {
	d, _ := ctx.Value(apiTimeoutKey{}).(time.Duration)
	return d
}

// HTTP returns the webhook's HTTP handler: it reads the AdmissionReview
// (bounded, as controller-runtime's), takes the API server's timeout from
// the URL, and answers with h. What is not an AdmissionReview (a body too
// large, not JSON, no request) is answered 413 or 400 with an
// AdmissionReview saying why, counted (outcome too-large or malformed) and
// logged at debug level only: anyone who reaches the port can send it.
// An errored answer (overloaded, not synced, engine failure) is sent with
// its HTTP status, not 200: the API server then treats it as a failed call
// and applies the webhook's failure policy, where an AdmissionReview with
// allowed false would refuse the request whatever the policy.
func (h *Handler) HTTP() http.Handler {
	return &httpHandler{h: h, hook: &admission.Webhook{Handler: h, RecoverPanic: ptr.To(true)}}
}

type httpHandler struct {
	h    *Handler
	hook *admission.Webhook
}

func (x *httpHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if t, err := time.ParseDuration(r.URL.Query().Get("timeout")); err == nil && t > 0 {
		ctx = context.WithValue(ctx, apiTimeoutKey{}, t)
	}
	if r.ContentLength > maxBodyBytes {
		x.refuse(w, r, "too-large", http.StatusRequestEntityTooLarge, fmt.Errorf("request body of %d bytes, more than %d", r.ContentLength, maxBodyBytes))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	switch {
	case err != nil:
		x.refuse(w, r, "malformed", http.StatusBadRequest, fmt.Errorf("read the request body: %w", err))
		return
	case len(body) > maxBodyBytes:
		x.refuse(w, r, "too-large", http.StatusRequestEntityTooLarge, fmt.Errorf("request body larger than %d bytes", maxBodyBytes))
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		x.refuse(w, r, "malformed", http.StatusBadRequest, fmt.Errorf("content type %q, want application/json", r.Header.Get("Content-Type")))
		return
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &ar); err != nil || ar.Request == nil {
		x.refuse(w, r, "malformed", http.StatusBadRequest, errors.New("the body is not an AdmissionReview with a request"))
		return
	}
	resp := x.hook.Handle(ctx, admission.Request{AdmissionRequest: *ar.Request})
	code := http.StatusOK
	if !resp.Allowed && resp.Result != nil && resp.Result.Code != http.StatusForbidden && resp.Result.Code >= 400 {
		code = int(resp.Result.Code)
	}
	write(w, ar.TypeMeta, code, resp.AdmissionResponse)
}

// refuse answers a body that is not an AdmissionReview.
func (x *httpHandler) refuse(w http.ResponseWriter, r *http.Request, outcome string, code int, err error) {
	if x.h.Metrics != nil {
		x.h.Metrics.Requests.WithLabelValues("error", outcome).Inc()
	}
	x.h.Log.V(1).Info("request body refused", logOutcome, outcome, logError, err.Error(), logRemote, r.RemoteAddr)
	if code == http.StatusRequestEntityTooLarge {
		// Read what the client is still sending, up to a bound, so that it
		// reads the answer; a larger body costs the connection.
		if n, _ := io.CopyN(io.Discard, r.Body, drainBytes); n == drainBytes {
			w.Header().Set("Connection", "close")
		}
	}
	resp := admission.Errored(int32(code), fmt.Errorf("meshcheck: %w", err))
	write(w, metav1.TypeMeta{}, code, resp.AdmissionResponse)
}

// write sends an AdmissionReview holding resp with the HTTP status code.
func write(w http.ResponseWriter, tm metav1.TypeMeta, code int, resp admissionv1.AdmissionResponse) {
	if tm.APIVersion == "" || tm.Kind == "" {
		tm = metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"}
	}
	b, err := json.Marshal(admissionv1.AdmissionReview{TypeMeta: tm, Response: &resp})
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"allowed":false,"status":{"code":500,"message":"meshcheck: cannot encode the answer"}}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}
