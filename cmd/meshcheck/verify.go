package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
)

func verifyCommand() command {
	return command{
		name:  "verify",
		usage: "verify [flags] [DIR...]",
		short: "Run the Rego unit tests of policy directories (and, with --builtin, meshcheck's own).",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			builtin := fs.Bool("builtin", false, "also run the tests of the built-in rules")
			verbose := fs.BoolP("verbose", "v", false, "list every test, not only failures")
			return func(ctx context.Context, dirs []string, s streams) int {
				if len(dirs) == 0 && !*builtin {
					return failed(s, fmt.Errorf("give policy directories, or --builtin"))
				}
				results, err := checks.Verify(ctx, dirs, *builtin)
				if err != nil {
					return failed(s, err)
				}
				failed := 0
				for _, r := range results {
					status := "PASS"
					if !r.Passed() {
						failed++
						status = "FAIL"
					}
					if *verbose || !r.Passed() {
						fmt.Fprintf(s.out, "%s %s.%s (%s)\n", status, r.Package, r.Name, r.Location)
					}
					if r.Err != nil {
						fmt.Fprintf(s.out, "  error: %v\n", r.Err)
					}
				}
				fmt.Fprintf(s.out, "%d passed, %d failed\n", len(results)-failed, failed)
				if len(results) == 0 {
					fmt.Fprintln(s.err, "meshcheck: no tests found (tests are test_* rules in *_test.rego files)")
					return exitError
				}
				if failed > 0 {
					return exitFindings
				}
				return exitClean
			}
		},
	}
}
