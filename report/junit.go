package report

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// The JUnit XML shape most CI systems read (Jenkins, GitLab, Azure DevOps).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// writeJUnit renders one testsuite per cluster ("fleet" for fleet-wide
// findings): a failing testcase per finding, a skipped one per suppressed
// finding when they are shown, an error per input error, and a passing
// "meshcheck" testcase in every suite with nothing wrong, so that a clean
// run still shows up in CI as tests that passed.
func writeJUnit(w io.Writer, r Result, opt Options) error {
	var suites []junitSuite
	index := map[string]int{}
	suite := func(cluster string) *junitSuite {
		i, ok := index[cluster]
		if !ok {
			i = len(suites)
			index[cluster] = i
			suites = append(suites, junitSuite{Name: groupName(cluster)})
		}
		return &suites[i]
	}
	for _, f := range r.Findings {
		s := suite(f.Cluster) // also for hidden suppressed ones: the cluster was checked
		if f.Suppressed && !opt.ShowSuppressed {
			continue
		}
		c := junitCase{Classname: s.Name, Name: joinNonEmpty(" ", f.Rule, f.Object.String())}
		if f.Suppressed {
			c.Skipped = &junitSkipped{Message: joinNonEmpty(": ", "suppressed", f.SuppressedBy)}
		} else {
			var body strings.Builder
			writeTextFinding(&body, f, false)
			c.Failure = &junitProblem{Message: f.Message, Type: f.Severity.String(), Body: body.String()}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, e := range r.Errors {
		s := suite(e.Cluster)
		s.Cases = append(s.Cases, junitCase{
			Classname: s.Name,
			Name:      joinNonEmpty(" ", "input", source.Position(e.File, e.Line, e.Column)),
			Error:     &junitProblem{Message: e.Message, Type: "input", Body: joinNonEmpty(": ", inputWhere(e), e.Message)},
		})
	}
	if len(suites) == 0 {
		suite("")
	}
	doc := junitSuites{Name: joinNonEmpty(" ", r.Tool, r.Command)}
	for i := range suites {
		s := &suites[i]
		countCases(s)
		if s.Failures == 0 && s.Errors == 0 {
			s.Cases = append(s.Cases, junitCase{Classname: s.Name, Name: "meshcheck"})
			s.Tests++
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	doc.Suites = suites
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(out)+"\n")
	return err
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
