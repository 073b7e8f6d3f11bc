package rulecode

import (
	"testing"
	"testing/fstest"
)

func TestCodeNamesItsPlace(t *testing.T) {
	c, err := Parse("CP016")
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{
		c.String():     "CP016",
		c.Name():       "cp016",
		c.Package():    "meshcheck.rules.controlplane.cp016",
		c.Dir():        "policies/rules/controlplane/cp016",
		c.FixtureDir(): "testdata/rules/CP016",
		c.DocPage():    "docs/rules/CP016.md",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestInUseAndNext(t *testing.T) {
	fsys := fstest.MapFS{
		"policies/rules/network/nw001/nw001.rego":      {Data: []byte("# METADATA\n# title: x\n# custom:\n#   code: NW001\npackage meshcheck.rules.network.nw001\n")},
		"policies/rules/network/nw001/nw001_test.rego": {Data: []byte("#   code: NW099\n")}, // tests declare no code
		"testdata/rules/NW020/pass/x/c/a.yaml":         {Data: []byte("kind: Namespace\n")},
		"docs/rules/README.md":                         {Data: []byte("# rules\n")},
		"docs/rules/MS030.md":                          {Data: []byte("# MS030\n")},
	}
	used, err := InUse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"NW001": "policies/rules/network/nw001/nw001.rego",
		"NW020": "testdata/rules/NW020",
		"MS030": "docs/rules/MS030.md",
	}
	if len(used) != len(want) {
		t.Errorf("in use: %v, want %v", used, want)
	}
	for code, where := range want {
		if used[code] != where {
			t.Errorf("%s in use at %q, want %q", code, used[code], where)
		}
	}
	for prefix, next := range map[string]string{"NW": "NW021", "MS": "MS031", "CL": "CL010", "CP": "CP016"} {
		c, _ := Parse(prefix + "001")
		if got := Next(c.Group, used).String(); got != next {
			t.Errorf("next %s code = %s, want %s (past the planned ones)", prefix, got, next)
		}
	}
}
