package yamlout_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/internal/yamlout"
)

// The YAML says what the JSON says: same values and types (strings that
// look like other types stay strings), keys in the same order.
func TestFromJSONKeepsValuesAndOrder(t *testing.T) {
	doc := `{"zeta": "true", "alpha": 1, "list": [{"b": null, "a": "x: y"}], "text": "line one\nline two", "n": "007", "empty": [], "obj": {}}`
	var b bytes.Buffer
	if err := yamlout.FromJSON(&b, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "{\"") || strings.Index(out, "zeta") > strings.Index(out, "alpha") {
		t.Errorf("not block style in the JSON's key order:\n%s", out)
	}
	var fromJSON, fromYAML any
	if err := json.Unmarshal([]byte(doc), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b.Bytes(), &fromYAML); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	// JSON numbers decode as float64, YAML ints as int.
	if fromYAML.(map[string]any)["alpha"] != 1 {
		t.Errorf("alpha = %#v", fromYAML.(map[string]any)["alpha"])
	}
	fromYAML.(map[string]any)["alpha"] = float64(1)
	if !reflect.DeepEqual(fromJSON, fromYAML) {
		t.Errorf("YAML holds\n%#v\nJSON holds\n%#v\n%s", fromYAML, fromJSON, out)
	}
}

func TestFromJSONRejectsWhatIsNotJSON(t *testing.T) {
	if err := yamlout.FromJSON(&bytes.Buffer{}, []byte("{unclosed")); err == nil {
		t.Error("no error for a broken document")
	}
}
