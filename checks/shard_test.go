package checks

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
)

func TestShardsFollowReferences(t *testing.T) {
	src := map[string]string{
		"a.rego":      "package meshcheck.rules.net.a\nimport data.meshcheck.lib.net\nviolation contains 1 if net.x\n",
		"b.rego":      "package meshcheck.rules.net.b\nviolation contains 1 if data.meshcheck.lib.util.y\n",
		"c.rego":      "package meshcheck.rules.mesh.c\nviolation contains 1 if data.meshcheck.lib[_].w\n",
		"net.rego":    "package meshcheck.lib.net\nimport data.meshcheck.lib.util\nx if util.y\n",
		"util.rego":   "package meshcheck.lib.util\ny := true\n",
		"unused.rego": "package meshcheck.lib.unused\nw := 1\n",
	}
	mods := map[string]*ast.Module{}
	for name, s := range src {
		mods[name] = ast.MustParseModule(s)
	}
	var got [][]string
	for _, sh := range shards(mods) {
		var names []string
		for n := range sh {
			names = append(names, n)
		}
		slices.Sort(names)
		got = append(got, names)
	}
	want := [][]string{
		// data.meshcheck.lib reaches every library, used or not.
		{"c.rego", "net.rego", "unused.rego", "util.rego"},
		{"a.rego", "b.rego", "net.rego", "util.rego"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shards (-want +got):\n%s", diff)
	}
}
