package checks_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/fleetgen"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// BenchmarkOneMesh measures the two phases after reading on one mesh of
// many clusters (fleetgen.WriteMesh), each shape and size: building the
// model, and evaluating every rule on it.
func BenchmarkOneMesh(b *testing.B) {
	e := checkstest.Engine(b)
	sizes, err := fleetgen.BenchSizes()
	if err != nil {
		b.Fatal(err)
	}
	for _, shape := range fleetgen.Shapes {
		for _, n := range sizes {
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
