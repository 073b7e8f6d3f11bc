package webhook

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the webhook's Prometheus metrics (controller-runtime adds its
// own controller_runtime_webhook_* request metrics beside them).
type Metrics struct {
	Requests *prometheus.CounterVec
	Findings *prometheus.CounterVec
	Latency  *prometheus.HistogramVec
	// Rules counts the rules re-evaluated per evaluated request: those
	// whose view of the model the request changes.
	Rules   prometheus.Histogram
	PeerUp  *prometheus.GaugeVec
	Objects prometheus.Gauge
	// Current holds the findings of the cluster's last report (rule,
	// severity), set by the replica that writes the report only.
	Current *prometheus.GaugeVec
}

// NewMetrics creates the metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meshcheck_webhook_requests_total",
			Help: "Admission requests by decision (allow, deny, error) and outcome (evaluated, excluded, not-watched, ignored).",
		}, []string{"decision", "outcome"}),
		Findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meshcheck_webhook_findings_total",
			Help: "Findings introduced by admission requests, by rule and enforcement (deny, warn, dryrun).",
		}, []string{"rule", "enforcement"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "meshcheck_webhook_decision_duration_seconds",
			Help:    "Time to decide an admission request, by decision.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"decision"}),
		Rules: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "meshcheck_webhook_rules_evaluated",
			Help:    "Rules re-evaluated per evaluated request: those whose view of the model the request changes.",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50},
		}),
		PeerUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "meshcheck_webhook_peer_up",
			Help: "1 when a peer cluster's cache is synced and reachable, 0 when admission degrades to cluster-only checks for it.",
		}, []string{"peer"}),
		Objects: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "meshcheck_webhook_cache_objects",
			Help: "Objects of this cluster in the webhook's cache.",
		}),
		Current: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "meshcheck_findings",
			Help: "Current findings of the cluster (and fleet findings involving it) by rule and severity, as in its last PolicyReports; set only by the replica that writes them, so a sum over replicas counts each once.",
		}, []string{"rule", "severity"}),
	}
	if reg != nil {
		reg.MustRegister(m.Requests, m.Findings, m.Latency, m.Rules, m.PeerUp, m.Objects, m.Current)
	}
	return m
}
