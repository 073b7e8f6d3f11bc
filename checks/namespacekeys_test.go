package checks

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/model"
)

// TestWholeInputKeepsTheNamespaceKeysViewsKeep: a namespace label or
// annotation whose key a built-in rule's code holds is in the rule's view
// (the webhook) and must be in the whole model's input as well (lint,
// audit), or a rule reading it would fire at admission only.
func TestWholeInputKeepsTheNamespaceKeysViewsKeep(t *testing.T) {
	e, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"not-named-by-any-rule.example.com/x": "y"}
	for pkg := range e.rules {
		for n := range e.named.view(pkg) {
			if k, ok := strings.CutPrefix(n, keyPrefix); ok {
				labels[k] = "v"
			}
		}
	}
	if len(labels) < 2 {
		t.Fatal("the views keep no namespace key")
	}
	f := &model.Fleet{Clusters: map[string]*model.Cluster{"east": {
		Namespaces: map[string]*model.Namespace{"istio-system": {Name: "istio-system", Labels: labels}},
	}}}
	in, err := inputOf(f, e.names)
	if err != nil {
		t.Fatal(err)
	}
	got, err := in.Find(ast.MustParseRef(`x.clusters.east.namespaces["istio-system"].labels`)[1:])
	if err != nil {
		t.Fatal(err)
	}
	kept := got.(ast.Object)
	for k := range labels {
		if want := k != "not-named-by-any-rule.example.com/x"; (kept.Get(ast.StringTerm(k)) != nil) != want {
			t.Errorf("label %q kept: %v, want %v", k, !want, want)
		}
	}
}
