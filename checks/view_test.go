package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

const viewFleet = `{
	"kind": "Fleet",
	"clusters": {"east": {
		"name": "east",
		"network": {"value": "n1", "source": {"cluster": "east", "file": "e.yaml", "line": 3}},
		"namespaces": {"istio-system": {"name": "istio-system", "labels": {"team": "mesh"}, "revision": {"value": "1-24"}}},
		"gateways": [{"name": "gw", "servers": [{"port": 15443}]}]
	}}
}`

func mustValue(t *testing.T, s string) ast.Value {
	t.Helper()
	v, err := ast.ValueFromReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func set(names ...string) map[string]bool {
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

func TestViewKeepsOnlyNamedRecordFields(t *testing.T) {
	in := mustValue(t, viewFleet)
	got := view(in, fleetShape(), set("clusters", "namespaces", "labels", "network"))
	want := mustValue(t, `{"clusters": {"east": {
		"network": {"value": "n1", "source": {"cluster": "east", "file": "e.yaml", "line": 3}},
		"namespaces": {"istio-system": {"labels": {"team": "mesh"}}}
	}}}`)
	if got.Compare(want) != 0 {
		t.Fatalf("view:\n got %v\nwant %v", got, want)
	}
	// A fact is kept whole (its value and source), though the rule names
	// neither "value" nor "source": rules pass facts on as they are.
	if v := view(in, fleetShape(), fieldNames()); v != in {
		t.Fatalf("a view naming every field copied the input: %v", v)
	}
}

func TestChangesNameTheFieldsOnThePath(t *testing.T) {
	before := mustValue(t, viewFleet)
	cases := map[string]struct {
		after string
		want  []string
	}{
		"label value": {
			strings.Replace(viewFleet, `"team": "mesh"`, `"team": "web"`, 1),
			[]string{"clusters.namespaces.labels"},
		},
		"fact value": {
			strings.Replace(viewFleet, `"value": "n1"`, `"value": "n2"`, 1),
			[]string{"clusters.network"},
		},
		"field added": {
			strings.Replace(viewFleet, `"name": "gw",`, `"name": "gw", "network": "n9",`, 1),
			[]string{"clusters.gateways.network"},
		},
		"namespace added": {
			strings.Replace(viewFleet, `"namespaces": {`, `"namespaces": {"web": {"name": "web"}, `, 1),
			[]string{"clusters.namespaces"},
		},
		"list grew": {
			strings.Replace(viewFleet, `[{"port": 15443}]`, `[{"port": 15443}, {"port": 443}]`, 1),
			[]string{"clusters.gateways.servers"},
		},
		"unchanged": {viewFleet, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			changes(before, mustValue(t, c.after), fleetShape(), nil, func(p []string) { got = append(got, strings.Join(p, ".")) })
			if !slices.Equal(got, c.want) {
				t.Fatalf("changes = %q, want %q", got, c.want)
			}
		})
	}
}

func TestShowsNeedsEveryFieldOnThePath(t *testing.T) {
	names := set("clusters", "namespaces", "network")
	if !shows(names, []string{"clusters", "namespaces"}) {
		t.Error("a namespace added is hidden from a rule that reads namespaces")
	}
	if shows(names, []string{"clusters", "namespaces", "labels"}) {
		t.Error("a label change is shown to a rule that never names labels")
	}
}

func TestNamedFieldsFollowTheRulesAndFunctionsUsed(t *testing.T) {
	mods := map[string]*ast.Module{}
	for name, src := range map[string]string{
		"rule.rego": `package meshcheck.rules.test.t1
import data.meshcheck.lib.helpers
violation contains msg if {
	some c in input.clusters
	msg := helpers.network(c)
}`,
		"lib.rego": `package meshcheck.lib.helpers
network(c) := object.get(c, ["network", "value"], "none")
unused(c) := c.gateways`,
	} {
		mods[name] = ast.MustParseModule(src)
	}
	c, err := compile(mods, false)
	if err != nil {
		t.Fatal(err)
	}
	got := namedFields(c, "data.meshcheck.rules.test.t1")
	if !got["clusters"] || !got["network"] {
		t.Errorf("named fields %v lack clusters or network", got)
	}
	if got["gateways"] {
		t.Errorf("named fields %v include what only an unused function names", got)
	}
}
