package webhook

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
)

func TestMetrics(t *testing.T) {
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	h := newHandler(t, checkstest.Reviewer(t), base, DeciderOptions{})
	reg := prometheus.NewRegistry()
	h.Metrics = NewMetrics(reg)
	for _, r := range []admission.Request{
		review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns),             // deny
		review(admissionv1.Update, withLabel(ns, "team", "mesh"), ns),                   // allow, evaluated
		{AdmissionRequest: admissionv1.AdmissionRequest{Operation: admissionv1.Create}}, // malformed
	} {
		h.Handle(context.Background(), r)
	}
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				got[key] = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				got[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	want := map[string]float64{
		"meshcheck_webhook_requests_total decision=deny outcome=evaluated":  1,
		"meshcheck_webhook_requests_total decision=allow outcome=evaluated": 1,
		"meshcheck_webhook_requests_total decision=error outcome=malformed": 1,
		"meshcheck_webhook_findings_total enforcement=deny rule=NW001":      1,
		"meshcheck_webhook_decision_duration_seconds decision=allow":        1,
		"meshcheck_webhook_decision_duration_seconds decision=deny":         1,
		"meshcheck_webhook_decision_duration_seconds decision=error":        1,
		"meshcheck_webhook_rules_evaluated":                                 2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
}

type dtoMetric = dto.Metric
