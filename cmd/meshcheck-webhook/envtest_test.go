package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/internal/testenv"
)

// syncBuffer is a bytes.Buffer safe for the server's log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const plantedServeToken = "PLANTED-SERVE-TOKEN-51f3"

// The webhook binary becomes ready against a real API server
// and stops cleanly (exit 0) when its context ends.
func TestServeAgainstAPIServer(t *testing.T) {
	env := &envtest.Environment{BinaryAssetsDirectory: testenv.MustAssets(t)}
	if _, err := env.Start(); err != nil {
		t.Fatalf("start envtest: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() }) // runs after the server stopped (below)
	user, err := env.AddUser(envtest.User{Name: "meshcheck", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	// A remote secret with a planted token is in the cache from the start:
	// it must reach no log line, at the highest verbosity.
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "istio-system"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "istio-remote-secret-west", Namespace: "istio-system", Labels: map[string]string{"istio/multiCluster": "true"}},
		StringData: map[string]string{"west": "apiVersion: v1\nkind: Config\ncurrent-context: west\ncontexts:\n- name: west\n  context: {cluster: west, user: west}\nclusters:\n- name: west\n  cluster: {server: https://west.example.com}\nusers:\n- name: west\n  user: {token: " + plantedServeToken + "}\n"},
	}
	if _, err := cs.CoreV1().Secrets("istio-system").Create(context.Background(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	probes := testenv.FreeAddr(t)
	_, port, _ := net.SplitHostPort(testenv.FreeAddr(t))
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--no-config", "--kubeconfig", kubeconfig, "--cluster-name", "east",
			"--cert-dir", env.WebhookInstallOptions.LocalServingCertDir, "--host", "127.0.0.1", "--port", port,
			"--metrics-bind-address", "0", "--health-probe-bind-address", probes, "-v", "10"}, &bytes.Buffer{}, &stderr)
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			cancel()
			<-done
		}
	})
	err = wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve exited %d before it was ready:\n%s", code, stderr.String())
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+probes+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK && strings.Contains(stderr.String(), "caches synced"), nil
	})
	if err != nil {
		t.Fatalf("serve never became ready: %v\n%s", err, stderr.String())
	}
	cancel()
	code := <-done
	stopped = true
	if code != exitClean {
		t.Errorf("exit %d after its context ended, want %d:\n%s", code, exitClean, stderr.String())
	}
	if strings.Contains(stderr.String(), plantedServeToken) {
		t.Errorf("the planted token reached the logs")
	}
	for _, want := range []string{`"msg":"policies compiled"`, `"msg":"caches synced; ready"`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, stderr.String())
		}
	}
}
