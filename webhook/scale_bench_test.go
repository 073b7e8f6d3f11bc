package webhook

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/source"
)

// scaleClusters is the size of the one-mesh fleet of BenchmarkFleetScale
// (MESHCHECK_BENCH_CLUSTERS overrides it).
var scaleClusters = 1000

func init() {
	if n, err := strconv.Atoi(os.Getenv("MESHCHECK_BENCH_CLUSTERS")); err == nil && n > 1 {
		scaleClusters = n
	}
}

type scaleCluster struct {
	name string
	objs []*unstructured.Unstructured
}

// scaleFleet writes a one-mesh fleet of n clusters (fleetgen.WriteMesh,
// mixed shape: a primary per 20 clusters, the primaries multi-primary) and
// reads each cluster's objects as the cache holds them: as the API server
// returns them (uid, resourceVersion, creationTimestamp) and reduced.
func scaleFleet(b *testing.B, n int) []scaleCluster {
	b.Helper()
	dir := b.TempDir()
	if err := fleetgen.WriteMesh(dir, n, fleetgen.Mixed); err != nil {
		b.Fatal(err)
	}
	out := make([]scaleCluster, n)
	for i := range n {
		name := fleetgen.Cluster(i)
		_, objs, errs := source.ReadPaths([]string{filepath.Join(dir, name)}, nil, source.DefaultLimits())
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		out[i].name = name
		for j, o := range objs {
			u := &unstructured.Unstructured{Object: o.Data}
			u.SetUID(types.UID(fmt.Sprintf("00000000-0000-0000-%04d-%012d", j, i)))
			u.SetResourceVersion(strconv.Itoa(1000 + i*100 + j))
			u.Object["metadata"].(map[string]any)["creationTimestamp"] = "2025-01-01T00:00:00Z"
			Reduce(u)
			out[i].objs = append(out[i].objs, u)
		}
	}
	return out
}

// scalePeers builds a peer for each cluster as the webhook does for a
// synced peer: its Store fed by informer events, its states built with the
// decider's projection (Peer.Build = Decider.NewState), and the fleet
// state, which reads each peer's objects once (State.Reads).
func scalePeers(d *Decider, clusters []scaleCluster) []*Peer {
	peers := make([]*Peer, len(clusters))
	var wg sync.WaitGroup
	work := make(chan int)
	for range 64 { // the builders mostly wait out the store's debounce
		wg.Go(func() {
			for i := range work {
				s := NewStore(1)
				s.build = d.NewState
				h := s.Handler(0)
				for _, o := range clusters[i].objs {
					h.OnAdd(o, true)
				}
				p := &Peer{Name: clusters[i].name, Build: d.NewState}
				p.setStore(s)
				p.state() // synced: its first state is built
				peers[i] = p
			}
		})
	}
	for i := range clusters {
		work <- i
	}
	close(work)
	wg.Wait()
	return peers
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkFleetScale measures fleet-aware admission in one mesh of
// scaleClusters clusters (docs/webhook.md, "At 1,000 clusters"): the
// webhook of the first cluster, a primary, with the other clusters as its
// peers (in memory, through the real Store, State and Fleet code; no API
// servers).
//
//   - state: the memory the peers' states hold (objects, stores, states,
//     projections and reads), per peer and per object, and the time to
//     build them;
//   - fleet-state: Fleet.State, which every request calls;
//   - before: the "before" review of the whole fleet, computed once per
//     generation (any peer's change makes a new one);
//   - request=...: one admission request, reviewed as a change from the
//     cached "before" review: a label no rule reads, the istio-system
//     network label changed (denied), a new remote secret.
func BenchmarkFleetScale(b *testing.B) {
	defer TuneGC()()
	n := scaleClusters
	eng := checkstest.Engine(b)
	// No answer deadline: the benchmark measures what a review costs, also
	// where it exceeds the default 2.5 s (the request would fail open).
	d, err := NewDecider(eng, DeciderOptions{Cluster: fleetgen.Cluster(0), Exclude: []string{"kube-system", "meshcheck-system"}, Timeout: time.Hour})
	if err != nil {
		b.Fatal(err)
	}

	b.Run(fmt.Sprintf("clusters=%d/state", n), func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			before := heapInUse()
			b.StartTimer()
			clusters := scaleFleet(b, n)
			afterObjects := heapInUse()
			peers := scalePeers(d, clusters[1:])
			st := (&Fleet{Local: fixedState{d.NewState(1, clusters[0].objs)}, Peers: peers}).State()
			b.StopTimer()
			held := heapInUse()
			objects := 0
			for _, c := range clusters[1:] {
				objects += len(c.objs)
			}
			np := float64(len(peers))
			b.ReportMetric(float64(held-before)/np, "B/peer")
			b.ReportMetric(float64(held-before)/float64(objects), "B/object")
			b.ReportMetric(float64(afterObjects-before)/np, "objects-B/peer")
			b.ReportMetric(float64(held-afterObjects)/np, "state-B/peer")
			b.ReportMetric(float64(objects)/np, "objects/peer")
			if len(st.Peers) != n-1 {
				b.Fatalf("%d peers in the state, want %d", len(st.Peers), n-1)
			}
			runtime.KeepAlive(clusters)
			runtime.KeepAlive(st)
			b.StartTimer()
		}
	})

	clusters := scaleFleet(b, n)
	local := clusters[0].objs
	fleet := &Fleet{Local: fixedState{d.NewState(1, local)}, Peers: scalePeers(d, clusters[1:])}
	st := fleet.State()

	b.Run(fmt.Sprintf("clusters=%d/fleet-state", n), func(b *testing.B) {
		for b.Loop() {
			if fleet.State() == nil {
				b.Fatal("no state")
			}
		}
	})

	b.Run(fmt.Sprintf("clusters=%d/before", n), func(b *testing.B) {
		gen := uint64(0)
		for b.Loop() {
			s := *st
			gen++
			s.Generation = gen // a peer changed: a new generation
			if _, err := d.beforeReview(context.Background(), &s); err != nil {
				b.Fatal(err)
			}
		}
	})

	d.Prepare(st)
	h := &Handler{Decider: d, States: fleet, Metrics: NewMetrics(nil)}
	ns := find(b, local, "Namespace", "istio-system")
	secret := remoteSecretObject(b, local, fleetgen.Cluster(n-1))
	for _, rq := range []struct {
		name    string
		req     admission.Request
		allowed bool
	}{
		{"label", review(admissionv1.Update, withLabel(ns, "team", "mesh"), ns), true},
		{"namespace-network", review(admissionv1.Update, withLabel(ns, netLabel, "network9"), ns), false},
		{"remote-secret", review(admissionv1.Create, secret, nil), true},
	} {
		b.Run(fmt.Sprintf("clusters=%d/request=%s", n, rq.name), func(b *testing.B) {
			resp := h.Handle(context.Background(), rq.req)
			if resp.Allowed != rq.allowed {
				b.Fatalf("allowed = %v, want %v: %v", resp.Allowed, rq.allowed, resp.Result)
			}
			for b.Loop() {
				h.Handle(context.Background(), rq.req)
			}
		})
	}
}

// remoteSecretObject is a new remote secret in the local cluster for
// cluster target, made from one the local cluster holds.
func remoteSecretObject(b *testing.B, local []*unstructured.Unstructured, target string) *unstructured.Unstructured {
	b.Helper()
	for _, o := range local {
		if o.GetKind() == "Secret" && o.GetLabels()["istio/multiCluster"] == "true" {
			s := o.DeepCopy()
			s.SetName("istio-remote-secret-" + target)
			s.SetUID("")
			s.SetResourceVersion("")
			data := s.Object["data"].(map[string]any)
			for k, v := range data {
				delete(data, k)
				data[target] = v
			}
			return s
		}
	}
	b.Fatal("the local cluster holds no remote secret")
	return nil
}
