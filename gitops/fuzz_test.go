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
	var files []string
	for _, pattern := range []string{"../testdata/gitops/*/*/*.yaml", "../testdata/gitops/appset-*/*/*/*.yaml", "../testdata/gitops/appset-*/*/*/*/*.yaml"} {
		more, _ := filepath.Glob(pattern)
		files = append(files, more...)
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  sources: [{chart: istiod, helm: {values: \"global: [\", parameters: [{name: a..b, value: 1}, {name: x}]}}]\n")
	f.Add("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  chart: {spec: {chart: istiod}}\n  valuesFrom: [{kind: ConfigMap, name: v}, {kind: Secret, name: s, valuesKey: k, targetPath: global.network}, {kind: Secret, name: s}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: v, namespace: istio-system}\ndata: {values.yaml: \"global: {meshID: m}\"}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: bmV0d29yazE=, values.yaml: \"Z2xvYmFsOiB7bmV0d29yazogbjF9\"}\n")
	// ApplicationSets: a clusters generator over a Secret, goTemplate,
	// matrix and merge.
	f.Add("apiVersion: v1\nkind: Secret\nmetadata: {name: c, labels: {argocd.argoproj.io/secret-type: cluster, net: n1}}\nstringData: {name: c, server: https://c}\n---\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nspec:\n  goTemplate: true\n  generators: [{matrix: {generators: [{clusters: {selector: {matchLabels: {net: n1}}, values: {x: '{{.name}}'}}}, {list: {elements: [{n: '{{index .metadata.labels \"net\"}}'}]}}]}}]\n  template:\n    metadata: {name: 'i-{{.name}}'}\n    spec:\n      source: {chart: istiod, helm: {values: \"global:\\n  network: {{.n}}\\n\", parameters: [{name: global.meshID, value: '{{.values.x}}'}]}}\n      destination: {name: '{{.name}}'}\n")
	f.Add("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nspec:\n  generators: [{merge: {mergeKeys: [k], generators: [{list: {elements: [{k: a, name: a}]}}, {list: {elements: [{k: a, net: x}]}}]}}]\n  template: {metadata: {name: '{{name}}'}, spec: {source: {chart: gateway, helm: {valuesObject: {networkGateway: '{{net}}', '{{name}}': 1}}}, destination: {server: 'https://kubernetes.default.svc'}}}\n")
	// A templatePatch: {{range}}, {{if}}, a text it sets, a value file.
	f.Add("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nspec:\n  goTemplate: true\n  generators: [{list: {elements: [{c: a, n: n1, f: [x.yaml]}, {c: b}]}}]\n  template: {metadata: {name: 'i-{{.c}}'}, spec: {source: {chart: istiod, helm: {valuesObject: {global: {meshID: m}}}}, destination: {name: '{{.c}}'}}}\n  templatePatch: |\n    spec:\n      source:\n        helm:\n          valueFiles:\n          {{- range $f := .f }}\n            - {{ $f }}\n          {{- end }}\n    {{- if .n }}\n          values: |\n            global:\n              network: {{ .n }}\n    {{- end }}\n")
	f.Fuzz(func(t *testing.T, text string) {
		objs, _ := source.Read(strings.NewReader(text), "in.yaml", source.DefaultLimits())
		r := Expand(objs, nil)
		docs, notes := r.Objects, r.Notes
		for _, e := range r.Elsewhere {
			if e.Cluster == "" || e.Home == nil || e.Missing.File != "in.yaml" {
				t.Fatalf("elsewhere %+v", e)
			}
			docs = append(docs, e.Objects...)
		}
		for _, d := range docs {
			if d.Data == nil || d.Origin.File != "in.yaml" {
				t.Fatalf("values document %+v", d.Origin)
			}
			d.Position("global.network")
			if file, _, _ := d.Locate("global.network"); file != "in.yaml" {
				t.Fatalf("global.network located in %s", file)
			}
		}
		for _, n := range notes {
			if n.File != "in.yaml" || n.Message == "" {
				t.Fatalf("note %+v", n)
			}
		}
	})
}

// FuzzRender renders any template string in both of Argo CD's syntaxes: no
// panic, a bounded text, and a parameter that is not given never read as
// a value.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"{{name}}", "a-{{ metadata.labels.x }}-{{nope}}", "{{.name}}", `{{index .metadata.labels "net"}}`, `{{ default "x" .nope | upper }}`, "{{if .name}}{{.name}}{{else}}none{{end}}", `{{printf "%05d" 1}}`, "{{range .}}{{end}}", "{{template \"a\"}}"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	params := map[string]any{"name": "c1", "metadata.labels.x": "y", "metadata": map[string]any{"labels": map[string]string{"net": "n1"}}}
	f.Fuzz(func(t *testing.T, s string, goTemplate bool) {
		for _, opt := range []string{"missingkey=default", "missingkey=error"} {
			r, err := newRenderer(goTemplate, []string{opt})
			if err != nil {
				t.Fatal(err)
			}
			got := r.render(s, params)
			if len(got.out) > maxRendered {
				t.Fatalf("%q renders %d bytes", s, len(got.out))
			}
			if len(got.missing) > 0 && !strings.Contains(got.out, unknownValue) {
				t.Fatalf("%q: missing %v, rendered %q", s, got.missing, got.out)
			}
			r.paramRef(s)
		}
	})
}
