package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/webhook"
)

// serveOptions are serve's flags.
type serveOptions struct {
	kubeconfig   string
	context      string
	clusterName  string
	namespace    string
	exclude      []string
	configFile   string
	noConfig     bool
	policies     []string
	certDir      string
	host         string
	port         int
	metricsAddr  string
	probeAddr    string
	logVerbosity int
	peers        []string
	peersFromRS  bool
	// report writes the cluster's findings as PolicyReports (one replica,
	// elected through a Lease in namespace), rewritten every reportInterval.
	report         bool
	reportInterval time.Duration
}

func defaultServeOptions() serveOptions {
	ns := os.Getenv("POD_NAMESPACE")
	if ns == "" {
		ns = "meshcheck-system"
	}
	return serveOptions{
		namespace: ns, clusterName: "cluster", certDir: "/tmp/k8s-webhook-server/serving-certs",
		port: 9443, metricsAddr: ":8080", probeAddr: ":8081",
		reportInterval: 10 * time.Minute,
	}
}

func (o *serveOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.kubeconfig, "kubeconfig", o.kubeconfig, "kubeconfig file (default: in-cluster, or $KUBECONFIG / ~/.kube/config)")
	fs.StringVar(&o.context, "context", o.context, "kubeconfig context")
	fs.StringVar(&o.clusterName, "cluster-name", o.clusterName, "meshcheck's name for this cluster in findings")
	fs.StringVar(&o.namespace, "namespace", o.namespace, "the webhook's own namespace, never evaluated (default: $POD_NAMESPACE or meshcheck-system)")
	fs.StringArrayVar(&o.exclude, "exclude-namespace", o.exclude, "another namespace never evaluated (repeatable; kube-system always is)")
	fs.StringVar(&o.configFile, "config", o.configFile, "configuration file: meshes, rule settings and enforcement, exemptions")
	fs.BoolVar(&o.noConfig, "no-config", o.noConfig, "do not read "+config.FileName)
	fs.StringArrayVar(&o.policies, "policy", o.policies, "directory of additional Rego rules (repeatable)")
	fs.StringVar(&o.certDir, "cert-dir", o.certDir, "directory holding tls.crt and tls.key (reloaded when they change)")
	fs.StringVar(&o.host, "host", o.host, "address the webhook server listens on (default: all)")
	fs.IntVar(&o.port, "port", o.port, "port of the webhook server")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", o.metricsAddr, `Prometheus metrics address ("0" disables)`)
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", o.probeAddr, `/healthz and /readyz address ("0" disables)`)
	fs.StringArrayVar(&o.peers, "peer-kubeconfig", o.peers, "fleet-aware admission: read the peer cluster NAME through the current context of the kubeconfig PATH, as NAME=PATH (repeatable)")
	fs.BoolVar(&o.peersFromRS, "peers-from-remote-secrets", o.peersFromRS, "fleet-aware admission: read the peer clusters named by the Istio remote secrets of this cluster's istiod namespaces, followed as they are added, rotated or deleted")
	fs.BoolVar(&o.report, "report", o.report, "write the cluster's current findings as wgpolicyk8s.io PolicyReports and a ClusterPolicyReport (one replica writes, elected through a Lease in --namespace)")
	fs.DurationVar(&o.reportInterval, "report-interval", o.reportInterval, "with --report: rewrite every report at this interval, even unchanged (they are also rewritten when the cluster changes)")
	fs.IntVarP(&o.logVerbosity, "verbosity", "v", o.logVerbosity, "log verbosity (0: decisions and errors; 1: every request)")
}

// reportOptions are the in-cluster report's, nil without --report.
func (o *serveOptions) reportOptions() (*webhook.ReportOptions, error) {
	if !o.report {
		return nil, nil
	}
	if o.reportInterval <= 0 {
		return nil, fmt.Errorf("--report-interval %s: want a positive duration", o.reportInterval)
	}
	return &webhook.ReportOptions{Namespace: o.namespace, Interval: o.reportInterval}, nil
}

// deciderOptions turns flags and configuration into what the webhook decides with.
func (o *serveOptions) deciderOptions(cfg *config.Config) webhook.DeciderOptions {
	return webhook.DeciderOptions{
		Cluster:     o.clusterName,
		Review:      checks.ReviewOptionsFrom(cfg),
		Enforcement: webhook.Enforcements(cfg),
		Exclude:     append([]string{o.namespace, "kube-system"}, o.exclude...),
	}
}

func (o *serveOptions) restConfig() (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: o.context})
	c, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubernetes client configuration: %w", err)
	}
	return c, nil
}

func (o *serveOptions) run(ctx context.Context, args []string, stderr io.Writer) int {
	failed := func(err error) int {
		fmt.Fprintf(stderr, "meshcheck serve: %v\n", err)
		return exitError
	}
	if len(args) > 0 {
		return failed(fmt.Errorf("serve takes no arguments, got %q", args))
	}
	cfg, err := config.Resolve(o.configFile, o.noConfig)
	if err != nil {
		return failed(err)
	}
	report, err := o.reportOptions()
	if err != nil {
		return failed(err)
	}
	log := logr.FromSlogHandler(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.Level(-o.logVerbosity)}))
	ctrllog.SetLogger(log)
	rc, err := o.restConfig()
	if err != nil {
		return failed(err)
	}
	// Compiled before the server starts: readiness then waits only for the caches.
	engine, err := checks.New(ctx, checks.Options{PolicyDirs: o.policies})
	if err != nil {
		return failed(err)
	}
	reviewer, err := checks.NewReviewer(ctx, engine)
	if err != nil {
		return failed(err)
	}
	log.Info("policies compiled", "rules", len(engine.Rules()))
	peers, err := o.peerConfigs()
	if err != nil {
		return failed(err)
	}
	err = webhook.Run(ctx, webhook.ServerOptions{
		Config: rc, Reviewer: reviewer, Decider: o.deciderOptions(cfg), Peers: peers, RemoteSecretPeers: o.peersFromRS,
		CertDir: o.certDir, Host: o.host, Port: o.port,
		MetricsAddr: o.metricsAddr, ProbeAddr: o.probeAddr, Log: log, Report: report,
	})
	if err != nil {
		log.Error(err, "webhook server stopped")
		return exitError
	}
	return exitClean
}

// peerConfigs are the peers of --peer-kubeconfig (those of
// --peers-from-remote-secrets are followed by the server).
func (o *serveOptions) peerConfigs() (map[string]*rest.Config, error) {
	peers := map[string]*rest.Config{}
	for _, p := range o.peers {
		name, path, ok := strings.Cut(p, "=")
		if !ok || name == "" || path == "" {
			return nil, fmt.Errorf("--peer-kubeconfig %q: want NAME=PATH", p)
		}
		rc, err := clientcmd.BuildConfigFromFlags("", path)
		if err != nil {
			return nil, fmt.Errorf("--peer-kubeconfig %s: %w", name, err)
		}
		peers[name] = rc
	}
	return peers, nil
}
