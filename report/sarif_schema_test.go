package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// schemasDir holds the consumers' own schemas, vendored unchanged; its
// SOURCE.md says where each came from.
const schemasDir = "../testdata/schemas"

// sarifSchema is the OASIS SARIF 2.1.0 schema (errata01), compiled once.
var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	path, err := filepath.Abs(filepath.Join(schemasDir, "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri and uri-reference are what code-scanning UIs trip on
	return c.Compile(path)
})

// validateSARIF checks doc against the SARIF 2.1.0 schema.
func validateSARIF(doc []byte) error {
	s, err := sarifSchema()
	if err != nil {
		return fmt.Errorf("compile the SARIF schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return s.Validate(v)
}

// githubProblems lists what GitHub code scanning rejects beyond the schema:
// a result whose first location has no physicalLocation with a non-empty
// artifactLocation.uri, or whose uri is absolute with a scheme other than
// file ("unrecognized SARIF location URI scheme").
func githubProblems(doc []byte) []string {
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation *struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, run := range log.Runs {
		for i, res := range run.Results {
			switch {
			case len(res.Locations) == 0:
				out = append(out, fmt.Sprintf("result %d (%s) has no location", i, res.RuleID))
			case res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.ArtifactLocation == nil ||
				res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "":
				out = append(out, fmt.Sprintf("result %d (%s) has no physicalLocation.artifactLocation.uri", i, res.RuleID))
			default:
				uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
				if u, err := url.Parse(uri); err != nil || (u.IsAbs() && u.Scheme != "file") {
					out = append(out, fmt.Sprintf("result %d (%s): artifact %q is neither relative nor file://", i, res.RuleID, uri))
				}
			}
		}
	}
	return out
}

// sarifCases are the Results every SARIF test renders: lint and audit
// runs, inputs that stress escaping and uniqueness, and the zero value.
func sarifCases() []struct {
	name string
	in   Result
} {
	odd := fixture()
	odd.Findings[0].File = "/abs/dir with space/x.yaml"
	dup := odd.Findings[0].Related[0]
	dup.Path = "spec.other"                                                                    // differs only by a field SARIF does not show
	odd.Findings[0].Related = append(odd.Findings[0].Related, odd.Findings[0].Related[0], dup) // duplicates must collapse
	odd.Rules = append(odd.Rules, odd.Rules[0])                                                // so must repeated rules
	odd.Rules[1].Docs = "relative/docs.md"                                                     // helpUri must be absolute
	// An audit without --snapshot: nothing has a file; EKS-style context
	// names hold ':' and '/'.
	live := fixture()
	live.Command = "audit"
	for i := range live.Findings {
		f := &live.Findings[i]
		f.File, f.Line, f.Column = "", 0, 0
		if f.Cluster == "east" {
			f.Cluster = "arn:aws:eks:eu-west-1:123456789012:cluster/east"
		}
		for j := range f.Related {
			f.Related[j].File, f.Related[j].Line, f.Related[j].Column = "", 0, 0
		}
	}
	return []struct {
		name string
		in   Result
	}{
		{"fixture", fixture()},
		{"clean", clean()},
		{"odd inputs", odd},
		{"audit without files", live},
		{"zero value", Result{}},
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	results := 0
	for _, tt := range sarifCases() {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeSARIF(&buf, tt.in, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(buf.Bytes()); err != nil {
				t.Errorf("%v\n%s", err, buf.String())
			}
			for _, p := range githubProblems(buf.Bytes()) {
				t.Error(p)
			}
			results += len(tt.in.Findings)
		})
	}
	t.Logf("%d SARIF results validated against %s", results, filepath.Join(schemasDir, "sarif-schema-2.1.0.json"))
}

// Every result has a physical location: the finding's file; for a
// fleet-wide finding the first related file; else the live object's
// artifact, one per object, under meshcheck-<command>/.
func TestSARIFPhysicalLocations(t *testing.T) {
	iop := model.ObjectRef{Kind: "IstioOperator", Namespace: "istio-system", Name: "installed-state"}
	tests := []struct {
		name    string
		command string
		f       checks.Finding
		want    sarifPhysical
	}{
		{"file", "lint", checks.Finding{Cluster: "east", Object: iop, File: "a/b.yaml", Line: 3, Column: 2},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "a/b.yaml", URIBaseID: srcRoot}, Region: &sarifRegion{StartLine: 3, StartColumn: 2}}},
		{"fleet-wide, related files", "lint", checks.Finding{Related: []model.Source{
			{Cluster: "east", Object: iop}, {Cluster: "west", Object: iop, File: "west/iop.yaml", Line: 9}, {Cluster: "x", File: "x.yaml"}}},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "west/iop.yaml", URIBaseID: srcRoot}, Region: &sarifRegion{StartLine: 9}}},
		{"live namespaced object", "audit", checks.Finding{Cluster: "east", Object: iop},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "meshcheck-audit/east/IstioOperator/istio-system/installed-state",
				Description: &sarifText{Text: "IstioOperator istio-system/installed-state in cluster east: no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}}},
		{"live cluster-scoped object, escaped context", "audit",
			checks.Finding{Cluster: "arn:aws:eks:eu-west-1:1:cluster/prod east", Object: model.ObjectRef{Kind: "Namespace", Name: "istio-system"}},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "meshcheck-audit/arn:aws:eks:eu-west-1:1:cluster%2Fprod%20east/Namespace/istio-system",
				Description: &sarifText{Text: "Namespace istio-system in cluster arn:aws:eks:eu-west-1:1:cluster/prod east: no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}}},
		{"live cluster as a whole", "audit", checks.Finding{Cluster: "east"},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "meshcheck-audit/east",
				Description: &sarifText{Text: "cluster east: no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}}},
		{"live fleet-wide", "audit", checks.Finding{Related: []model.Source{{Cluster: "east", Object: iop}}},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "meshcheck-audit",
				Description: &sarifText{Text: "the fleet: no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}}},
		// A finding about an object keeps its own place, never a related one.
		{"live object with related files", "audit", checks.Finding{Cluster: "east", Object: iop, Related: []model.Source{{File: "x.yaml"}}},
			sarifPhysical{ArtifactLocation: sarifArtifact{URI: "meshcheck-audit/east/IstioOperator/istio-system/installed-state",
				Description: &sarifText{Text: "IstioOperator istio-system/installed-state in cluster east: no file; audit --snapshot DIR gives findings the snapshot's files and lines"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Rule, tt.f.Message = "X001", "m"
			res := sarifOf(t, Result{Tool: "meshcheck", Command: tt.command, Findings: []checks.Finding{tt.f}}).Runs[0].Results[0]
			got := res.Locations[0].PhysicalLocation
			if got == nil {
				t.Fatal("no physicalLocation")
			}
			if d := cmp.Diff(tt.want, *got); d != "" {
				t.Errorf("physicalLocation (-want +got):\n%s", d)
			}
		})
	}
}

// The validator and the GitHub checks must be able to fail: documents that
// break the schema in the ways a writer could.
func TestSARIFValidatorCatchesMistakes(t *testing.T) {
	const result = `{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]`
	tests := []struct {
		name, doc, want string
	}{
		{"missing runs", `{"version":"2.1.0"}`, "missing property 'runs'"},
		{"bad version", `{"version":"2.0.0","runs":[]}`, "2.1.0"},
		{"unknown property", `{"version":"2.1.0","runs":[],"extra":1}`, "additional properties 'extra' not allowed"},
		{"missing driver name", `{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`, "missing property 'name'"},
		{"zero line", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`, "minimum"},
		{"duplicate related", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"relatedLocations":[{"message":{"text":"a"}},{"message":{"text":"a"}}]}]}]}`, "items at 0 and 1 are equal"},
		{"relative helpUri", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A","helpUri":"docs/a.md"}]}}}]}`, "is not valid uri:"},
		{"bad artifact uri", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a b%zz"}}}]}]}]}`, "is not valid uri-reference"},
		{"bad suppression", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"suppressions":[{"kind":"annotation"}]}]}]}`, "inSource"},
		{"null tags", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A","properties":{"tags":null}}]}}}]}`, "want array"},
		{"no physical location", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"locations":[{"logicalLocations":[{"name":"fleet"}]}]}]}]}`, "no physicalLocation.artifactLocation.uri"},
		{"web address", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"locations":[{"physicalLocation":{"artifactLocation":{"uri":"https://cluster/api"}}}]}]}]}`, "neither relative nor file://"},
		{"valid", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[` + result + `}]}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			if err := validateSARIF([]byte(tt.doc)); err != nil {
				got = append(got, err.Error())
			}
			got = append(got, githubProblems([]byte(tt.doc))...)
			all := strings.Join(got, "\n")
			if tt.want == "" && all != "" || !strings.Contains(all, tt.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", all, tt.want)
			}
		})
	}
}

// The vendored schema is the OASIS one, unchanged since it was vendored:
// its id, and the digest testdata/schemas/SOURCE.md records.
func TestSARIFSchemaIsOASIS(t *testing.T) {
	b := vendored(t, "sarif-schema-2.1.0.json")
	var head struct {
		Schema string `json:"$schema"`
		ID     string `json:"id"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		t.Fatal(err)
	}
	if head.ID != "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json" {
		t.Errorf("id = %q, want the OASIS errata01 schema", head.ID)
	}
}

// vendored reads testdata/schemas/name and checks its SHA-256 against the
// one SOURCE.md gives for it.
func vendored(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(schemasDir, name))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(schemasDir, "SOURCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	m := regexp.MustCompile("(?m)^- sha256 `([0-9a-f]{64})` " + regexp.QuoteMeta("`"+name+"`")).FindSubmatch(src)
	if m == nil {
		t.Fatalf("SOURCE.md gives no sha256 for %s", name)
	}
	if got := hex.EncodeToString(sum[:]); got != string(m[1]) {
		t.Errorf("%s: sha256 %s, SOURCE.md says %s: the vendored copy was changed", name, got, m[1])
	}
	return b
}
