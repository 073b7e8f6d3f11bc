package webhook

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
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
	"github.com/meshcheck/meshcheck/model"
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
//   - before/first: the first "before" review of the whole fleet (no
//     earlier review to start from: every rule is evaluated);
//   - before/peer-change: the review of a new generation after a peer's
//     change (a namespace with injection created in a remote), computed
//     from the last review in the background;
//   - request=...: one admission request, reviewed as a change from the
//     cached "before" review: a label no rule reads, the istio-system
//     network label changed (denied), a new remote secret (skipped above
//     200 clusters unless MESHCHECK_BENCH_SLOW is set).
//
// The rules metric is how many rules were evaluated.
func BenchmarkFleetScale(b *testing.B) {
	defer TuneGC()()
	n := scaleClusters
	eng := checkstest.Reviewer(b)
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

	b.Run(fmt.Sprintf("clusters=%d/before/first", n), func(b *testing.B) {
		for b.Loop() {
			// The webhook's first review: no earlier one to start from.
			if d, err = NewDecider(eng, d.opt); err != nil {
				b.Fatal(err)
			}
			d.Prepare(st)
			if d.latest == nil || d.latest.gen != st.Generation {
				b.Fatal("no review")
			}
		}
		b.ReportMetric(float64(d.latest.review.Evaluated()), "rules")
	})

	// A peer's change: a namespace with injection enabled is created in
	// a remote. Its review is computed from the last one, in the
	// background (requests are decided on the last one meanwhile).
	b.Run(fmt.Sprintf("clusters=%d/before/peer-change", n), func(b *testing.B) {
		k := n / 2
		rules := 0
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{
				"name": fmt.Sprintf("app-%d", i), "uid": fmt.Sprintf("app-%d", i), "resourceVersion": "1",
				"labels": map[string]any{"istio-injection": "enabled"},
			}}}
			peer := d.NewState(uint64(2+i), append(slices.Clip(clusters[k].objs), ns))
			s := *st
			s.Peers = slices.Clone(st.Peers)
			s.Peers[k-1] = model.ClusterInput{Name: clusters[k].name, Objects: peer.proj, Complete: []string{"Secret"}, Reads: peer.Reads(clusters[k].name)}
			s.Generation = fleetGeneration | fleetGenerations.Add(1)
			b.StartTimer()
			d.mu.Lock()
			r := d.startLocked(&s)
			d.mu.Unlock()
			d.computeBefore(r, &s)
			if r.err != nil || d.latest != r {
				b.Fatal("no review", r.err)
			}
			rules = r.review.Evaluated()
		}
		b.ReportMetric(float64(rules), "rules")
	})

	h := &Handler{Decider: d, States: fleet, Metrics: NewMetrics(nil)}
	ns := find(b, local, "Namespace", "istio-system")
	secret := remoteSecretObject(b, local, fleetgen.Cluster(n-1))
	for _, rq := range []struct {
		name    string
		req     admission.Request
		allowed bool
		// slow: its rules are evaluated over the whole fleet (CP004,
		// minutes at 1,000 clusters); run with MESHCHECK_BENCH_SLOW=1.
		slow bool
	}{
		{"label", review(admissionv1.Update, withLabel(ns, "team", "mesh"), ns), true, false},
		{"namespace-network", review(admissionv1.Update, withLabel(ns, netLabel, "network9"), ns), false, false},
		{"remote-secret", review(admissionv1.Create, secret, nil), true, true},
	} {
		b.Run(fmt.Sprintf("clusters=%d/request=%s", n, rq.name), func(b *testing.B) {
			if rq.slow && n > 200 && os.Getenv("MESHCHECK_BENCH_SLOW") == "" {
				b.Skip("minutes per request at this size; MESHCHECK_BENCH_SLOW=1 runs it")
			}
			r, err := RequestFrom(rq.req.AdmissionRequest)
			if err != nil {
				b.Fatal(err)
			}
			dec, err := d.Decide(context.Background(), fleet.State(), r)
			if err != nil || dec.Allowed != rq.allowed {
				b.Fatalf("allowed = %v, want %v: %v %v", dec.Allowed, rq.allowed, dec.Message, err)
			}
			for b.Loop() {
				if resp := h.Handle(context.Background(), rq.req); resp.Allowed != rq.allowed {
					b.Fatalf("allowed = %v, want %v: %v", resp.Allowed, rq.allowed, resp.Result)
				}
			}
			b.ReportMetric(float64(dec.Rules), "rules")
			b.ReportMetric(float64(len(d.latest.review.Findings)), "findings-before")
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
