package checks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// meshSizes are the one-mesh fleet sizes BenchmarkOneMesh runs: 200 by
// default, MESHCHECK_BENCH_CLUSTERS (e.g. "200,1000,5000") for the larger
// ones `make bench` runs.
func meshSizes(b *testing.B) []int {
	env := os.Getenv("MESHCHECK_BENCH_CLUSTERS")
	if env == "" {
		return []int{200}
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("MESHCHECK_BENCH_CLUSTERS=%q: want sizes separated by commas", env)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// BenchmarkOneMesh measures the two phases after reading on one mesh of
// many clusters (fleetgen.WriteMesh), each shape and size: building the
// model, and evaluating every rule on it.
func BenchmarkOneMesh(b *testing.B) {
	e := checkstest.Engine(b)
	for _, shape := range fleetgen.Shapes {
		for _, n := range meshSizes(b) {
			dir := filepath.Join(b.TempDir(), "fleet")
			if err := fleetgen.WriteMesh(dir, n, shape); err != nil {
				b.Fatal(err)
			}
			set := fileset.Read(fileset.Layout{Fleet: dir}, nil, source.DefaultLimits())
			if len(set.Errors) > 0 {
				b.Fatal(set.Errors[0])
			}
			name := fmt.Sprintf("shape=%s/clusters=%d", shape, n)
			var f *model.Fleet
			b.Run(name+"/phase=build", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f, _ = model.Build(set.Clusters, model.Options{})
				}
			})
			b.Run(name+"/phase=evaluate", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := e.Evaluate(b.Context(), f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
