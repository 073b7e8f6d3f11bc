package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/meshcheck/meshcheck/internal/fleetgen"
)

// BenchmarkLintFleet measures a whole `meshcheck lint --fleet` run, files to
// report, as a user pays for it: policies compiled, files read, model built,
// rules evaluated, JSON written.
func BenchmarkLintFleet(b *testing.B) {
	for _, n := range []int{3, 20, 200} {
		dir := filepath.Join(b.TempDir(), "fleet")
		if err := fleetgen.Write(dir, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("clusters=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var errb bytes.Buffer
				if code := run(b.Context(), []string{"lint", "--no-config", "--fleet", dir, "-o", "json"}, nil, io.Discard, &errb); code != exitClean {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
		})
	}
}

// BenchmarkLintOneMesh measures lint on one mesh of many clusters, the shape
// large fleets have (fleetgen.WriteMesh): 200 clusters by default; set
// MESHCHECK_BENCH_CLUSTERS (e.g. 1000,5000) for the larger sizes.
func BenchmarkLintOneMesh(b *testing.B) {
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
			b.Run(fmt.Sprintf("shape=%s/clusters=%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var errb bytes.Buffer
					if code := run(b.Context(), []string{"lint", "--no-config", "--fleet", dir, "-o", "json"}, nil, io.Discard, &errb); code != exitClean {
						b.Fatalf("exit %d: %s", code, errb.String())
					}
				}
			})
		}
	}
}
