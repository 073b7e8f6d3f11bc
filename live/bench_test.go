package live

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/testenv"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/model"
)

// benchObjects is how many objects each benchmark cluster holds, most of
// them irrelevant to Istio (unlabelled ConfigMaps, headless Services (envtest
// has a /24 service range) and Secrets in
// application namespaces), as in a real cluster.
const benchObjects = 2000

// BenchmarkAudit reads 1, 2 and 3 clusters of benchObjects objects each
// (the example fleet's Istio objects plus filler) and evaluates the rules:
// wall time per audit, requests sent, and peak heap while it runs.
func BenchmarkAudit(b *testing.B) {
	ctx := context.Background()
	root, err := testenv.Root()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"us-east", "us-west", "edge-1"}
	clusters, err := livetest.StartFleet(names...)
	if err != nil {
		b.Fatal(err)
	}
	defer livetest.StopAll(clusters)
	scenario := b.TempDir()
	if err := livetest.CopyScenario(filepath.Join(root, "examples", "fleet"), scenario, nil); err != nil {
		b.Fatal(err)
	}
	for _, c := range clusters {
		if err := livetest.SeedDir(ctx, c.Admin, filepath.Join(scenario, c.Name)); err != nil {
			b.Fatal(err)
		}
		if err := seedFiller(ctx, c.Admin, benchObjects-20); err != nil {
			b.Fatal(err)
		}
	}
	engine, err := checks.New(ctx, checks.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for n := 1; n <= len(clusters); n++ {
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			var requests, objects atomic.Int64
			var targets []Target
			for _, c := range clusters[:n] {
				targets = append(targets, Target{Name: c.Name, Config: countRequests(c.Admin, &requests)})
			}
			peak := watchHeap()
			b.ResetTimer()
			for b.Loop() {
				results := Read(ctx, targets, Options{})
				var inputs []model.ClusterInput
				for _, r := range results {
					if r.Partial() {
						b.Fatal(r.Errors)
					}
					inputs = append(inputs, r.Input)
					objects.Add(int64(len(r.Input.Objects)))
				}
				if _, err := engine.Review(ctx, inputs, checks.ReviewOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
			b.ReportMetric(float64(objects.Load())/float64(b.N), "objects-read/op")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
		})
	}
}

func countRequests(cfg *rest.Config, n *atomic.Int64) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			n.Add(1)
			return rt.RoundTrip(r)
		})
	}
	return c
}

// watchHeap samples the heap in use until the returned function is called,
// which returns the highest sample.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(stop); <-done; return peak.Load() }
}

// seedFiller creates n objects meshcheck must not read, in parallel.
func seedFiller(ctx context.Context, cfg *rest.Config, n int) error {
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst = 500, 1000
	dyn, err := dynamic.NewForConfig(c)
	if err != nil {
		return err
	}
	const namespaces = 20
	res := func(r string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Version: "v1", Resource: r}
	}
	for i := range namespaces {
		ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": fmt.Sprintf("app-%d", i)}}}
		if _, err := dyn.Resource(res("namespaces")).Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ns := fmt.Sprintf("app-%d", i%namespaces)
				var o map[string]any
				var r string
				switch i % 5 {
				case 0, 1:
					r, o = "configmaps", map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"k": "v"}}
				case 2, 3:
					r, o = "services", map[string]any{"apiVersion": "v1", "kind": "Service", "spec": map[string]any{"clusterIP": "None", "ports": []any{map[string]any{"port": int64(80)}}}}
				default:
					r, o = "secrets", map[string]any{"apiVersion": "v1", "kind": "Secret", "stringData": map[string]any{"token": "x"}}
				}
				o["metadata"] = map[string]any{"name": fmt.Sprintf("filler-%d", i), "namespace": ns, "labels": map[string]any{"app": "filler"}}
				if _, err := dyn.Resource(res(r)).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: o}, metav1.CreateOptions{}); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}
