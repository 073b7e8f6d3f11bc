package checks

import "testing"

// With only built-in rules, Evaluate leaves out what no rule reads: the
// objects of each cluster are the bulk of a large repository's model.
func TestBuiltinRulesNameTheFieldsTheyRead(t *testing.T) {
	e, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.names == nil {
		t.Fatal("built-in rules should name their fields")
	}
	for _, f := range []string{"clusters", "links", "groups", "control_planes", "remote_secrets"} {
		if !e.names[f] {
			t.Errorf("field %q is read by built-in rules but not converted", f)
		}
	}
	if e.names["objects"] {
		t.Error("no built-in rule reads a cluster's objects; they should not be converted")
	}
}
