package webhook

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/meshcheck/meshcheck/internal/testenv"
	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/live/livetest"
)

// A peer whose credential may list but not watch is not up: its first list
// would stay its objects forever. It is dropped with a log line and
// peer_up stays 0.
func TestPeerListOnlyCredentialIsDown(t *testing.T) {
	testenv.MustAssets(t)
	west, err := livetest.Start("west")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = west.Stop() })
	kube, err := kubernetes.NewForConfig(west.Admin)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "list-only"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"get", "list"}}},
	}
	if _, err := kube.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "list-only"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "list-only"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "Group", Name: "listers"}},
	}
	if _, err := kube.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	lister, err := west.User("lister", "listers")
	if err != nil {
		t.Fatal(err)
	}

	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	logged := make(chan string, 100)
	log := funcr.New(func(_, args string) { logged <- args }, funcr.Options{})
	m := NewMetrics(prometheus.NewRegistry())
	p := NewPeer("west", lister, clientgoscheme.Scheme, sels, log, m)
	p.Retry = time.Hour
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- p.Start(runCtx) }()
	defer func() {
		cancel()
		<-done
	}()
	timeout := time.After(60 * time.Second)
	for down := false; !down; {
		select {
		case line := <-logged:
			if strings.Contains(line, "peer synced") {
				t.Fatalf("a peer that cannot watch was synced: %s", line)
			}
			if strings.Contains(line, "peer's watches fail") {
				down = true
				if !strings.Contains(line, "403") || !strings.Contains(line, `"peer"="west"`) {
					t.Errorf("log line %s: want the peer and the refusal", line)
				}
			}
		case <-timeout:
			t.Fatal("no log line for the refused watch within 60 s")
		}
	}
	var out dtoMetric
	if err := m.PeerUp.WithLabelValues("west").Write(&out); err != nil || out.GetGauge().GetValue() != 0 {
		t.Errorf("peer_up = %v, want 0", out.GetGauge().GetValue())
	}
	if p.state() != nil {
		t.Error("the peer that cannot watch is in the state")
	}
}
