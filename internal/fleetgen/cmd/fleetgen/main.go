// Command fleetgen writes a synthetic fleet for benchmarks:
//
//	go run ./internal/fleetgen/cmd/fleetgen -n 200 /tmp/fleet
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/meshcheck/meshcheck/internal/fleetgen"
)

func main() {
	n := flag.Int("n", 20, "number of clusters")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fleetgen -n N DIR")
		os.Exit(2)
	}
	if err := fleetgen.Write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
