package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
)

// Path is where the API server sends admission reviews
// (deploy/base/validatingwebhookconfiguration.yaml).
const Path = "/validate"

// ServerOptions configure Run.
type ServerOptions struct {
	Config *rest.Config
	// Reviewer reviews the cluster's states and requests: a *checks.Reviewer.
	Reviewer Reviewer
	Decider  DeciderOptions
	// CertDir holds tls.crt and tls.key; they are reloaded when they change.
	CertDir     string
	Host        string
	Port        int
	MetricsAddr string // "0" disables the metrics endpoint
	ProbeAddr   string // "0" disables the probes
	Log         logr.Logger
	// Peers are the other clusters of the fleet, by name, read-only.
	Peers map[string]*rest.Config
	// RemoteSecretPeers adds the peers named by this cluster's remote
	// secrets, followed as they change (RemoteSecretPeers type).
	RemoteSecretPeers bool
	// Ready, when set, is closed once the caches have synced (tests).
	Ready chan<- struct{}
	// Report, when set, writes the cluster's findings as PolicyReports
	// from the replica that holds the Lease (clusterreview.go).
	Report *ReportOptions
}

var defaultMetrics = sync.OnceValue(func() *Metrics { return NewMetrics(metrics.Registry) })

// Run starts the manager: the caches, the webhook server (TLS 1.2 at
// least), metrics and probes. It blocks until ctx ends. The reviewer must
// already be compiled and prepared (checks.NewReviewer): readiness then
// only waits for the caches.
func Run(ctx context.Context, opt ServerOptions) error {
	if opt.Reviewer == nil {
		return errors.New("no reviewer")
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return fmt.Errorf("scheme: %w", err)
	}
	mgr, err := manager.New(opt.Config, manager.Options{
		Scheme:                 scheme,
		Logger:                 opt.Log,
		Metrics:                metricsserver.Options{BindAddress: opt.MetricsAddr},
		HealthProbeBindAddress: opt.ProbeAddr,
		WebhookServer: crwebhook.NewServer(crwebhook.Options{
			Host: opt.Host, Port: opt.Port, CertDir: opt.CertDir,
			TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
		}),
	})
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	opt.Decider.Lifetime = ctx
	d, err := NewDecider(opt.Reviewer, opt.Decider)
	if err != nil {
		return err
	}
	w, err := NewWatch(ctx, opt.Config, scheme, mgr.GetRESTMapper(), opt.Log, d.sels)
	if err != nil {
		return err
	}
	m := defaultMetrics()
	w.Store.onChange = func(n int) { m.Objects.Set(float64(n)) }
	w.Store.build = d.NewState
	for _, c := range w.Caches {
		if err := mgr.Add(c); err != nil {
			return fmt.Errorf("add cache: %w", err)
		}
	}
	var states StateSource = w.Store
	if len(opt.Peers) > 0 || opt.RemoteSecretPeers {
		fleet := &Fleet{Local: w.Store}
		// A peer's change is reviewed at once, in the background (Prepare
		// returns at once for a change of peers' objects).
		peerChanged := func() { d.Prepare(fleet.State()) }
		if opt.RemoteSecretPeers {
			fleet.Dynamic = NewRemoteSecretPeers(opt.Config, opt.Decider.Cluster, w.Store, slices.Collect(maps.Keys(opt.Peers)), scheme, d.sels, opt.Log, m)
			fleet.Dynamic.Build, fleet.Dynamic.OnChange = d.NewState, peerChanged
			if err := mgr.Add(fleet.Dynamic); err != nil {
				return fmt.Errorf("add remote-secret peers: %w", err)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(opt.Peers)) {
			p := NewPeer(name, opt.Peers[name], scheme, d.sels, opt.Log, m)
			p.Build, p.OnChange = d.NewState, peerChanged
			fleet.Peers = append(fleet.Peers, p)
			// Peers do not gate readiness: an unreachable one degrades admission.
			if err := mgr.Add(p); err != nil {
				return fmt.Errorf("add peer %s: %w", name, err)
			}
		}
		states = fleet
		// The fleet's state combines the local one and the peers': its
		// "before" review is computed once the local state is published,
		// and after each peer's change.
		w.Store.after = func(*State) { d.Prepare(fleet.State()) }
	} else {
		w.Store.prepare = d.Prepare
	}
	if opt.Report != nil {
		if err := addReporter(mgr, opt.Config, scheme, d, states, m, *opt.Report, opt.Log); err != nil {
			return err
		}
	}
	h := &Handler{Decider: d, States: states, Metrics: m, Log: opt.Log.WithName("admission")}
	mgr.GetWebhookServer().Register(Path, h.HTTP())
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("webhook", mgr.GetWebhookServer().StartedChecker()); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("caches", func(*http.Request) error {
		if !w.Synced() {
			return errors.New("caches not synced")
		}
		return nil
	}); err != nil {
		return err
	}
	go func() {
		for _, c := range w.Caches {
			if !c.WaitForCacheSync(ctx) {
				return
			}
		}
		opt.Log.Info("caches synced; ready", logObjects, w.Store.State().Len())
		if opt.Ready != nil {
			close(opt.Ready)
		}
	}()
	return mgr.Start(ctx)
}
