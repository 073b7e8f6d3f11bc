package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/source"
)

// checkOptions are the flags lint and audit share: policies, output and
// the exit-code threshold.
type checkOptions struct {
	// formats are what --output accepts for the command.
	formats        []string
	format         string
	outputFile     string
	failOn         string
	showSuppressed bool
	policies       []string
	color          string
	quiet          bool
}

func defaultCheckOptions(formats []string) checkOptions {
	return checkOptions{formats: formats, format: "text", failOn: "error", color: "auto"}
}

func (o *checkOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.format, "output", "o", o.format, "output format: "+strings.Join(o.formats, ", "))
	fs.StringVar(&o.outputFile, "output-file", o.outputFile, "write the report to this file instead of standard output")
	fs.StringVar(&o.failOn, "fail-on", o.failOn, "exit 1 when a finding is at or above this severity: error, warning, info, or none")
	fs.BoolVar(&o.showSuppressed, "show-suppressed", o.showSuppressed, "also show findings silenced by exemptions")
	fs.StringArrayVar(&o.policies, "policy", o.policies, "directory of additional Rego rules (repeatable)")
	fs.StringVar(&o.color, "color", o.color, "color severities in text output: auto (on a terminal, unless NO_COLOR is set), always or never")
	fs.BoolVarP(&o.quiet, "quiet", "q", o.quiet, "text output: only findings and errors, no summary lines")
}

func (o *checkOptions) validate() error {
	if !slices.Contains(o.formats, o.format) {
		if slices.Contains(report.AuditFormats(), o.format) {
			return fmt.Errorf("--output %q is for audit, which reads live clusters", o.format)
		}
		return fmt.Errorf("--output %q: want one of %s", o.format, strings.Join(o.formats, ", "))
	}
	if !slices.Contains([]string{"auto", "always", "never"}, o.color) {
		return fmt.Errorf("--color %q: want auto, always or never", o.color)
	}
	if o.failOn != "none" {
		if _, err := checks.ParseSeverity(o.failOn); err != nil {
			return fmt.Errorf("--fail-on: %w", err)
		}
	}
	return nil
}

// exitCode maps a result to the documented exit codes, whatever the format.
func (o *checkOptions) exitCode(res report.Result) int {
	if len(res.Errors) > 0 {
		return exitError
	}
	if o.failOn == "none" {
		return exitClean
	}
	threshold, _ := checks.ParseSeverity(o.failOn)
	if h := checks.Highest(res.Findings); h != 0 && h >= threshold {
		return exitFindings
	}
	return exitClean
}

// write renders res where asked, lists input errors on stderr, and returns the exit code.
func (o *checkOptions) write(s streams, res report.Result) int {
	w, closeOutput, err := output(s, o.outputFile)
	if err != nil {
		return failed(s, err)
	}
	defer closeOutput()
	opt := report.Options{ShowSuppressed: o.showSuppressed, Color: useColor(o.color, w), Quiet: o.quiet, FailOn: report.FailNever}
	if sev, err := checks.ParseSeverity(o.failOn); err == nil {
		opt.FailOn = sev
	}
	if err := report.Write(w, o.format, res, opt); err != nil {
		return failed(s, err)
	}
	// Diagnostics go to stderr whatever the format, so that CI logs show
	// them even when stdout is a SARIF file.
	if o.format != "text" || o.outputFile != "" {
		for _, e := range res.Errors {
			fmt.Fprintf(s.err, "meshcheck: %s\n", describeInputError(e))
		}
	}
	return o.exitCode(res)
}

// useColor applies --color to where the report goes: auto colors a
// terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
func useColor(flag string, w io.Writer) bool {
	switch flag {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal says whether w is a terminal (colors, progress lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func describeInputError(e report.InputError) string {
	loc := source.Position(e.File, e.Line, e.Column)
	if e.Cluster != "" {
		loc = strings.TrimSpace("cluster " + e.Cluster + " " + loc)
	}
	if loc == "" {
		return e.Message
	}
	return loc + ": " + e.Message
}

// output returns where a report goes: the --output-file when given, else stdout.
func output(s streams, file string) (io.Writer, func(), error) {
	if file == "" {
		return s.out, func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// configFlags choose the configuration file, as lint, topology and audit
// read it.
type configFlags struct {
	file string
	none bool
}

func (o *configFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.file, "config", o.file, "configuration file (default: "+config.FileName+" in the working directory or above)")
	fs.BoolVar(&o.none, "no-config", o.none, "do not read "+config.FileName)
}

// resolve reads the configuration the flags choose (nil for none).
func (o *configFlags) resolve() (*config.Config, error) { return config.Resolve(o.file, o.none) }

// compileAside starts compiling the policies, which takes most of a small
// run, so that the caller reads its inputs meanwhile; the returned function
// waits for the engine.
func compileAside(ctx context.Context, policies []string) func() (*checks.Engine, error) {
	type built struct {
		engine *checks.Engine
		err    error
	}
	done := make(chan built, 1)
	go func() {
		e, err := checks.New(ctx, checks.Options{PolicyDirs: policies})
		done <- built{e, err}
	}()
	return func() (*checks.Engine, error) {
		b := <-done
		return b.engine, b.err
	}
}
