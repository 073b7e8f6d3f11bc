package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/internal/golden"
)

// TestGoldenOutputs pins what users see on the bundled example fleet, in
// each format. Regenerate with `go test ./cmd/meshcheck -run Golden -update`
// after an intended change, and read the diff.
//
// A SARIF log lists every rule of the catalog, which would make each new
// rule change the golden: there, the catalog is checked rule by rule
// against the rules' METADATA (sarifCatalog), and the golden keeps the
// rules the findings use.
func TestGoldenOutputs(t *testing.T) {
	goldenDir, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "yaml", "sarif", "junit", "github", "markdown"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := runCLI(t, "../..", "", "lint", "--no-config", "--fleet", "examples/fleet", "-o", format)
			if code != exitFindings {
				t.Fatalf("exit %d, want %d: %s", code, exitFindings, errs)
			}
			if format == "sarif" {
				out = sarifCatalog(t, out, checkstest.Engine(t).Rules())
			}
			if format == "junit" {
				out = junitCatalog(t, out, len(checkstest.Engine(t).Rules()))
			}
			golden.Check(t, filepath.Join(goldenDir, "example-fleet."+format), []byte(out))
		})
	}
}

// TestGoldenModel pins the fleet model of the example fleet: the document
// every rule reads and users' rules depend on (docs/model.md,
// docs/schema/model.schema.json). A change to it is a change of contract:
// regenerate with -update and read the diff.
func TestGoldenModel(t *testing.T) {
	code, out, errs := runCLI(t, "../..", "", "lint", "--no-config", "--fleet", "examples/fleet", "--show-model")
	if code != exitClean {
		t.Fatalf("exit %d, want %d: %s", code, exitClean, errs)
	}
	checkSchema(t, "model", out)
	golden.Check(t, filepath.Join(repoRoot, "cmd", "meshcheck", "testdata", "golden", "example-fleet.model.json"), []byte(out))
}

var (
	junitTime    = regexp.MustCompile(` time="[0-9.]+"`)
	junitTests   = regexp.MustCompile(` tests="[0-9]+"`)
	junitPassing = regexp.MustCompile(`(?m)^\s*<testcase classname="[^"]*" name="[^"]*"></testcase>\n`)
)

// junitCatalog checks that every cluster's suite has one testcase per rule
// of the catalog, then keeps only the testcases with something to say, so
// that adding a rule does not change the golden (as sarifCatalog does), and
// drops how long the run took.
func junitCatalog(t *testing.T, out string, rules int) string {
	t.Helper()
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("junit: %v", err)
	}
	for _, s := range doc.Suites {
		if s.Name != "fleet" && len(s.Cases) != rules {
			t.Errorf("junit suite %s has %d testcases, want one per rule (%d)", s.Name, len(s.Cases), rules)
		}
	}
	out = junitTime.ReplaceAllString(out, ` time="0.000"`)
	out = junitTests.ReplaceAllString(out, ` tests="(one per rule)"`)
	return junitPassing.ReplaceAllString(out, "")
}

// object is a JSON object that keeps its keys' order, so that what the
// test rewrites reads as the writer wrote it.
type object []member

type member struct {
	Key   string
	Value json.RawMessage
}

func (o *object) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, member{k.(string), v})
	}
	return nil
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// get decodes the value of key into v.
func (o object) get(t *testing.T, key string, v any) {
	t.Helper()
	i := slices.IndexFunc(o, func(m member) bool { return m.Key == key })
	if i < 0 {
		t.Fatalf("SARIF: no %q", key)
	}
	if err := json.Unmarshal(o[i].Value, v); err != nil {
		t.Fatalf("SARIF %q: %v", key, err)
	}
}

// set encodes v as the value of key, which must be there.
func (o object) set(t *testing.T, key string, v any) {
	t.Helper()
	i := slices.IndexFunc(o, func(m member) bool { return m.Key == key })
	b, err := marshal(v)
	if i < 0 || err != nil {
		t.Fatalf("SARIF: set %q: %v", key, err)
	}
	o[i].Value = b
}

// marshal encodes as report's writer does: HTML characters as they are.
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// sarifRule is what the catalog check reads of a reportingDescriptor.
type sarifRule struct {
	ID               string `json:"id"`
	ShortDescription struct {
		Text string `json:"text"`
	} `json:"shortDescription"`
	FullDescription struct {
		Text string `json:"text"`
	} `json:"fullDescription"`
	Help struct {
		Text string `json:"text"`
	} `json:"help"`
	HelpURI              string `json:"helpUri"`
	DefaultConfiguration struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties struct {
		Dimensions []string `json:"dimensions"`
		Scope      string   `json:"scope"`
	} `json:"properties"`
}

// sarifCatalog checks that the SARIF log out lists every rule of catalog,
// in its order, with its METADATA, and that every result's ruleIndex
// points at its rule; it returns the log with only the rules the results
// use, re-indexed, for the golden.
func sarifCatalog(t *testing.T, out string, catalog []checks.Rule) string {
	t.Helper()
	var log object
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	var runs []object
	log.get(t, "runs", &runs)
	if len(runs) != 1 {
		t.Fatalf("SARIF: %d runs, want 1", len(runs))
	}
	var tool, driver object
	runs[0].get(t, "tool", &tool)
	tool.get(t, "driver", &driver)
	var raw []json.RawMessage
	driver.get(t, "rules", &raw)
	if len(raw) != len(catalog) {
		t.Errorf("SARIF lists %d rules; the catalog has %d", len(raw), len(catalog))
	}
	level := map[checks.Severity]string{checks.Error: "error", checks.Warning: "warning", checks.Info: "note"}
	for i, r := range catalog {
		if i >= len(raw) {
			break
		}
		var got sarifRule
		if err := json.Unmarshal(raw[i], &got); err != nil {
			t.Fatal(err)
		}
		var want sarifRule
		want.ID, want.HelpURI = r.Code, r.Docs
		want.ShortDescription.Text, want.FullDescription.Text, want.Help.Text = r.Title, r.Description, r.Remediation
		want.DefaultConfiguration.Level = level[r.Severity]
		want.Properties.Dimensions, want.Properties.Scope = r.Dimensions, r.Scope
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("SARIF rule %d:\n got %+v\nwant %+v", i, got, want)
		}
	}

	// The golden keeps the rules the results use, in the catalog's order.
	var results []object
	runs[0].get(t, "results", &results)
	used := map[int]bool{}
	for _, res := range results {
		var id string
		var index int
		res.get(t, "ruleId", &id)
		res.get(t, "ruleIndex", &index)
		var r sarifRule
		if index < 0 || index >= len(raw) || json.Unmarshal(raw[index], &r) != nil || r.ID != id {
			t.Fatalf("SARIF result of %s has ruleIndex %d, which is not its rule", id, index)
		}
		used[index] = true
	}
	var kept []json.RawMessage
	newIndex := map[int]int{}
	for i, r := range raw {
		if used[i] {
			newIndex[i] = len(kept)
			kept = append(kept, r)
		}
	}
	for _, res := range results {
		var index int
		res.get(t, "ruleIndex", &index)
		res.set(t, "ruleIndex", newIndex[index])
	}
	driver.set(t, "rules", kept)
	tool.set(t, "driver", driver)
	runs[0].set(t, "tool", tool)
	runs[0].set(t, "results", results)
	log.set(t, "runs", runs)
	b, err := marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	return indented.String() + "\n"
}
