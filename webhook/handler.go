package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks"
)

// StateSource gives the cluster's current state; the informer store in
// production, a fixed state in tests.
type StateSource interface {
	State() *State
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
	log := h.Log.WithValues("uid", ar.UID, "kind", ar.Kind.Kind, "namespace", ar.Namespace, "name", ar.Name, "operation", ar.Operation)
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
		log.V(1).Info("malformed admission request", "error", err.Error())
		return admission.Errored(http.StatusBadRequest, err)
	}
	st := h.States.State()
	if st == nil {
		outcome = "not-synced"
		return admission.Errored(http.StatusServiceUnavailable, fmt.Errorf("meshcheck: cache not synced yet"))
	}
	d, err := h.Decider.Decide(ctx, st, req)
	if errors.Is(err, ErrOverloaded) {
		outcome = "overloaded"
		return admission.Errored(http.StatusTooManyRequests, err)
	}
	if err != nil && ctx.Err() != nil {
		// The API server gave up (its timeout): not the engine's failure.
		outcome = "canceled"
		log.V(1).Info("request ended before its decision", "error", err.Error())
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
			log.Info("request introduces a finding", "rule", f.Rule, "enforcement", g.e, "object", f.Object.String(), "message", f.Message, "dryRun", req.DryRun)
		}
	}
}
