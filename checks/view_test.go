package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/model"
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
	got := view(in, fleetShape(), set("clusters", "namespaces", "labels", "network", keyPrefix+"team"))
	want := mustValue(t, `{"clusters": {"east": {
		"network": {"value": "n1", "source": {"cluster": "east", "file": "e.yaml", "line": 3}},
		"namespaces": {"istio-system": {"labels": {"team": "mesh"}}}
	}}}`)
	if got.Compare(want) != 0 {
		t.Fatalf("view:\n got %v\nwant %v", got, want)
	}
	// A fact is kept whole (its value and source), though the rule names
	// neither "value" nor "source": rules pass facts on as they are.
	every := set(keyPrefix + "team") // and the namespace's one label
	for n := range fieldNames() {
		every[n] = true
	}
	if v := view(in, fleetShape(), every); v != in {
		t.Fatalf("a view naming every field copied the input: %v", v)
	}
}

// diffFleet is a small model to change in TestChangedFieldsNameTheFieldsOnThePath.
func diffFleet() *model.Fleet {
	return &model.Fleet{Kind: "Fleet", Clusters: map[string]*model.Cluster{"east": {
		Name:    "east",
		Network: &model.Fact[string]{Value: "n1", Source: model.Source{Cluster: "east", File: "e.yaml", Line: 3}},
		Namespaces: map[string]*model.Namespace{
			"istio-system": {Name: "istio-system", Labels: map[string]string{"team": "mesh"}},
		},
		Gateways: []*model.Gateway{{Name: "gw", Servers: []model.Server{{Port: 15443}}}},
	}}}
}

func TestChangedFieldsNameTheFieldsOnThePath(t *testing.T) {
	cases := map[string]struct {
		change func(c *model.Cluster)
		want   []string
	}{
		"label value":     {func(c *model.Cluster) { c.Namespaces["istio-system"].Labels["team"] = "web" }, []string{"clusters.namespaces.labels"}},
		"fact value":      {func(c *model.Cluster) { c.Network.Value = "n2" }, []string{"clusters.network"}},
		"fact source":     {func(c *model.Cluster) { c.Network.Source.Line = 4 }, []string{"clusters.network"}},
		"field set":       {func(c *model.Cluster) { c.PodCIDRs = &model.Fact[[]string]{} }, []string{"clusters.pod_cidrs"}},
		"namespace added": {func(c *model.Cluster) { c.Namespaces["web"] = &model.Namespace{Name: "web"} }, []string{"clusters.namespaces"}},
		"list grew":       {func(c *model.Cluster) { c.Gateways[0].Servers = append(c.Gateways[0].Servers, model.Server{Port: 443}) }, []string{"clusters.gateways.servers"}},
		"unchanged":       {func(*model.Cluster) {}, nil},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			after := diffFleet()
			c.change(after.Clusters["east"])
			var got []string
			changedFields(diffFleet(), after, nil, func(p []string) { got = append(got, strings.Join(p, ".")) })
			if !slices.Equal(got, c.want) {
				t.Fatalf("changed fields = %q, want %q", got, c.want)
			}
		})
	}
	// Fields no rule names are not even compared.
	after := diffFleet()
	after.Clusters["east"].Namespaces["istio-system"].Labels["team"] = "web"
	changedFields(diffFleet(), after, set("clusters", "namespaces", "network"), func(p []string) {
		t.Errorf("reported %q, which no view shows", p)
	})
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
		m, err := ast.ParseModule(name, src)
		if err != nil {
			t.Fatal(err)
		}
		mods[name] = m
	}
	c, err := compile(mods, false)
	if err != nil {
		t.Fatal(err)
	}
	got := namedFields(c, "data.meshcheck.rules.test.t1", map[string]bool{"rule.rego": true, "lib.rego": true})
	if !got["clusters"] || !got["network"] {
		t.Errorf("named fields %v lack clusters or network", got)
	}
	if got["gateways"] {
		t.Errorf("named fields %v include what only an unused function names", got)
	}
	// A function the rule uses that is not built in may compute its keys:
	// the rule sees the whole model.
	if got := namedFields(c, "data.meshcheck.rules.test.t1", map[string]bool{"rule.rego": true}); got != nil {
		t.Errorf("named fields %v for a rule using a user's function, want nil (everything)", got)
	}
}

// A namespace's labels and annotations keep only the keys the rules name;
// other records' maps (a workload's labels) are kept whole.
func TestViewKeepsOnlyNamedNamespaceKeys(t *testing.T) {
	in := mustValue(t, `{"clusters": {"east": {
		"namespaces": {"web": {"name": "web", "labels": {"team": "web", "istio.io/rev": "canary"}, "annotations": {"owner": "x"}}},
		"workloads": [{"name": "w", "labels": {"app": "w", "team": "web"}}]
	}}}`)
	names := set("clusters", "namespaces", "labels", "annotations", "workloads", "name", keyPrefix+"istio.io/rev")
	want := mustValue(t, `{"clusters": {"east": {
		"namespaces": {"web": {"name": "web", "labels": {"istio.io/rev": "canary"}, "annotations": {}}},
		"workloads": [{"name": "w", "labels": {"app": "w", "team": "web"}}]
	}}}`)
	if got := view(in, fleetShape(), names); got.Compare(want) != 0 {
		t.Fatalf("view:\n got %v\nwant %v", got, want)
	}
	// Converting with the same names gives the same value (ViewsAgree).
	f := &model.Fleet{Clusters: map[string]*model.Cluster{"east": {
		Namespaces: map[string]*model.Namespace{"web": {Name: "web", Labels: map[string]string{"team": "web", "istio.io/rev": "canary"}}},
	}}}
	direct, err := inputOf(f, names)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Input(f)
	if err != nil {
		t.Fatal(err)
	}
	if v := view(whole, fleetShape(), names); v.Compare(direct) != 0 {
		t.Fatalf("converted with the names:\n%v\nview of the whole input:\n%v", direct, v)
	}
}
