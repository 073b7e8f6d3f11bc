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
)

// bigCluster is the fixture plus namespaces up to n objects, as a large
// cluster's cache holds (every Namespace is watched).
func bigCluster(t testing.TB, n int) []*unstructured.Unstructured {
	objs := fixture(t)
	for i := len(objs); i < n; i++ {
		ns := &unstructured.Unstructured{}
		ns.SetAPIVersion("v1")
		ns.SetKind("Namespace")
		ns.SetName(fmt.Sprintf("team-%05d", i))
		ns.SetLabels(map[string]string{"kubernetes.io/metadata.name": ns.GetName(), "istio-injection": "enabled"})
		objs = append(objs, ns)
	}
	return objs
}

// BenchmarkHandle measures the handler's latency, p50 and p99, at 1, 16
// and 64 concurrent requests on a cache of 10,000 objects. The request is
// evaluated (a label change on the system namespace), the expensive case.
func BenchmarkHandle(b *testing.B) {
	objs := bigCluster(b, benchObjects)
	ns := find(b, objs, "Namespace", "istio-system")
	for _, conc := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			h := newHandler(b, checkstest.Engine(b), objs, DeciderOptions{})
			req := review(admissionv1.Update, withLabel(ns, "team", "mesh"), ns)
			if resp := h.Handle(context.Background(), req); !resp.Allowed {
				b.Fatalf("denied: %v", resp.Result)
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
		})
	}
}

// benchObjects is the size of the benchmark's cache.
var benchObjects = 10000

func init() {
	if n, err := strconv.Atoi(os.Getenv("MESHCHECK_BENCH_OBJECTS")); err == nil {
		benchObjects = n
	}
}
