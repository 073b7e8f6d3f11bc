package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/ruledoc"
)

// rulesFormats are what rules -o takes (help, errors and completion).
var rulesFormats = []string{"text", "json", "yaml", "markdown"}

func rulesCommand() command {
	return command{
		name:  "rules",
		usage: "rules [flags] [CODE...]",
		short: "List the rule catalog (built-in rules and those of --policy directories), or explain the rules named.",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			format := fs.StringP("output", "o", "text", "output format: "+strings.Join(rulesFormats, ", "))
			policies := fs.StringArray("policy", nil, "directory of additional Rego rules (repeatable)")
			return func(ctx context.Context, args []string, s streams) int {
				e, err := checks.New(ctx, checks.Options{PolicyDirs: *policies})
				if err != nil {
					return failed(s, err)
				}
				rules, err := named(e.Rules(), args)
				if err != nil {
					return failed(s, err)
				}
				switch {
				case *format == "text" && len(args) > 0:
					explain(s.out, rules)
				case *format == "text":
					tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "CODE\tSEVERITY\tSCOPE\tDIMENSIONS\tTITLE")
					for _, r := range rules {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Severity, r.Scope, strings.Join(r.Dimensions, ","), r.Title)
					}
					tw.Flush()
				case *format == "json" || *format == "yaml":
					if err := writeDoc(s.out, *format, rules); err != nil {
						return failed(s, err)
					}
				case *format == "markdown":
					fmt.Fprint(s.out, ruledoc.Index(rules))
				default:
					return failed(s, fmt.Errorf("--output %q: want one of %s", *format, strings.Join(rulesFormats, ", ")))
				}
				return exitClean
			}
		},
	}
}

// named returns the rules whose codes are given (case-insensitive), in the
// order given, or all of them when none is; an unknown code is an error
// naming the codes that exist.
func named(rules []checks.Rule, codes []string) ([]checks.Rule, error) {
	if len(codes) == 0 {
		return rules, nil
	}
	var out []checks.Rule
	for _, c := range codes {
		i := slices.IndexFunc(rules, func(r checks.Rule) bool { return strings.EqualFold(r.Code, c) })
		if i < 0 {
			return nil, fmt.Errorf("no rule %q; `meshcheck rules` lists the codes", c)
		}
		out = append(out, rules[i])
	}
	return out, nil
}

// explain prints each rule whole: what it checks and why, its severity and
// scope, how to fix a finding, and where its page is.
func explain(w io.Writer, rules []checks.Rule) {
	for i, r := range rules {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s\n", r.Code, r.Title)
		fmt.Fprintf(w, "severity: %s   scope: %s   dimensions: %s\n\n", r.Severity, r.Scope, strings.Join(r.Dimensions, ", "))
		fmt.Fprintln(w, strings.TrimSpace(r.Description))
		if r.Remediation != "" {
			fmt.Fprintf(w, "\nfix:\n%s\n", indented(strings.TrimSpace(r.Remediation), "  "))
		}
		if r.Docs != "" {
			fmt.Fprintf(w, "\nsee: %s\n", r.Docs)
		}
	}
}

func indented(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
