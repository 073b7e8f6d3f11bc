package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/model"
)

func versionCommand() command {
	return command{
		name:  "version",
		usage: "version",
		short: "Print meshcheck's version and the fleet model version.",
		flags: func(*pflag.FlagSet) func(context.Context, []string, streams) int {
			return func(_ context.Context, _ []string, s streams) int {
				fmt.Fprintf(s.out, "meshcheck %s (model %s)\n", buildinfo.Version(), model.APIVersion)
				return exitClean
			}
		},
	}
}
