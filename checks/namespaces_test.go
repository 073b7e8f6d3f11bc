package checks_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// The built-in rules tell namespaces apart by the keys the model reads and
// their code names, not by any label; a user's rule sees every namespace.
func TestNamespaceReads(t *testing.T) {
	r := checkstest.Engine(t).NamespaceReads()
	if r.All {
		t.Fatal("the built-in rules read every part of a namespace: the webhook would evaluate every namespace")
	}
	for _, k := range []string{model.LabelNetwork, model.LabelRevision, "istio-injection", "topology.istio.io/controlPlaneClusters", checks.AnnotationPrefix + "NW001"} {
		if !r.Distinguishes(k) {
			t.Errorf("%s does not tell namespaces apart", k)
		}
	}
	for _, k := range []string{"team", "kubernetes.io/metadata.name", "owner"} {
		if r.Distinguishes(k) {
			t.Errorf("%s tells namespaces apart for the built-in rules", k)
		}
	}
	if r.Named("team-a") {
		t.Error("a namespace no rule names is Named")
	}

	dir := t.TempDir()
	rule := `# METADATA
# title: No namespace labelled forbidden
# description: A user's rule that reads every label of a namespace.
# custom:
#   code: ACME010
#   severity: error
#   dimensions: [cluster]
#   scope: object
#   remediation: Remove the label.
package meshcheck.rules.acme.acme010

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {"cluster": name, "message": "forbidden", "at": ns.source}) if {
	some name, c in input.clusters
	some ns in c.namespaces
	ns.labels[_] == "forbidden"
}
`
	if err := os.WriteFile(filepath.Join(dir, "ns.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.NamespaceReads(); !r.All || !r.Distinguishes("team") || !r.Named("team-a") {
		t.Errorf("with a user's rule: All = %v; want every namespace to stand for itself", r.All)
	}
}

// Every fact of a namespace comes from a key NamespaceReads lists: a fact
// the model derives from another key would let the webhook merge namespaces
// that the rules tell apart.
func TestNamespaceFactKeysCoverTheFacts(t *testing.T) {
	r := checkstest.Engine(t).NamespaceReads()
	labels, annotations := map[string]any{}, map[string]any{}
	for k := range r.Keys {
		if strings.Contains(k, "/") || strings.HasPrefix(k, "istio") {
			labels[k], annotations[k] = "a", "a"
		}
	}
	// Objects with every key the rules see set, and with only the others:
	// the second must have no fact, the first every fact.
	ns := func(name string, l, a map[string]any) *source.Object {
		return &source.Object{Data: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name, "labels": l, "annotations": a}}}
	}
	other := map[string]any{"team": "a", "example.com/network": "a", "istio.io/other": "a"}
	f, errs := model.Build([]model.ClusterInput{{Name: "c", Objects: []*source.Object{ns("all", labels, annotations), ns("other", other, other)}}}, model.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	for _, name := range []string{"all", "other"} {
		v := reflect.ValueOf(*f.Clusters["c"].Namespaces[name])
		for i := range v.NumField() {
			fv := v.Field(i)
			if fv.Kind() != reflect.Pointer || !strings.HasPrefix(fv.Type().Elem().Name(), "Fact[") {
				continue
			}
			if set := !fv.IsNil(); set != (name == "all") {
				t.Errorf("namespace %s: fact %s set = %v", name, v.Type().Field(i).Name, set)
			}
		}
	}
}
