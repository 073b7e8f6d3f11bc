package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes, the same for every output format (docs/findings.md, "Exit codes").
const (
	exitClean    = 0 // nothing at or above --fail-on
	exitFindings = 1 // findings at or above --fail-on
	exitError    = 2 // usage, input or policy errors
)

// streams are a command's standard input, output and error.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand: its flags and what it runs.
type command struct {
	name  string
	usage string
	short string
	// flags registers the command's flags and returns the function that
	// runs it with the positional arguments.
	flags func(fs *pflag.FlagSet) func(ctx context.Context, args []string, s streams) int
	// raw, when set, runs the command with its arguments unparsed.
	raw func(ctx context.Context, args []string, s streams) int
	// hidden commands are left out of help and completion (__complete).
	hidden bool
}

// commands is both the dispatch table and the help listing.
func commands() []command {
	return []command{lintCommand(), auditCommand(), topologyCommand(), serveCommand(), rulesCommand(), verifyCommand(), versionCommand(), completionCommand(), completeCommand()}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := streams{in: stdin, out: stdout, err: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitError
		}
		return exitClean
	}
	if args[0] == "--version" { // as meshcheck-webhook --version
		args = append([]string{"version"}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		if c.raw != nil {
			return c.raw(ctx, args[1:], s)
		}
		fs, runCmd := flagSet(c)
		if err := fs.Parse(args[1:]); err != nil {
			// Help asked for is the command's output (stdout, exit 0);
			// a usage error is a diagnostic (stderr, exit 2).
			if errors.Is(err, pflag.ErrHelp) {
				fmt.Fprintf(stdout, "Usage: meshcheck %s\n\n%s\n\nFlags:\n%s", c.usage, c.short, fs.FlagUsages())
				return exitClean
			}
			fmt.Fprintf(stderr, "meshcheck %s: %v%s\nRun 'meshcheck %s --help' for usage.\n", c.name, err, flagSuggestion(fs, err), c.name)
			return exitError
		}
		return runCmd(ctx, fs.Args(), s)
	}
	fmt.Fprintf(stderr, "meshcheck: unknown command %q%s\n\n", args[0], suggest(args[0], commandNames()))
	usage(stderr)
	return exitError
}

// flagSet is a command's flags, parsed quietly: run reports errors and
// help itself, on the stream each belongs to.
func flagSet(c command) (*pflag.FlagSet, func(ctx context.Context, args []string, s streams) int) {
	fs := pflag.NewFlagSet("meshcheck "+c.name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if c.flags == nil {
		return fs, nil
	}
	return fs, c.flags(fs)
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	return names
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("meshcheck checks that the Istio settings of a fleet of clusters agree.\n\nUsage:\n  meshcheck <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		if !c.hidden {
			fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.short)
		}
	}
	b.WriteString("\nRun 'meshcheck <command> --help' for a command's flags.\n")
	io.WriteString(w, b.String())
}
