// Command meshcheck checks that the Istio settings of a fleet of clusters
// agree: cluster names, networks, control planes, meshes and trust.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
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

// lessGC trades memory for time in a short run: compiling the policies
// allocates ~25 MiB of short-lived objects, and collecting them costs more
// than the process lives. Collection starts only past 256 MiB, which a fleet
// of a few hundred clusters reaches. GOGC set by the user wins.
func lessGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(256 << 20)
	}
}
