package webhook

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/bigcluster"
)

// bigCluster is the cluster of the benchmark and the load test
// (internal/bigcluster), reduced as the cache reduces it.
func bigCluster(t testing.TB, n int) []*unstructured.Unstructured {
	objs, err := bigcluster.Objects("..", bigcluster.Files, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		Reduce(o)
	}
	return objs
}

// BenchmarkHandle measures the handler's latency, p50 and p99, at 1, 16
// and 64 concurrent requests on a cache of 10,000 objects, for two updates
// of the system namespace that both go past every shortcut to a review:
//   - label: a label no rule reads; the review re-evaluates no rule;
//   - network: the network label changed to contradict the installed
//     values; the review re-evaluates every rule that reads networks, and
//     the request is denied.
//
// The collector runs as in the webhook (TuneGC).
func BenchmarkHandle(b *testing.B) {
	defer TuneGC()()
	objs := bigCluster(b, benchObjects)
	ns := find(b, objs, "Namespace", "istio-system")
	for _, change := range []struct {
		name    string
		obj     *unstructured.Unstructured
		allowed bool
	}{
		{"label", withLabel(ns, "team", "mesh"), true},
		{"network", withLabel(ns, netLabel, "network2"), false},
	} {
		for _, conc := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("change=%s/concurrency=%d", change.name, conc), func(b *testing.B) {
				h := newHandler(b, checkstest.Reviewer(b), objs, DeciderOptions{})
				req := review(admissionv1.Update, change.obj, ns)
				if resp := h.Handle(context.Background(), req); resp.Allowed != change.allowed {
					b.Fatalf("allowed = %v, want %v: %v", resp.Allowed, change.allowed, resp.Result)
				}
				lat := make([]time.Duration, b.N)
				var next sync.Mutex
				i := 0
				b.ResetTimer()
				var wg sync.WaitGroup
				for range conc {
					wg.Go(func() {
						for {
							next.Lock()
							k := i
							i++
							next.Unlock()
							if k >= b.N {
								return
							}
							start := time.Now()
							h.Handle(context.Background(), req)
							lat[k] = time.Since(start)
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			})
		}
	}
}

// benchObjects is the size of the benchmark's cache.
var benchObjects = 10000

func init() {
	if n, err := strconv.Atoi(os.Getenv("MESHCHECK_BENCH_OBJECTS")); err == nil {
		benchObjects = n
	}
}
