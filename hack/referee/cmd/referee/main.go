// Command referee runs Istio's control plane against fleets and compares
// what istiod saw with meshcheck's findings.
//
//	referee -fleet DIR          one fleet in detail (make referee FLEET=dir)
//	referee -sweep DIR...       many fleets, one table row each (make referee-sweep)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/meshcheck/meshcheck/hack/referee"
)

func main() {
	fleet := flag.String("fleet", "", "fleet directory (one subdirectory per cluster): print what istiod saw")
	sweep := flag.Bool("sweep", false, "referee every fleet given as an argument and print whether meshcheck and istiod agree on each")
	flag.Parse()
	switch {
	case *fleet != "" && !*sweep && flag.NArg() == 0:
		os.Exit(run([]string{*fleet}, func(w io.Writer, _ string, r *referee.Result) { referee.Print(w, r) }))
	case *sweep && *fleet == "" && flag.NArg() > 0:
		fmt.Println("| Fleet | meshcheck errors | istiod | Agree |\n|---|---|---|---|")
		os.Exit(run(flag.Args(), row))
	default:
		fmt.Fprintln(os.Stderr, "usage: referee -fleet DIR | referee -sweep DIR...")
		os.Exit(2)
	}
}

// run referees each fleet in turn on one pool of API servers, printing
// each result with show; it exits 1 when a fleet disagrees (sweep) or is
// broken (one fleet), 2 when a fleet could not be refereed.
func run(fleets []string, show func(w io.Writer, fleet string, r *referee.Result)) int {
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
	code, start := 0, time.Now()
	for _, fleet := range fleets {
		res, err := referee.Run(ctx, t, pool, fleet, work)
		if err != nil {
			fmt.Fprintf(os.Stderr, "referee: %s: %v\n", fleet, err)
			code = 2
			continue
		}
		show(os.Stdout, fleet, res)
		if disagrees(res, len(fleets) > 1) && code == 0 {
			code = 1
		}
	}
	if len(fleets) > 1 {
		fmt.Fprintf(os.Stderr, "referee: %d fleets in %s\n", len(fleets), time.Since(start).Round(time.Second))
	}
	return code
}

// disagrees is, for a sweep, whether meshcheck and istiod disagree; for one
// fleet, whether istiod's discovery is broken.
func disagrees(res *referee.Result, sweep bool) bool {
	if !sweep {
		return !res.Verdict.Works
	}
	return !referee.Agree(res).OK()
}

// row is one fleet's line of the sweep's table, named as given (the make
// target gives paths from the repository root).
func row(w io.Writer, fleet string, res *referee.Result) {
	a := referee.Agree(res)
	var states, problems []string
	for _, d := range referee.Dimensions {
		dv := res.Verdict.Dimension(d)
		states = append(states, fmt.Sprintf("%s %s", d, dv.State(d)))
		problems = append(problems, dv.Problems...)
	}
	ist := strings.Join(states, ", ")
	if len(problems) > 0 {
		ist += ": " + strings.Join(problems, "; ")
	}
	agree := "yes"
	if !a.OK() {
		agree = "**no**"
	}
	errs := strings.Join(slices.Concat(a.DiscoveryErrors, a.MeshFindings), ", ")
	if errs == "" {
		errs = "none"
	}
	fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", fleet, errs, ist, agree)
}
