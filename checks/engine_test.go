package checks_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// The engine is shared by the webhook's concurrent requests: evaluating
// from several goroutines must give each the same findings.
func TestEvaluateIsSafeForConcurrentUse(t *testing.T) {
	r := lintFleet(t, "../examples/fleet")
	if len(r.Findings) == 0 {
		t.Fatal("the example fleet should have findings")
	}
	e := checkstest.Engine(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			got, err := e.Evaluate(t.Context(), r.Fleet)
			if err != nil {
				errs <- err
				return
			}
			if diff := cmp.Diff(checks.Apply(got, nil, nil), r.Findings); diff != "" {
				errs <- fmt.Errorf("findings differ (-got +want):\n%s", diff)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func generated(b testing.TB, n int) []model.ClusterInput {
	dir := filepath.Join(b.TempDir(), "fleet")
	if err := fleetgen.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	set := fileset.Read(fileset.Layout{Fleet: dir}, nil, source.DefaultLimits())
	if len(set.Errors) > 0 {
		b.Fatal(set.Errors[0])
	}
	return set.Clusters
}

var sizes = []int{3, 20, 200}

// BenchmarkBuild measures deriving the fleet model from objects already read.
func BenchmarkBuild(b *testing.B) {
	for _, n := range sizes {
		in := generated(b, n)
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				model.Build(in, model.Options{})
			}
		})
	}
}

// BenchmarkEvaluate measures evaluating every rule on a built model.
func BenchmarkEvaluate(b *testing.B) {
	e := checkstest.Engine(b)
	for _, n := range sizes {
		f, _ := model.Build(generated(b, n), model.Options{})
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Evaluate(b.Context(), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewEngine measures loading and compiling the policies, paid once
// per process.
func BenchmarkNewEngine(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := checks.New(b.Context(), checks.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
