package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// Result is everything a front-end hands to a writer.
type Result struct {
	Tool     string           // "meshcheck"
	Version  string           // the tool's version, for SARIF and JSON consumers
	Command  string           // "lint" or "audit"
	Findings []checks.Finding // already sorted, may include Suppressed ones
	Rules    []checks.Rule    // the catalog of rules that were evaluated (for SARIF rule metadata)
	Summary  checks.Summary
	Errors   []InputError // problems reading inputs (bad YAML, unreachable cluster): the run went on
	// NotEvaluated are inputs recognised and deliberately not read (Helm
	// chart templates): listed so that a pass is never mistaken for a check.
	NotEvaluated []InputError
	Clusters     []string      // audit: the clusters read (policyreport writes one report each)
	Elapsed      time.Duration // how long the run took (junit time attributes); 0 when unknown
	Fleet        *model.Fleet  // optional: the fleet model, for formats that draw it (markdown)
}

// InputError is a problem with one input that did not stop the run. Its JSON
// form is part of the report contract (see the package documentation).
type InputError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Cluster string `json:"cluster,omitempty"`
	Message string `json:"message"`
}

// Options tune the formats meant for people; machine formats ignore them so
// that their contract does not depend on flags.
type Options struct {
	// ShowSuppressed lists suppressed findings in text and junit output.
	ShowSuppressed bool
	// Color marks severities with ANSI colors in text output. The
	// front-end decides (a terminal, --color, NO_COLOR); files and pipes
	// get plain text.
	Color bool
	// Quiet leaves the summary lines out of text output: only findings
	// and input errors are printed.
	Quiet bool
	// FailOn is the run's --fail-on: in junit, a rule's testcase fails on
	// findings at or above it (0 means error; FailNever for none).
	FailOn checks.Severity
}

// FailNever is the FailOn of --fail-on none: no finding fails a testcase.
const FailNever = checks.Error + 1

type writeFunc func(w io.Writer, r Result, opt Options) error

// formats is a slice rather than a map so that help text keeps this order.
var formats = []struct {
	name  string
	write writeFunc
	// auditOnly formats describe live clusters (a PolicyReport is applied
	// to the cluster it is about): lint does not offer them.
	auditOnly bool
}{
	{"text", writeText, false},
	{"json", writeJSON, false},
	{"yaml", writeYAML, false},
	{"sarif", writeSARIF, false},
	{"junit", writeJUnit, false},
	{"github", writeGitHub, false},
	{"markdown", writeMarkdown, false},
	{"policyreport", writePolicyReport, true},
}

// Formats lists the -o values every command accepts, in help order.
func Formats() []string {
	var names []string
	for _, f := range formats {
		if !f.auditOnly {
			names = append(names, f.name)
		}
	}
	return names
}

// AuditFormats lists the -o values audit accepts: Formats plus those that
// describe live clusters (policyreport).
func AuditFormats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// Write renders r to w in the named format. An unknown format is an error
// that names it and the accepted ones, so a CLI can print it as is.
func Write(w io.Writer, format string, r Result, opt Options) error {
	for _, f := range formats {
		if f.name != format {
			continue
		}
		if err := f.write(w, r, opt); err != nil {
			return fmt.Errorf("write %s report: %w", format, err)
		}
		return nil
	}
	return fmt.Errorf("unknown output format %q (want one of: %s)", format, strings.Join(AuditFormats(), ", "))
}
