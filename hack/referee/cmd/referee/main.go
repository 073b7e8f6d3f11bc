// Command referee runs Istio's control plane against one fleet and prints
// what istiod saw next to meshcheck's findings: `make referee FLEET=dir`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/meshcheck/meshcheck/hack/referee"
)

func main() {
	fleet := flag.String("fleet", "", "fleet directory (one subdirectory per cluster)")
	flag.Parse()
	if *fleet == "" {
		fmt.Fprintln(os.Stderr, "usage: referee -fleet DIR")
		os.Exit(2)
	}
	os.Exit(run(*fleet))
}

func run(fleet string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t, err := referee.ToolsFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "referee:", err)
		return 2
	}
	work, err := os.MkdirTemp("", "referee-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "referee:", err)
		return 2
	}
	defer os.RemoveAll(work)
	pool := referee.NewPool(t)
	defer pool.Close()
	res, err := referee.Run(ctx, t, pool, fleet, work)
	if err != nil {
		fmt.Fprintln(os.Stderr, "referee:", err)
		return 2
	}
	referee.Print(os.Stdout, res)
	if !res.Verdict.Works {
		return 1
	}
	return 0
}
