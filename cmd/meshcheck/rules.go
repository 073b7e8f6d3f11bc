package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/ruledoc"
)

func rulesCommand() command {
	return command{
		name:  "rules",
		usage: "rules [flags]",
		short: "List the rule catalog (built-in rules and those of --policy directories).",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			format := fs.StringP("output", "o", "text", "output format: text, json or markdown")
			policies := fs.StringArray("policy", nil, "directory of additional Rego rules (repeatable)")
			return func(ctx context.Context, args []string, s streams) int {
				if len(args) > 0 {
					return failed(s, fmt.Errorf("rules takes no arguments"))
				}
				e, err := checks.New(ctx, checks.Options{PolicyDirs: *policies})
				if err != nil {
					return failed(s, err)
				}
				rules := e.Rules()
				switch *format {
				case "text":
					tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "CODE\tSEVERITY\tSCOPE\tDIMENSIONS\tTITLE")
					for _, r := range rules {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Severity, r.Scope, strings.Join(r.Dimensions, ","), r.Title)
					}
					tw.Flush()
				case "json":
					enc := json.NewEncoder(s.out)
					enc.SetIndent("", "  ")
					if err := enc.Encode(rules); err != nil {
						return failed(s, err)
					}
				case "markdown":
					fmt.Fprint(s.out, ruledoc.Index(rules))
				default:
					return failed(s, fmt.Errorf("--output %q: want text, json or markdown", *format))
				}
				return exitClean
			}
		},
	}
}
