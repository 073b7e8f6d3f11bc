package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/source"
)

// The JUnit XML shape most CI systems read (Jenkins, GitLab, Azure DevOps),
// valid against the Jenkins JUnit schema (testdata/schemas/jenkins-junit.xsd):
// testsuites has no skipped attribute there (each testsuite has one),
// skipped carries its reason as text, not as an attribute, and a testcase's
// children come in the schema's order (skipped, error, failure, system-out).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	// Time is the run's: every suite was checked in the one evaluation.
	Time  string      `xml:"time,attr,omitempty"`
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// junitSkipped is <skipped>reason</skipped>: the schema types skipped as a
// string, and Jenkins shows its text when it has no message attribute.
type junitSkipped struct {
	Message string `xml:",chardata"`
}

// writeJUnit renders one testsuite per cluster (and "fleet" for findings
// about no one cluster) with one testcase per rule of the catalog, so that
// the counts stay the same from run to run and a rule that holds shows as a
// passing test: the shape Jenkins, GitLab and Azure DevOps trend. A rule's
// testcase fails when the cluster has an unsuppressed finding of it at or
// above Options.FailOn (the run's --fail-on); findings below it are listed
// in the system-out of a passing testcase. A rule whose findings are all
// suppressed is skipped when they are shown, else it passes. Input errors
// are error testcases of their cluster's suite.
func writeJUnit(w io.Writer, r Result, opt Options) error {
	failOn := opt.FailOn
	if failOn == 0 {
		failOn = checks.Error
	}
	type key struct{ cluster, rule string }
	byCase := map[key][]checks.Finding{}
	clusters := map[string]bool{}
	for _, c := range r.Clusters {
		clusters[c] = true
	}
	if r.Fleet != nil {
		for c := range r.Fleet.Clusters {
			clusters[c] = true
		}
	}
	rules := append([]checks.Rule(nil), r.Rules...)
	known := map[string]bool{}
	for _, ru := range rules {
		known[ru.Code] = true
	}
	for _, f := range r.Findings {
		clusters[f.Cluster] = true
		byCase[key{f.Cluster, f.Rule}] = append(byCase[key{f.Cluster, f.Rule}], f)
		if !known[f.Rule] { // a Result without its catalog still lists its findings
			known[f.Rule] = true
			rules = append(rules, checks.Rule{Code: f.Rule, Title: f.Title})
		}
	}
	slices.SortFunc(rules, func(a, b checks.Rule) int { return strings.Compare(a.Code, b.Code) })
	errorsOf := map[string][]InputError{}
	for _, e := range r.Errors {
		clusters[e.Cluster] = true
		errorsOf[e.Cluster] = append(errorsOf[e.Cluster], e)
	}
	names := slices.Sorted(maps.Keys(clusters))
	if len(names) == 0 {
		names = []string{""}
	}
	// Fleet-wide findings and errors come first, as in the other formats.
	doc := junitSuites{Name: joinNonEmpty(" ", r.Tool, r.Command), Time: seconds(r.Elapsed)}
	for _, cluster := range names {
		s := junitSuite{Name: groupName(cluster), Time: seconds(r.Elapsed)}
		for _, ru := range rules {
			if cluster == "" && byCase[key{"", ru.Code}] == nil {
				continue // the fleet suite lists only what it has
			}
			s.Cases = append(s.Cases, ruleCase(s.Name, ru, byCase[key{cluster, ru.Code}], failOn, opt.ShowSuppressed))
		}
		for _, e := range errorsOf[cluster] {
			s.Cases = append(s.Cases, junitCase{
				Classname: s.Name,
				Name:      joinNonEmpty(" ", "input", source.Position(e.File, e.Line, e.Column)),
				Error:     &junitProblem{Message: e.Message, Type: "input", Body: joinNonEmpty(": ", inputWhere(e), e.Message)},
			})
		}
		if len(s.Cases) == 0 && cluster == "" && len(names) > 1 {
			continue
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{Classname: s.Name, Name: "meshcheck"})
		}
		countCases(&s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(out)+"\n")
	return err
}

// ruleCase is one rule's testcase in one suite, from its findings there.
func ruleCase(suite string, ru checks.Rule, fs []checks.Finding, failOn checks.Severity, showSuppressed bool) junitCase {
	c := junitCase{Classname: suite, Name: joinNonEmpty(": ", ru.Code, ru.Title)}
	var failing, below, suppressed []checks.Finding
	for _, f := range fs {
		switch {
		case f.Suppressed:
			suppressed = append(suppressed, f)
		case f.Severity >= failOn:
			failing = append(failing, f)
		default:
			below = append(below, f)
		}
	}
	text := func(fs []checks.Finding) string {
		var b strings.Builder
		for _, f := range fs {
			writeTextFinding(&b, f, false)
		}
		return b.String()
	}
	switch {
	case len(failing) > 0:
		msg := failing[0].Message
		if len(failing) > 1 {
			msg = fmt.Sprintf("%s (and %d more)", msg, len(failing)-1)
		}
		c.Failure = &junitProblem{Message: msg, Type: failing[0].Severity.String(), Body: text(failing)}
	case len(suppressed) > 0 && len(below) == 0 && showSuppressed:
		c.Skipped = &junitSkipped{Message: joinNonEmpty(": ", "suppressed", suppressed[0].SuppressedBy)}
	}
	if len(below) > 0 {
		c.SystemOut = text(below)
	}
	return c
}

// seconds is a JUnit time attribute; zero (unknown) is left out.
func seconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// countCases sets a suite's counters from its testcases, so the numbers
// cannot drift from what is listed.
func countCases(s *junitSuite) {
	s.Tests = len(s.Cases)
	for _, c := range s.Cases {
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
}
