// Command meshcheck checks that the Istio settings of a fleet of clusters
// agree: cluster names, networks, control planes, meshes and trust.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Every command is a short run (serve hands over to another binary).
	lessGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
