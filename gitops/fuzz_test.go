package gitops

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// FuzzExpand reads any document as a GitOps object: no panic, and every
// values document it returns is a mapping located in the file it came from.
func FuzzExpand(f *testing.F) {
	files, _ := filepath.Glob("../testdata/gitops/*/*/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  sources: [{chart: istiod, helm: {values: \"global: [\", parameters: [{name: a..b, value: 1}, {name: x}]}}]\n")
	f.Add("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  chart: {spec: {chart: istiod}}\n  valuesFrom: [{kind: ConfigMap, name: v}, {kind: Secret, name: s, valuesKey: k, targetPath: global.network}, {kind: Secret, name: s}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: v, namespace: istio-system}\ndata: {values.yaml: \"global: {meshID: m}\"}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: bmV0d29yazE=, values.yaml: \"Z2xvYmFsOiB7bmV0d29yazogbjF9\"}\n")
	f.Fuzz(func(t *testing.T, text string) {
		objs, _ := source.Read(strings.NewReader(text), "in.yaml", source.DefaultLimits())
		r := Expand(objs, nil)
		docs, notes := r.Objects, r.Notes
		for _, d := range docs {
			if d.Data == nil || d.Origin.File != "in.yaml" {
				t.Fatalf("values document %+v", d.Origin)
			}
			d.Position("global.network")
		}
		for _, n := range notes {
			if n.File != "in.yaml" || n.Message == "" {
				t.Fatalf("note %+v", n)
			}
		}
	})
}
