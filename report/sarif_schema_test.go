package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sarifSchema is a hand copy of the parts of the SARIF 2.1.0 JSON schema
// (OASIS Committee Specification, sarif-schema-2.1.0.json) that describe
// what meshcheck emits. The real schema cannot be fetched in CI without
// network, and a full JSON Schema validator would be a dependency; this
// checks what matters for consumers: required properties, types, enums,
// minimums, uri formats and uniqueItems, per definition. A property the
// writer starts emitting fails here until it is looked up in the schema and
// added (every definition below is additionalProperties:false in the
// schema, except the property bag).
//
// Property kinds: string, bool, int>=N, uri (absolute), uriref, enum:a|b,
// obj:DEF, arr:X (array of DEF or kind X), set:X (the same with
// uniqueItems), bag.
var sarifSchema = map[string]struct {
	props    map[string]string
	required []string
}{
	"sarifLog": {map[string]string{"$schema": "uri", "version": "enum:2.1.0", "runs": "arr:run"}, []string{"version", "runs"}},
	"run":      {map[string]string{"tool": "obj:tool", "invocations": "arr:invocation", "results": "arr:result"}, []string{"tool"}},
	"tool":     {map[string]string{"driver": "obj:toolComponent"}, []string{"driver"}},
	"toolComponent": {map[string]string{"name": "string", "version": "string", "informationUri": "uri",
		"rules": "set:reportingDescriptor"}, []string{"name"}},
	"reportingDescriptor": {map[string]string{"id": "string", "name": "string", "shortDescription": "obj:multiformatMessageString",
		"fullDescription": "obj:multiformatMessageString", "helpUri": "uri", "help": "obj:multiformatMessageString",
		"defaultConfiguration": "obj:reportingConfiguration", "properties": "bag"}, []string{"id"}},
	"multiformatMessageString": {map[string]string{"text": "string", "markdown": "string"}, []string{"text"}},
	"reportingConfiguration":   {map[string]string{"level": "enum:none|note|warning|error"}, nil},
	"result": {map[string]string{"ruleId": "string", "ruleIndex": "int>=-1", "level": "enum:none|note|warning|error",
		"message": "obj:message", "locations": "arr:location", "relatedLocations": "set:location",
		"suppressions": "set:suppression", "properties": "bag"}, []string{"message"}},
	// The schema says anyOf text / id; meshcheck never uses message ids.
	"message":  {map[string]string{"text": "string"}, []string{"text"}},
	"location": {map[string]string{"physicalLocation": "obj:physicalLocation", "logicalLocations": "set:logicalLocation", "message": "obj:message"}, nil},
	// The schema says anyOf address / artifactLocation; meshcheck has no addresses.
	"physicalLocation": {map[string]string{"artifactLocation": "obj:artifactLocation", "region": "obj:region"}, []string{"artifactLocation"}},
	"artifactLocation": {map[string]string{"uri": "uriref", "uriBaseId": "string"}, nil},
	"region":           {map[string]string{"startLine": "int>=1", "startColumn": "int>=1"}, nil},
	"logicalLocation":  {map[string]string{"name": "string", "fullyQualifiedName": "string", "kind": "string"}, nil},
	"suppression":      {map[string]string{"kind": "enum:inSource|external", "justification": "string"}, []string{"kind"}},
	"invocation":       {map[string]string{"executionSuccessful": "bool", "toolExecutionNotifications": "arr:notification"}, []string{"executionSuccessful"}},
	"notification": {map[string]string{"level": "enum:none|note|warning|error", "message": "obj:message",
		"locations": "set:location"}, []string{"message"}},
}

// checkSARIF returns every way doc breaks the schema subset above.
func checkSARIF(doc []byte) []string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var errs []string
	checkDef(&errs, "$", "sarifLog", v)
	return errs
}

func checkDef(errs *[]string, at, def string, v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s: want %s object, got %T", at, def, v))
		return
	}
	d := sarifSchema[def]
	for _, r := range d.required {
		if _, ok := obj[r]; !ok {
			*errs = append(*errs, fmt.Sprintf("%s: %s lacks required %q", at, def, r))
		}
	}
	for k, val := range obj {
		kind, ok := d.props[k]
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: %s has %q, not in the checked subset of the schema", at, def, k))
			continue
		}
		checkKind(errs, at+"."+k, kind, val)
	}
}

func checkKind(errs *[]string, at, kind string, v any) {
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	name, arg, _ := strings.Cut(kind, ":")
	switch {
	case kind == "string" || kind == "uri" || kind == "uriref":
		s, ok := v.(string)
		if !ok {
			fail("want string, got %T", v)
			return
		}
		u, err := url.Parse(s)
		if kind != "string" && err != nil {
			fail("not a URI reference: %v", err)
		} else if kind == "uri" && !u.IsAbs() {
			fail("%q is not an absolute URI", s)
		}
	case kind == "bool":
		if _, ok := v.(bool); !ok {
			fail("want boolean, got %T", v)
		}
	case strings.HasPrefix(kind, "int>="):
		n, err := strconv.Atoi(fmt.Sprint(v))
		if _, isNum := v.(json.Number); !isNum || err != nil {
			fail("want integer, got %v", v)
		} else if lo, _ := strconv.Atoi(strings.TrimPrefix(kind, "int>=")); n < lo {
			fail("%d is below the minimum %d", n, lo)
		}
	case name == "enum":
		if s, _ := v.(string); !slices.Contains(strings.Split(arg, "|"), s) {
			fail("%v is not one of %s", v, arg)
		}
	case name == "obj":
		checkDef(errs, at, arg, v)
	case name == "arr" || name == "set":
		items, ok := v.([]any)
		if !ok {
			fail("want array, got %T", v)
			return
		}
		seen := map[string]bool{}
		for i, item := range items {
			if b, _ := json.Marshal(item); name == "set" && seen[string(b)] {
				fail("item %d repeats an earlier one (uniqueItems)", i)
			} else {
				seen[string(b)] = true
			}
			if _, isDef := sarifSchema[arg]; isDef {
				checkDef(errs, fmt.Sprintf("%s[%d]", at, i), arg, item)
			} else {
				checkKind(errs, fmt.Sprintf("%s[%d]", at, i), arg, item)
			}
		}
	case kind == "bag":
		bag, ok := v.(map[string]any)
		if !ok {
			fail("want property bag object, got %T", v)
		} else if tags, ok := bag["tags"]; ok {
			checkKind(errs, at+".tags", "set:string", tags)
		}
	default:
		fail("unknown kind %q in the test's schema table", kind)
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	odd := fixture()
	odd.Findings[0].File = "/abs/dir with space/x.yaml"
	dup := odd.Findings[0].Related[0]
	dup.Path = "spec.other"                                                                    // differs only by a field SARIF does not show
	odd.Findings[0].Related = append(odd.Findings[0].Related, odd.Findings[0].Related[0], dup) // duplicates must collapse
	odd.Rules = append(odd.Rules, odd.Rules[0])                                                // so must repeated rules
	odd.Rules[1].Docs = "relative/docs.md"                                                     // helpUri must be absolute
	tests := []struct {
		name string
		in   Result
	}{
		{"fixture", fixture()},
		{"clean", clean()},
		{"odd inputs", odd},
		{"zero value", Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeSARIF(&buf, tt.in, Options{}); err != nil {
				t.Fatal(err)
			}
			for _, e := range checkSARIF(buf.Bytes()) {
				t.Error(e)
			}
		})
	}
}

// The checker itself must be able to fail.
func TestCheckSARIFCatchesMistakes(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"missing runs", `{"version":"2.1.0"}`, `lacks required "runs"`},
		{"bad version", `{"version":"2.0.0","runs":[]}`, "is not one of 2.1.0"},
		{"unknown property", `{"version":"2.1.0","runs":[],"extra":1}`, `"extra", not in the checked subset`},
		{"missing driver name", `{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`, `lacks required "name"`},
		{"zero line", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`, "below the minimum 1"},
		{"duplicate related", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"relatedLocations":[{"message":{"text":"a"}},{"message":{"text":"a"}}]}]}]}`, "uniqueItems"},
		{"relative helpUri", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A","helpUri":"docs/a.md"}]}}}]}`, "not an absolute URI"},
		{"bad suppression", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},
			"suppressions":[{"kind":"annotation"}]}]}]}`, "is not one of inSource|external"},
		{"null tags", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A","properties":{"tags":null}}]}}}]}`, "want array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := checkSARIF([]byte(tt.doc))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Errorf("checkSARIF = %q, want an error containing %q", errs, tt.want)
			}
		})
	}
}
