package webhook

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-logr/logr"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/testenv"
)

func get(ctx context.Context, url string) (int, string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The server reports ready once its caches synced, and serves its metrics.
func TestServerProbesAndMetrics(t *testing.T) {
	e := apiServer(t)
	probes, metricsAddr := testenv.FreeAddr(t), testenv.FreeAddr(t)
	port, _ := strconv.Atoi(strings.Split(testenv.FreeAddr(t), ":")[1])
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	eng := checkstest.Reviewer(t)
	go func() {
		done <- Run(ctx, ServerOptions{
			Config: e.Config, Reviewer: eng, Decider: DeciderOptions{Cluster: "east"},
			CertDir: e.WebhookInstallOptions.LocalServingCertDir, Host: "127.0.0.1", Port: port,
			MetricsAddr: metricsAddr, ProbeAddr: probes, Log: logr.Discard(),
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	}()
	eventually(t, "/readyz to succeed", func(ctx context.Context) bool {
		code, _ := get(ctx, "http://"+probes+"/readyz")
		return code == http.StatusOK
	})
	if code, body := get(ctx, "http://"+probes+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d %s", code, body)
	}
	_, body := get(ctx, "http://"+metricsAddr+"/metrics")
	for _, m := range []string{"meshcheck_webhook_cache_objects", "controller_runtime_webhook"} {
		if !strings.Contains(body, m) {
			t.Errorf("/metrics has no %s", m)
		}
	}
}
