package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The SARIF and JUnit that real runs write are checked against their
// consumers' own schemas, vendored in testdata/schemas (SOURCE.md there says
// from where): the OASIS SARIF 2.1.0 schema, and the Jenkins JUnit XSD
// through xmllint. On top of the SARIF schema, GitHub code scanning rejects
// a result without a physical location, so every result must have one.

var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	return c.Compile(filepath.Join(repoRoot, "testdata", "schemas", "sarif-schema-2.1.0.json"))
})

// sarifResult is what the tests read of a result: its rule, cluster and
// primary location.
type sarifResult struct {
	RuleID     string `json:"ruleId"`
	Properties struct {
		Cluster string `json:"cluster"`
	} `json:"properties"`
	Locations []struct {
		PhysicalLocation *struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region *struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

// sarifProblems returns how doc breaks the SARIF 2.1.0 schema or GitHub
// code scanning's rules (a result without a physical location, or at a web
// address, is rejected), and its results.
func sarifProblems(doc string) ([]string, []sarifResult, error) {
	s, err := sarifSchema()
	if err != nil {
		return nil, nil, err
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return nil, nil, err
	}
	var problems []string
	if err := s.Validate(v); err != nil {
		problems = append(problems, "does not match the SARIF 2.1.0 schema: "+err.Error())
	}
	var log struct {
		Runs []struct {
			Results []sarifResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(doc), &log); err != nil {
		return nil, nil, err
	}
	var out []sarifResult
	for _, run := range log.Runs {
		for _, r := range run.Results {
			if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation == nil || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
				problems = append(problems, fmt.Sprintf("%s result (cluster %q) has no physical location: GitHub code scanning rejects the upload", r.RuleID, r.Properties.Cluster))
				continue
			}
			if u, err := url.Parse(r.Locations[0].PhysicalLocation.ArtifactLocation.URI); err != nil || (u.IsAbs() && u.Scheme != "file") {
				problems = append(problems, fmt.Sprintf("%s result: artifact %q is neither a relative path nor a file URI", r.RuleID, r.Locations[0].PhysicalLocation.ArtifactLocation.URI))
			}
			out = append(out, r)
		}
	}
	return problems, out, nil
}

// checkSARIF fails t when sarifProblems finds any, and returns the results.
func checkSARIF(t *testing.T, doc string) []sarifResult {
	t.Helper()
	problems, results, err := sarifProblems(doc)
	if err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	return results
}

// junitProblem returns what xmllint says when doc is not valid against the
// Jenkins JUnit XSD. Without xmllint it is an error (make test-deps
// installs it), so tests fail rather than skip.
func junitProblem(ctx context.Context, doc string) (string, error) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		return "", fmt.Errorf("xmllint not found (%w): run `make test-deps`, which installs it (Debian's libxml2-utils)", err)
	}
	cmd := exec.CommandContext(ctx, xmllint, "--noout", "--nonet", "--schema",
		filepath.Join(repoRoot, "testdata", "schemas", "jenkins-junit.xsd"), "-")
	cmd.Stdin = strings.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if _, invalid := err.(*exec.ExitError); invalid {
		return strings.TrimSpace(string(out)), nil
	}
	return "", err
}

// checkJUnit fails t when doc is not valid against jenkins-junit.xsd.
func checkJUnit(t *testing.T, doc string) {
	t.Helper()
	msg, err := junitProblem(t.Context(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if msg != "" {
		t.Errorf("JUnit is not valid against jenkins-junit.xsd:\n%s", msg)
	}
}

// TestLintOutputsMatchConsumerSchemas lints the example fleet (and, without
// -short, every fleet of the test data) to SARIF and JUnit and checks both
// against their consumers' schemas.
func TestLintOutputsMatchConsumerSchemas(t *testing.T) {
	fleets := []string{filepath.Join(repoRoot, "examples", "fleet")}
	if !testing.Short() {
		for _, pattern := range []string{"testdata/real/*", "testdata/corpus/*/*", "testdata/mistakes/*", "testdata/referee/*", "testdata/gitops/*", "testdata/terraform/*"} {
			dirs, err := filepath.Glob(filepath.Join(repoRoot, pattern))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range dirs {
				if fi, err := os.Stat(d); err == nil && fi.IsDir() {
					fleets = append(fleets, d)
				}
			}
		}
	}
	results, placeholders := 0, 0
	for _, dir := range fleets {
		rel, _ := filepath.Rel(repoRoot, dir)
		t.Run(rel, func(t *testing.T) {
			_, sarif, errs := runCLI(t, dir, "", "lint", "--no-config", "--fleet", ".", "-o", "sarif", "--fail-on", "none")
			rs := checkSARIF(t, sarif)
			if rel == filepath.Join("examples", "fleet") && len(rs) == 0 {
				t.Fatalf("the example fleet gave no SARIF results: %s", errs)
			}
			for _, r := range rs {
				if pl := r.Locations[0].PhysicalLocation; strings.HasPrefix(pl.ArtifactLocation.URI, "meshcheck-lint") {
					placeholders++ // a fleet-wide finding that names no file
				} else if pl.Region == nil {
					t.Errorf("%s: lint result at %s has no region", r.RuleID, pl.ArtifactLocation.URI)
				}
			}
			results += len(rs)
			_, junit, _ := runCLI(t, dir, "", "lint", "--no-config", "--fleet", ".", "-o", "junit", "--fail-on", "none")
			checkJUnit(t, junit)
		})
	}
	t.Logf("%d fleets: %d SARIF results valid against the SARIF 2.1.0 schema (%d placed at the run's artifact for want of a file), JUnit valid against jenkins-junit.xsd",
		len(fleets), results, placeholders)
}

// The checks must be able to fail.
func TestConsumerSchemaChecksFail(t *testing.T) {
	for name, doc := range map[string]string{
		"no physical location": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"A","message":{"text":"m"},"locations":[{"logicalLocations":[{"name":"fleet"}]}]}]}]}`,
		"schema":               `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]}]}]}`,
		"web address":          `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"A","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"https://east/api"}}}]}]}]}`,
	} {
		if problems, _, err := sarifProblems(doc); err != nil || len(problems) == 0 {
			t.Errorf("%s: sarifProblems = %v, %v; want a problem", name, problems, err)
		}
	}
	if msg, err := junitProblem(t.Context(), `<testsuites skipped="1"/>`); err != nil || !strings.Contains(msg, "skipped") {
		t.Errorf("junitProblem of skipped on testsuites = %q, %v", msg, err)
	}
}
