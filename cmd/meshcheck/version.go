package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/model"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func versionCommand() command {
	return command{
		name:  "version",
		usage: "version",
		short: "Print meshcheck's version and the fleet model version.",
		flags: func(*pflag.FlagSet) func(context.Context, []string, streams) int {
			return func(_ context.Context, _ []string, s streams) int {
				fmt.Fprintf(s.out, "meshcheck %s (model %s)\n", buildVersion(), model.APIVersion)
				return exitClean
			}
		},
	}
}

// buildVersion is the -ldflags version, else the module version of `go install`.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
