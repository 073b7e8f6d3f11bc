// Command meshcheck-webhook is the admission webhook server that `meshcheck
// serve` runs: it refuses, in each cluster, the changes that would break the
// mesh, with the same rules as `meshcheck lint` and `meshcheck audit`.
//
// It is a binary of its own, as Gatekeeper's manager is beside gator and
// istiod beside istioctl: controller-runtime, client-go's typed scheme and
// Prometheus initialise for ~7 ms in every process that links them
// (GODEBUG=inittrace=1: 9.7 ms of package initialisation here, 3.1 ms in
// meshcheck), a sixth of a small lint run, so the CLI leaves them to this
// binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/webhook"
)

// Exit codes, as meshcheck's: 0 stopped cleanly, 2 usage or start-up error.
const (
	exitClean = 0
	exitError = 2
)

func main() {
	webhook.TuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := defaultServeOptions()
	fs := pflag.NewFlagSet("meshcheck serve", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(stderr)
	o.AddFlags(fs)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: meshcheck serve [flags]\n   or: meshcheck-webhook [flags]\n\nRun the admission webhook that refuses changes which break the mesh.\n\nFlags:\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitClean
		}
		fmt.Fprintf(stderr, "meshcheck serve: %v\nRun 'meshcheck serve --help' for usage.\n", err)
		return exitError
	}
	if *showVersion {
		fmt.Fprintf(stdout, "meshcheck-webhook %s (model %s)\n", buildinfo.Version(), model.APIVersion)
		return exitClean
	}
	return o.run(ctx, fs.Args(), stderr)
}
