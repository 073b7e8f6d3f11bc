package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// -o yaml is the JSON report in another spelling: decoded, the two are the
// same document.
func TestYAMLIsTheJSONReport(t *testing.T) {
	for name, r := range map[string]Result{"fixture": fixture(), "clean": clean()} {
		var j, y bytes.Buffer
		if err := Write(&j, "json", r, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&y, "yaml", r, Options{}); err != nil {
			t.Fatal(err)
		}
		var fromJSON, fromYAML any
		if err := json.Unmarshal(j.Bytes(), &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(y.Bytes(), &fromYAML); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, y.String())
		}
		// Compare through JSON, where YAML's ints and JSON's floats meet.
		reencoded, err := json.Marshal(fromYAML)
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if err := json.Unmarshal(reencoded, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromJSON, back) {
			t.Errorf("%s: the YAML report differs from the JSON report:\n%s", name, y.String())
		}
	}
}
