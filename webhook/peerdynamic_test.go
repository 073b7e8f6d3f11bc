package webhook

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/internal/testenv"
	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/live/livetest"
)

// logLines collects a logger's lines for a test.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(_, args string) {
	l.mu.Lock()
	l.lines = append(l.lines, args)
	l.mu.Unlock()
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func remoteSecretObj(t *testing.T, ns, name, key string, cfg *rest.Config) *corev1.Secret {
	t.Helper()
	kc, err := livetest.KubeconfigBytes(key, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"istio/multiCluster": "true"}},
		Data:       map[string][]byte{key: kc},
	}
}

// istiodState is a local state with an istiod in istio-system: the
// namespace whose remote secrets it reads.
func istiodState() fixedState {
	d := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"namespace": "istio-system", "name": "istiod", "labels": map[string]any{"app": "istiod"}},
	}}
	return fixedState{NewState(1, []*unstructured.Unstructured{d})}
}

// The webhook follows its istiod's remote secrets as they change: a secret
// created after start adds a peer, a rotated one replaces it, a deleted one
// removes it; a remote secret in an application namespace is never
// followed.
func TestRemoteSecretPeersFollowChanges(t *testing.T) {
	testenv.MustAssets(t)
	cs, err := livetest.StartFleet("local", "west")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { livetest.StopAll(cs) })
	local, west := cs[0], cs[1]
	kube, err := kubernetes.NewForConfig(local.Admin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, ns := range []string{"istio-system", "apps"} {
		if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Spoofed before start and after: neither is followed.
	if _, err := kube.CoreV1().Secrets("apps").Create(ctx, remoteSecretObj(t, "apps", "istio-remote-secret-evil", "evil", west.Admin), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	var logs logLines
	m := NewMetrics(prometheus.NewRegistry())
	state := istiodState()
	r := NewRemoteSecretPeers(local.Admin, "east", state, nil, clientgoscheme.Scheme, sels, funcr.New(logs.add, funcr.Options{}), m)
	r.Poll = 100 * time.Millisecond
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- r.Start(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()
	fleet := &Fleet{Local: state, Dynamic: r}
	peersNow := func() []string {
		var names []string
		for _, p := range fleet.State().Peers {
			names = append(names, p.Name)
		}
		return names
	}

	// Created after start.
	if _, err := kube.CoreV1().Secrets("apps").Create(ctx, remoteSecretObj(t, "apps", "istio-remote-secret-west", "west", west.Admin), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Secrets("istio-system").Create(ctx, remoteSecretObj(t, "istio-system", "istio-remote-secret-west", "west", west.Admin), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The copy in apps names the same cluster: followed, it would collide.
	eventually(t, "west in the fleet state", func(context.Context) bool { n := peersNow(); return len(n) == 1 && n[0] == "west" })
	if n := len(r.Peers()); n != 1 || strings.Contains(logs.String(), "evil") || strings.Contains(logs.String(), "collide") {
		t.Fatalf("%d peers; logs:\n%s", n, logs.String())
	}
	first := r.Peers()[0]

	// Rotated: a new credential for the same cluster.
	rotated, err := west.User("rotated", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Secrets("istio-system").Update(ctx, remoteSecretObj(t, "istio-system", "istio-remote-secret-west", "west", rotated), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the rotated credential in use", func(context.Context) bool {
		ps := r.Peers()
		return len(ps) == 1 && ps[0] != first && string(ps[0].config.CertData) == string(rotated.CertData) && len(peersNow()) == 1
	})
	if first.state() != nil {
		t.Error("the peer of the old credential still has a state")
	}

	// Deleted.
	if err := kube.CoreV1().Secrets("istio-system").Delete(ctx, "istio-remote-secret-west", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "west gone", func(context.Context) bool { return len(r.Peers()) == 0 && len(peersNow()) == 0 })
	// A peer leaves the running set first and its series when it has
	// stopped (RemoteSecretPeers.wait), so the series goes a moment later.
	eventually(t, "no peer_up series left after the secret was deleted", func(context.Context) bool {
		series := make(chan prometheus.Metric, 10)
		m.PeerUp.Collect(series)
		return len(series) == 0
	})
	for _, want := range []string{`"peer added" "peer"="west"`, `"peer removed" "peer"="west" "reason"="its remote secret changed"`, `"reason"="its remote secret is gone or no longer followed"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}
