package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
)

// parseJUnit decodes the writer's output with the writer's own types.
func parseJUnit(t *testing.T, r Result, opt Options) junitSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := writeJUnit(&buf, r, opt); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, buf.String())
	}
	return doc
}

// tally counts what each suite really lists.
type tally struct{ tests, failures, errors, skipped int }

func TestJUnitCounts(t *testing.T) {
	tests := []struct {
		name  string
		in    Result
		opt   Options
		want  tally
		names []string // suite names, in order
	}{
		// One testcase per rule (6) and cluster (3), the fleet suite's
		// MS006, and the two input errors. The warning (CP002 in west) does
		// not fail at the default --fail-on error.
		{"fixture", fixture(), Options{}, tally{tests: 21, failures: 4, errors: 2}, []string{"fleet", "east", "north", "west"}},
		{"show suppressed", fixture(), Options{ShowSuppressed: true}, tally{tests: 21, failures: 4, errors: 2, skipped: 1}, []string{"fleet", "east", "north", "west"}},
		{"fail on warning", fixture(), Options{FailOn: checks.Warning}, tally{tests: 21, failures: 5, errors: 2}, []string{"fleet", "east", "north", "west"}},
		{"fail on none", fixture(), Options{FailOn: FailNever}, tally{tests: 21, errors: 2}, []string{"fleet", "east", "north", "west"}},
		// The same clusters without findings: the same number of tests.
		{"clean clusters", Result{Rules: fixtureRules(), Clusters: []string{"east", "west", "north"}}, Options{}, tally{tests: 18}, []string{"east", "north", "west"}},
		{"clean", clean(), Options{}, tally{tests: 1}, []string{"fleet"}},
		{"only suppressed", Result{Findings: []checks.Finding{{Rule: "A", Cluster: "c", Suppressed: true}}}, Options{},
			tally{tests: 1}, []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseJUnit(t, tt.in, tt.opt)
			var total tally
			var names []string
			for _, s := range doc.Suites {
				names = append(names, s.Name)
				var got tally
				for _, c := range s.Cases {
					got.tests++
					switch {
					case c.Failure != nil:
						got.failures++
					case c.Error != nil:
						got.errors++
					case c.Skipped != nil:
						got.skipped++
					}
				}
				if want := (tally{s.Tests, s.Failures, s.Errors, s.Skipped}); got != want {
					t.Errorf("suite %s attributes say %+v, testcases say %+v", s.Name, want, got)
				}
				total.tests += got.tests
				total.failures += got.failures
				total.errors += got.errors
				total.skipped += got.skipped
			}
			// testsuites has no skipped attribute in the Jenkins schema.
			if attrs := (tally{doc.Tests, doc.Failures, doc.Errors, total.skipped}); attrs != total {
				t.Errorf("testsuites attributes say %+v, testcases say %+v", attrs, total)
			}
			if total != tt.want {
				t.Errorf("got %+v, want %+v", total, tt.want)
			}
			if diff := cmp.Diff(tt.names, names); diff != "" {
				t.Errorf("suite names (-want +got):\n%s", diff)
			}
		})
	}
}

// A finding below --fail-on is not a failure, but its testcase says so.
func TestJUnitListsFindingsBelowFailOn(t *testing.T) {
	doc := parseJUnit(t, fixture(), Options{})
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if s.Name == "west" && strings.HasPrefix(c.Name, "CP002") {
				if c.Failure != nil || !strings.Contains(c.SystemOut, "WARNING CP002 remote cluster runs Deployment istiod") {
					t.Errorf("west CP002: failure %v, system-out %q", c.Failure, c.SystemOut)
				}
				return
			}
		}
	}
	t.Error("no testcase for CP002 in west")
}

// Messages quote YAML and URLs; the XML must survive any of it.
func TestJUnitEscaping(t *testing.T) {
	msg := "a <b> & \"c\" ]]> \x1b[31m\nline2"
	r := Result{Findings: []checks.Finding{{Rule: "X001", Severity: checks.Error, Cluster: `e"&<`, Message: msg}}}
	doc := parseJUnit(t, r, Options{})
	c := doc.Suites[0].Cases[0]
	if c.Classname != `e"&<` {
		t.Errorf("classname = %q", c.Classname)
	}
	// encoding/xml replaces the ESC control character, which XML 1.0 cannot carry.
	if want := strings.Replace(msg, "\x1b", "\uFFFD", 1); c.Failure.Message != want {
		t.Errorf("failure message = %q, want %q", c.Failure.Message, want)
	}
}
