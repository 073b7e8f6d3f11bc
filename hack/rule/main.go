// Command rule scaffolds a built-in meshcheck rule, as `make rule` runs it:
//
//	go run ./hack/rule -code NW018 -title "..." [-severity warning] [-scope cluster]
//
// It writes the Rego rule with its METADATA, its Rego tests, and a pass and
// a fail fixture under testdata/rules/<CODE>, all working on a placeholder
// the author then replaces (TODO(scaffold) marks it). It refuses a code in
// use and says which is free. -next lists the next free code of each group.
// docs/writing-rules.md describes the loop.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/meshcheck/meshcheck/internal/rulecode"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("rule", flag.ContinueOnError)
	fl.SetOutput(stderr)
	code := fl.String("code", "", "the rule's code, like NW018 (-next lists the free ones)")
	title := fl.String("title", "", "what holds when the rule passes, one line")
	severity := fl.String("severity", "warning", "error, warning or info")
	scope := fl.String("scope", "cluster", "object, cluster or fleet")
	root := fl.String("root", ".", "the repository checkout to write into")
	next := fl.Bool("next", false, "list the next free code of each group and exit")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *next {
		used, err := inUse(*root)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		for _, g := range rulecode.Groups {
			fmt.Fprintf(stdout, "%s  %-12s  %s\n", rulecode.Next(g, used), g.Dir, g.About)
		}
		return 0
	}
	spec, err := ParseSpec(*code, *title, *severity, *scope)
	if err != nil {
		fmt.Fprintf(stderr, "rule: %v\n", err)
		return 2
	}
	written, err := Scaffold(*root, spec)
	if err != nil {
		fmt.Fprintf(stderr, "rule: %v\n", err)
		return 1
	}
	for _, p := range written {
		fmt.Fprintln(stdout, "wrote", p)
	}
	fmt.Fprintf(stdout, "\nThe rule fires on a placeholder label. Replace what TODO(scaffold) marks in these files, then\n  make test-rule CODE=%s\n  make docs\n", spec.Code)
	return 0
}
