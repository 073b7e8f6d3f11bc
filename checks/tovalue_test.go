package checks

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue encodes leaves as encoding/json does (bytes in base64, arrays of
// numbers), and refuses what JSON cannot key instead of inventing keys.
func TestToValueFollowsEncodingJSON(t *testing.T) {
	v := struct {
		Raw   []byte            `json:"raw"`
		Sum   [2]uint8          `json:"sum"`
		Tags  map[string]string `json:"tags,omitempty"`
		Ratio float64           `json:"ratio"`
	}{Raw: []byte("pem"), Sum: [2]uint8{1, 2}, Ratio: 0.5}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := ast.MustParseTerm(string(b)).Value
	if got := toValue(reflect.ValueOf(v), nil); got.Compare(want) != 0 {
		t.Errorf("toValue = %v, want %v", got, want)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "keyed by int") {
			t.Errorf("a map keyed by int converted (recovered %v)", r)
		}
	}()
	toValue(reflect.ValueOf(map[int]string{1: "a"}), nil)
}
