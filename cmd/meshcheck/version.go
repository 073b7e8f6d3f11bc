package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/internal/buildinfo"
	"github.com/meshcheck/meshcheck/model"
)

// versionFormats are what version -o takes (help, errors and completion).
var versionFormats = []string{"text", "json", "yaml"}

func versionCommand() command {
	return command{
		name:  "version",
		usage: "version [-o text|json|yaml]",
		short: "Print meshcheck's version and the fleet model version.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			format := fs.StringP("output", "o", "text", "output format: "+strings.Join(versionFormats, ", "))
			return func(_ context.Context, args []string, s streams) int {
				if len(args) > 0 {
					return failed(s, fmt.Errorf("version takes no arguments, got %q", args[0]))
				}
				switch *format {
				case "text":
					fmt.Fprintf(s.out, "meshcheck %s (model %s)\n", buildinfo.Version(), model.APIVersion)
				case "json", "yaml":
					v := struct {
						buildinfo.Info
						Model string `json:"model"`
					}{buildinfo.Read(), model.APIVersion}
					if err := writeDoc(s.out, *format, v); err != nil {
						return failed(s, err)
					}
				default:
					return failed(s, fmt.Errorf("--output %q: want one of %s", *format, strings.Join(versionFormats, ", ")))
				}
				return exitClean
			}
		},
	}
}
