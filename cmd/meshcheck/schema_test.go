package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON report and the fleet model are public contracts, each described
// by a JSON Schema in docs/schema/. Every JSON report and model the CLI
// tests decode is checked against its schema (decodeReport, decodeAudit,
// decodeModel), so a field added without its schema entry fails here.
var schemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"report", "model"} {
		path, err := filepath.Abs(filepath.Join(repoRoot, "docs", "schema", name+".schema.json"))
		if err != nil {
			return nil, err
		}
		s, err := c.Compile(path)
		if err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, nil
})

// repoRoot is the repository root, from this package's directory (tests
// that t.Chdir elsewhere load the schemas before they do).
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..")
}()

// checkSchema fails t when doc (JSON text) does not match docs/schema/<name>.schema.json.
func checkSchema(t *testing.T, name, doc string) {
	t.Helper()
	s, err := schemas()
	if err != nil {
		t.Fatalf("docs/schema: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	if err := s[name].Validate(v); err != nil {
		t.Errorf("output does not match docs/schema/%s.schema.json: %v", name, err)
	}
}

// decodeModel decodes a --show-model document after checking its schema.
func decodeModel(t *testing.T, out string, into any) {
	t.Helper()
	checkSchema(t, "model", out)
	if err := json.Unmarshal([]byte(out), into); err != nil {
		t.Fatalf("model: %v\n%s", err, out)
	}
}

// TestOutputsMatchTheirSchemas lints every fleet of the test data and the
// example fleet, and checks the JSON report and the model of each against
// docs/schema/: the many shapes real repositories give (GitOps, Terraform,
// rendered installs, Sail, external control planes) in one sweep.
func TestOutputsMatchTheirSchemas(t *testing.T) {
	var fleets []string
	for _, pattern := range []string{"examples/fleet", "testdata/real/*", "testdata/corpus/*/*", "testdata/mistakes/*", "testdata/referee/*", "testdata/gitops/*", "testdata/terraform/*"} {
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
	if len(fleets) < 50 {
		t.Fatalf("found %d fleets, the test data has more than 50", len(fleets))
	}
	if testing.Short() {
		fleets = fleets[:1]
	}
	for _, dir := range fleets {
		rel, _ := filepath.Rel(repoRoot, dir)
		t.Run(rel, func(t *testing.T) {
			_, model, _ := runCLI(t, dir, "", "lint", "--no-config", "--fleet", ".", "--show-model")
			checkSchema(t, "model", model)
			_, report, _ := runCLI(t, dir, "", "lint", "--no-config", "--fleet", ".", "-o", "json", "--fail-on", "none")
			checkSchema(t, "report", report)
		})
	}
}

// TestSchemasRejectWhatTheyDoNotDescribe: the schemas are strict, so that a
// field the code adds without documenting it fails the tests above.
func TestSchemasRejectWhatTheyDoNotDescribe(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "golden", "example-fleet.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, "report", string(golden))
	s, err := schemas()
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"report": strings.Replace(string(golden), `"rule": "CP007",`, `"rule": "CP007", "undocumented": 1,`, 1),
		"model":  `{"apiVersion": "meshcheck.io/v1alpha1", "kind": "Fleet", "clusters": {"c": {"name": "c", "role": "leader"}}, "meshes": [], "networks": {}, "links": [], "groups": {"strong": {}, "linked": {}}}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if s[name].Validate(v) == nil {
			t.Errorf("docs/schema/%s.schema.json accepts a document it does not describe", name)
		}
	}
}
