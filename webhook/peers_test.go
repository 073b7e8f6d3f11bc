package webhook

import (
	"context"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/inventory"
)

// syncedPeer is a peer whose cache holds objs.
func syncedPeer(name string, objs []*unstructured.Unstructured) *Peer {
	s := NewStore(1)
	for _, o := range objs {
		s.put(0, o)
	}
	p := &Peer{Name: name}
	p.setStore(s)
	return p
}

func withClusterName(t *testing.T, objs []*unstructured.Unstructured, name string) []*unstructured.Unstructured {
	t.Helper()
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.DeepCopy()
		if o.GetKind() == "IstioOperator" {
			if err := unstructured.SetNestedField(out[i].Object, name, "spec", "values", "global", "multiCluster", "clusterName"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

// With a peer in the same mesh, a fleet rule applies at admission: renaming
// this cluster to the peer's cluster ID is refused (CL002).
func TestFleetAwareAdmission(t *testing.T) {
	local := fixture(t)
	peer := withClusterName(t, fixture(t), "west")
	iop := find(t, local, "IstioOperator", "control-plane")
	renamed := withClusterName(t, []*unstructured.Unstructured{iop}, "west")[0]
	req := review(admissionv1.Update, renamed, iop)

	h := newHandler(t, checkstest.Reviewer(t), local, DeciderOptions{})
	h.States = &Fleet{Local: h.States, Peers: []*Peer{syncedPeer("west", peer)}}
	resp := h.Handle(context.Background(), req)
	if resp.Allowed || !strings.Contains(resp.Result.Message, "CL002") {
		t.Fatalf("want CL002 denial with the peer, got allowed=%v %v", resp.Allowed, resp.Result)
	}

	// The same request with the peer not synced: cluster-only checks.
	h.States = &Fleet{Local: h.States.(*Fleet).Local, Peers: []*Peer{{Name: "west"}}}
	if resp := h.Handle(context.Background(), req); !resp.Allowed {
		t.Fatalf("want allowed without the peer, got %v", resp.Result)
	}
}

// An unreachable peer is logged and counted, and left out of the state.
func TestUnreachablePeer(t *testing.T) {
	logged := make(chan string, 10)
	log := funcr.New(func(prefix, args string) { logged <- args }, funcr.Options{})
	m := NewMetrics(prometheus.NewRegistry())
	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	p := NewPeer("west", &rest.Config{Host: "https://127.0.0.1:1"}, clientgoscheme.Scheme, sels, log, m)
	p.Retry = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Start(ctx) }()
	line := <-logged
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(line, "peer unreachable") || !strings.Contains(line, `"peer"="west"`) {
		t.Errorf("log line %s", line)
	}
	g, err := m.PeerUp.GetMetricWithLabelValues("west")
	if err != nil {
		t.Fatal(err)
	}
	var out = new(dtoMetric)
	if err := g.Write(out); err != nil || out.GetGauge().GetValue() != 0 {
		t.Errorf("peer_up = %v, want 0", out.GetGauge().GetValue())
	}
	local := fixedState{NewState(7, fixture(t))}
	if st := (&Fleet{Local: local, Peers: []*Peer{p}}).State(); st != local.st || len(st.Peers) != 0 {
		t.Error("the unreachable peer is in the state")
	}
}

// A reachable peer is read through its API server into the fleet state;
// when it stops answering, it leaves the state.
func TestPeerThroughAPIServer(t *testing.T) {
	e := apiServer(t)
	m := NewMetrics(prometheus.NewRegistry())
	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	// The peer is reached through a proxy, which the test can take away.
	upstream, err := rest.TransportFor(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(e.Config.Host)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport, rp.FlushInterval = upstream, -1
	proxy := httptest.NewServer(rp)
	defer proxy.Close()
	logged := make(chan string, 100)
	log := funcr.New(func(prefix, args string) { logged <- args }, funcr.Options{})
	p := NewPeer("west", &rest.Config{Host: proxy.URL}, clientgoscheme.Scheme, sels, log, m)
	p.Retry = 200 * time.Millisecond
	// The peer's states are the decider's projection (Build), not all of it.
	var built atomic.Int32
	p.Build = func(gen uint64, objs []*unstructured.Unstructured) *State {
		built.Add(1)
		return NewState(gen, objs)
	}
	// Its coming and its changes are told, so that the fleet's new state
	// is reviewed then, not at the next request.
	changes := make(chan struct{}, 100)
	p.OnChange = func() { changes <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Start(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	for line := range logged {
		if strings.Contains(line, "peer synced") {
			break
		}
		if strings.Contains(line, "peer unreachable") {
			t.Fatalf("peer not read: %s", line)
		}
	}
	st := (&Fleet{Local: fixedState{NewState(1, fixture(t))}, Peers: []*Peer{p}}).State()
	if len(st.Peers) != 1 || st.Peers[0].Name != "west" || len(st.Peers[0].Objects) == 0 {
		t.Fatalf("peers in the state: %+v", st.Peers)
	}
	if built.Load() == 0 {
		t.Error("the peer's state was not made by its Build")
	}
	told := func(what string) {
		t.Helper()
		select {
		case <-changes:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s was not told within 10 s", what)
		}
	}
	told("the peer's coming")
	for len(changes) > 0 {
		<-changes
	}
	kube := kubernetes.NewForConfigOrDie(e.Config)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "peer-change", Labels: map[string]string{"istio-injection": "enabled"}}}
	if _, err := kube.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = kube.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{}) }()
	told("a namespace created in the peer")
	var out dtoMetric
	g, _ := m.PeerUp.GetMetricWithLabelValues("west")
	if err := g.Write(&out); err != nil || out.GetGauge().GetValue() != 1 {
		t.Errorf("peer_up = %v, want 1", out.GetGauge().GetValue())
	}

	proxy.CloseClientConnections()
	proxy.Close()
	for gone := false; !gone; {
		select {
		case line := <-logged:
			gone = strings.Contains(line, "peer unreachable")
		case <-time.After(10 * time.Second):
			t.Fatal("the peer that stopped answering was not dropped within 10 s")
		}
	}
	if p.state() != nil {
		t.Error("the peer that stopped answering is still in the state")
	}
	if err := g.Write(&out); err != nil || out.GetGauge().GetValue() != 0 {
		t.Errorf("peer_up = %v after the peer went away, want 0", out.GetGauge().GetValue())
	}
}

// A peer's objects are read once per peer state: a change of this cluster
// makes a new fleet state, not new reads of the unchanged peers.
func TestPeerReadsOutliveLocalChanges(t *testing.T) {
	peer := syncedPeer("west", fixture(t))
	first := (&Fleet{Local: fixedState{NewState(1, fixture(t))}, Peers: []*Peer{peer}}).State()
	second := (&Fleet{Local: fixedState{NewState(2, fixture(t))}, Peers: []*Peer{peer}}).State()
	if first.Generation == second.Generation {
		t.Fatal("a local change kept the fleet's generation")
	}
	if r := first.Peers[0].Reads; r == nil || r != second.Peers[0].Reads {
		t.Errorf("peer reads %p then %p, want the same", r, second.Peers[0].Reads)
	}
}

// Every request asks for the fleet's state: it is the same state while
// neither this cluster nor a peer changes, and a new one, with a new
// generation, once a peer's state is replaced, also by the state of
// another store at the same count of changes (a rotated remote secret's
// new peer, which may be another cluster).
func TestFleetStateIsKeptUntilAStateChanges(t *testing.T) {
	west := syncedPeer("west", withClusterName(t, fixture(t), "west"))
	f := &Fleet{Local: fixedState{NewState(1, fixture(t))}, Peers: []*Peer{west}}
	first := f.State()
	if f.State() != first {
		t.Error("the fleet's state was made again with nothing changed")
	}
	other := syncedPeer("west", withClusterName(t, fixture(t), "north"))
	if other.state().Generation != west.state().Generation {
		t.Fatal("the two stores are at different generations")
	}
	west.setStore(other.store)
	second := f.State()
	if second.Generation == first.Generation {
		t.Error("a peer's new store kept the fleet's generation: its review would be the old store's")
	}
	if f.State() != second {
		t.Error("the fleet's state was made again with nothing changed")
	}
}
