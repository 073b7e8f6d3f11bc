package webhook

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/testenv"
)

// The envtest API server is started once, by the first test that needs
// it, and stopped after all tests (after the webhook server).
var (
	envOnce sync.Once
	env     *envtest.Environment
	envErr  error
	// stopServer stops the webhook server started on env, if any.
	stopServer func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if stopServer != nil {
		stopServer() // before env.Stop, which removes the certificate directory
	}
	if env != nil {
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop envtest:", err)
		}
	}
	os.Exit(code)
}

// apiServer returns the shared envtest environment, with the Gateway CRD
// and the real ValidatingWebhookConfiguration of deploy/base installed.
func apiServer(t *testing.T) *envtest.Environment {
	t.Helper()
	dir := testenv.MustAssets(t)
	envOnce.Do(func() {
		e := &envtest.Environment{
			BinaryAssetsDirectory: dir,
			CRDInstallOptions:     envtest.CRDInstallOptions{Paths: []string{"testdata/crds"}, ErrorIfPathMissing: true},
			WebhookInstallOptions: envtest.WebhookInstallOptions{
				Paths: []string{"../deploy/base/validatingwebhookconfiguration.yaml"}, IgnoreErrorIfPathMissing: false,
			},
		}
		if _, envErr = e.Start(); envErr == nil {
			env = e
		}
	})
	if envErr != nil {
		t.Fatalf("start envtest: %v", envErr)
	}
	return env
}

// startServer runs the webhook on envtest's serving address until the
// test binary ends (or stop is called), and waits until its caches synced.
func startServer(t *testing.T, e *envtest.Environment, opt DeciderOptions) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	wo := e.WebhookInstallOptions
	eng := checkstest.Reviewer(t)
	go func() {
		done <- Run(ctx, ServerOptions{
			Config: e.Config, Reviewer: eng, Decider: opt,
			CertDir: wo.LocalServingCertDir, Host: wo.LocalServingHost, Port: wo.LocalServingPort,
			MetricsAddr: "0", ProbeAddr: "0", Log: logr.Discard(), Ready: ready,
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("webhook server stopped before it was ready: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				fmt.Fprintln(os.Stderr, "webhook server:", err)
			}
		})
	}
	stopServer = stop
	return stop
}
