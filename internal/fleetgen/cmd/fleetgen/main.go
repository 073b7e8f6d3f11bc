// Command fleetgen writes a synthetic fleet for benchmarks:
//
//	go run ./internal/fleetgen/cmd/fleetgen -n 200 /tmp/fleet
//	go run ./internal/fleetgen/cmd/fleetgen -n 1000 -shape mixed /tmp/mesh
//
// Without -shape it writes many small meshes (fleetgen.Write); with one, a
// single mesh of n clusters (fleetgen.WriteMesh).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/meshcheck/meshcheck/internal/fleetgen"
)

func main() {
	n := flag.Int("n", 20, "number of clusters")
	shape := flag.String("shape", "", "one mesh of this shape: primary-remote, multi-primary or mixed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fleetgen -n N [-shape SHAPE] DIR")
		os.Exit(2)
	}
	var err error
	if *shape == "" {
		err = fleetgen.Write(flag.Arg(0), *n)
	} else {
		err = fleetgen.WriteMesh(flag.Arg(0), *n, fleetgen.Shape(*shape))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
