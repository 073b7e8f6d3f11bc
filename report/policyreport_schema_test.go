package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
)

// policyReportCRD is the real wg-policy PolicyReport CRD, as installed in
// the envtest API servers (its header says where it came from).
const policyReportCRD = "../testdata/crds/wgpolicyk8s.io_policyreports.yaml"

// policyReportSchemas compiles the openAPIV3Schema of the CRD's v1alpha2
// (what meshcheck writes) and v1beta1 (the stored version, what readers of
// the stored report get) as JSON Schema, made strict: every object schema
// that lists its properties and neither allows others nor preserves
// unknown fields gets additionalProperties: false. The API server prunes
// such fields without a word, so a field the schema does not have would be
// lost on apply: here it fails instead.
var policyReportSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	b, err := os.ReadFile(policyReportCRD)
	if err != nil {
		return nil, err
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(b, &crd); err != nil {
		return nil, err
	}
	out := map[string]*jsonschema.Schema{}
	c := jsonschema.NewCompiler()
	for _, v := range crd.Spec.Versions {
		if v.Name != "v1alpha2" && v.Name != "v1beta1" {
			continue
		}
		strict(v.Schema.OpenAPIV3Schema)
		url := "mem:///policyreport-" + v.Name + ".json"
		if err := c.AddResource(url, v.Schema.OpenAPIV3Schema); err != nil {
			return nil, err
		}
		if out[v.Name], err = c.Compile(url); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	if len(out) != 2 {
		return nil, fmt.Errorf("%s: want the v1alpha2 and v1beta1 schemas, found %d", policyReportCRD, len(out))
	}
	return out, nil
})

// strict closes every object schema with listed properties (see above), and
// turns the API server's nullable into JSON Schema's null type.
func strict(s map[string]any) {
	if _, ok := s["properties"].(map[string]any); ok && s["x-kubernetes-preserve-unknown-fields"] != true {
		if _, set := s["additionalProperties"]; !set {
			s["additionalProperties"] = false
		}
	}
	if s["nullable"] == true {
		if t, ok := s["type"].(string); ok {
			s["type"] = []any{t, "null"}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for _, p := range props {
			if m, ok := p.(map[string]any); ok {
				strict(m)
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if m, ok := s[k].(map[string]any); ok {
			strict(m)
		}
	}
}

// validatePolicyReports checks each YAML document of out against both
// schemas and returns the problems, and how many results it checked.
func validatePolicyReports(t *testing.T, out string) (problems []string, results int) {
	t.Helper()
	schemas, err := policyReportSchemas()
	if err != nil {
		t.Fatalf("compile the PolicyReport CRD's schemas: %v", err)
	}
	for i, doc := range strings.Split(out, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue // no clusters, no reports
		}
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return append(problems, fmt.Sprintf("document %d: %v", i, err)), results
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			return append(problems, fmt.Sprintf("document %d: %v", i, err)), results
		}
		for _, version := range []string{"v1alpha2", "v1beta1"} {
			if err := schemas[version].Validate(v); err != nil {
				problems = append(problems, fmt.Sprintf("document %d against %s: %v", i, version, err))
			}
		}
		if m, ok := v.(map[string]any); ok {
			rs, _ := m["results"].([]any)
			results += len(rs)
		}
	}
	return problems, results
}

func TestPolicyReportMatchesCRDSchema(t *testing.T) {
	audit := fixture()
	audit.Command = "audit"
	audit.Clusters = []string{"east", "west", "quiet", "doomed"}
	audit.Errors = append(audit.Errors, InputError{Cluster: "doomed", Message: "context doomed: the server could not be reached"})
	cleanRun := clean()
	cleanRun.Clusters = []string{"east", "west"}
	total := 0
	for _, tt := range []struct {
		name string
		in   Result
	}{{"fixture", audit}, {"clean", cleanRun}, {"zero value", Result{}}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, "policyreport", tt.in, Options{}); err != nil {
				t.Fatal(err)
			}
			problems, n := validatePolicyReports(t, buf.String())
			for _, p := range problems {
				t.Error(p)
			}
			total += n
		})
	}
	// The in-cluster reports (clusterreport, the webhook) use the same
	// results with passes and timestamps.
	t.Run("passes and timestamps", func(t *testing.T) {
		at := TimestampOf(time.Date(2026, 5, 1, 12, 0, 0, 123, time.UTC))
		pass := PassResult(checks.Rule{Code: "NW001", Title: "t", Dimensions: []string{"network"}, Docs: "https://d"}, checks.Error, "no findings")
		pass.Timestamp = at
		fail := PolicyResultOf(fixtureFindings()[fxFull], "network")
		fail.Timestamp = at
		rep := policyReport{APIVersion: PolicyReportAPIVersion, Kind: "PolicyReport",
			Metadata: policyReportMeta{Name: "n", Namespace: "istio-system"},
			Results:  []PolicyResult{pass, fail}, Summary: PolicySummary{Pass: 1, Fail: 1}}
		b, err := yaml.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		problems, n := validatePolicyReports(t, string(b))
		for _, p := range problems {
			t.Error(p)
		}
		total += n
	})
	t.Logf("%d PolicyReport results validated against the v1alpha2 and v1beta1 schemas of %s", total, filepath.Base(policyReportCRD))
}

// The strict schema must be able to fail, on what the API server would
// reject or silently drop.
func TestPolicyReportSchemaCatchesMistakes(t *testing.T) {
	const head = "apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: n, namespace: ns}\n"
	tests := []struct{ name, doc, want string }{
		{"unknown result", head + "results: [{policy: p, result: ok}]", "result"},
		{"unknown severity", head + "results: [{policy: p, severity: severe}]", "severity"},
		{"field the server prunes", head + "results: [{policy: p, remediation: r}]", "additional properties 'remediation'"},
		{"no policy", head + "results: [{rule: r}]", "missing property 'policy'"},
		{"timestamp without nanos", head + "results: [{policy: p, timestamp: {seconds: 1}}]", "missing property 'nanos'"},
		{"non-string property", head + "results: [{policy: p, properties: {n: 1}}]", "properties"},
		{"summary as text", head + "summary: {pass: many}", "summary"},
		{"top-level field", head + "cluster: east", "additional properties 'cluster'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, _ := validatePolicyReports(t, tt.doc)
			if all := strings.Join(problems, "\n"); !strings.Contains(all, tt.want) {
				t.Errorf("problems %q, want one containing %q", all, tt.want)
			}
		})
	}
	if problems, _ := validatePolicyReports(t, head+"results: [{policy: p, result: pass, severity: info, scored: true, properties: {a: b}}]\nsummary: {pass: 1}"); len(problems) > 0 {
		t.Errorf("a valid report fails: %v", problems)
	}
}
