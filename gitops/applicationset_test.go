package gitops

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/source"
)

// expandText reads YAML text as one cluster's objects and expands them.
func expandText(t *testing.T, text string) Result {
	t.Helper()
	objs, errs := source.Read(strings.NewReader(text), "in.yaml", source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("read: %v", errs)
	}
	return Expand(objs, nil)
}

// placed summarises what an expansion gives each cluster: for every values
// document, cluster <- global.multiCluster.clusterName and global.network,
// each as value@line ("" is the cluster expanded).
func placed(r Result) map[string][]string {
	out := map[string][]string{}
	describe := func(d *source.Object) string {
		var parts []string
		for _, p := range []string{"global.multiCluster.clusterName", "global.network", "networkGateway"} {
			if v, ok := d.Get(p); ok {
				file, line, _ := d.Locate(p)
				parts = append(parts, fmt.Sprintf("%v@%s:%d", v, file, line))
			}
		}
		return strings.Join(parts, " ")
	}
	for _, d := range r.Objects {
		if d.APIVersion() == "" {
			out[""] = append(out[""], describe(d))
		}
	}
	for _, e := range r.Elsewhere {
		for _, d := range e.Objects {
			out[e.Cluster] = append(out[e.Cluster], describe(d))
		}
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

func notes(r Result) string {
	var out []string
	for _, n := range r.Notes {
		out = append(out, fmt.Sprintf("%d: %s", n.Line, n.Message))
	}
	return strings.Join(out, "\n")
}

const listAppSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - cluster: east
            values:
              network: network1
          - cluster: west
            values:
              network: network2
  template:
    metadata:
      name: 'istiod-{{cluster}}'
    spec:
      project: default
      source:
        chart: istiod
        repoURL: https://istio-release.storage.googleapis.com/charts
        helm:
          values: |
            global:
              multiCluster:
                clusterName: {{cluster}}
              network: "{{values.network}}"
      destination:
        name: '{{cluster}}'
        namespace: istio-system
`

// The list generator in the default syntax: each element's keys and
// values.<key>; a value set by a parameter alone points at the element.
func TestApplicationSetList(t *testing.T) {
	r := expandText(t, listAppSet)
	want := map[string][]string{
		"east": {"east@in.yaml:8 network1@in.yaml:10"},
		"west": {"west@in.yaml:11 network2@in.yaml:13"},
	}
	if diff := cmp.Diff(want, placed(r)); diff != "" {
		t.Errorf("placed (-want +got):\n%s\nnotes:\n%s", diff, notes(r))
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes:\n%s", notes(r))
	}
	for _, e := range r.Elsewhere {
		if e.Home == nil || e.Home.Kind() != "ApplicationSet" || !e.Generated {
			t.Errorf("%s: home %v", e.Cluster, e.Home)
		}
	}
}

const secretsText = `
---
apiVersion: v1
kind: Secret
metadata:
  name: east-secret
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
    mesh: enabled
    topology.istio.io/network: network1
  annotations:
    istio-revision: 1-22
stringData:
  name: east
  server: https://east.example.com
---
apiVersion: v1
kind: Secret
metadata:
  name: west-secret
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
    mesh: enabled
stringData:
  name: west
  server: https://west.example.com
---
apiVersion: v1
kind: Secret
metadata:
  name: other
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
data:
  name: b3RoZXI=
  server: aHR0cHM6Ly9vdGhlci5leGFtcGxlLmNvbQ==
`

// The clusters generator, in both syntaxes: the Secrets its selector
// matches, with labels as parameters; a label one Secret lacks leaves the
// field unknown, never the text Argo CD would render, and is listed.
func TestApplicationSetClusters(t *testing.T) {
	for _, tc := range []struct {
		name, goTemplate, clusterName, network, destination string
		want                                                map[string][]string
		note                                                string
	}{
		{
			name: "fasttemplate", clusterName: "'{{name}}'", network: `'{{metadata.labels.topology.istio.io/network}}'`, destination: "server: '{{server}}'",
			want: map[string][]string{
				"east": {"east@in.yaml:15 network1@in.yaml:11"},
				"west": {"west@in.yaml:27 meshcheck-unknown{{}}@in.yaml:61"},
			},
			note: `the ApplicationSet's template uses the parameter "metadata.labels.topology.istio.io/network", which its generators do not give for istiod-west (Argo CD leaves {{metadata.labels.topology.istio.io/network}} as written)`,
		},
		{
			name: "goTemplate index", goTemplate: "goTemplate: true", clusterName: "'{{.name}}'", network: `'{{ index .metadata.labels "topology.istio.io/network" }}'`, destination: "name: '{{.name}}'",
			want: map[string][]string{
				"east": {"east@in.yaml:15 network1@in.yaml:11"},
				"west": {"west@in.yaml:27 meshcheck-unknown{{}}@in.yaml:61"},
			},
			note: `uses the parameter "metadata.labels.topology.istio.io/network", which its generators do not give for istiod-west (Argo CD renders <no value>, or through index an empty string)`,
		},
		{
			name: "goTemplate missingkey=error", goTemplate: "goTemplate: true\n  goTemplateOptions: [missingkey=error]", clusterName: "'{{.name}}'", network: `'{{ .metadata.annotations.network }}'`, destination: "name: '{{.name}}'",
			want: map[string][]string{},
			note: "Argo CD does not apply (it stops rendering its template, creating and updating none of its Applications)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			appset := fmt.Sprintf(`apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  %s
  generators:
    - clusters:
        selector:
          matchLabels: {mesh: enabled}
  template:
    metadata:
      name: 'istiod-%s'
    spec:
      source:
        chart: istiod
        helm:
          valuesObject:
            global:
              multiCluster:
                clusterName: %s
              network: %s
      destination:
        %s
`, tc.goTemplate, map[bool]string{true: "{{.name}}", false: "{{name}}"}[tc.goTemplate != ""], tc.clusterName, tc.network, tc.destination)
			r := expandText(t, secretsText+"---\n"+appset)
			if diff := cmp.Diff(tc.want, placed(r)); diff != "" {
				t.Errorf("placed (-want +got):\n%s\nnotes:\n%s", diff, notes(r))
			}
			if !strings.Contains(notes(r), tc.note) {
				t.Errorf("notes:\n%s\nwant one with %q", notes(r), tc.note)
			}
		})
	}
}

// Matrix and merge combine their generators' parameters as Argo CD does;
// a destination by server is the cluster of the Argo CD Secret with that
// server; the in-cluster one stays with the cluster expanded.
func TestApplicationSetMatrixMerge(t *testing.T) {
	matrix := secretsText + `---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: gateways, namespace: argocd}
spec:
  generators:
    - matrix:
        generators:
          - clusters:
              selector: {matchLabels: {mesh: enabled}}
          - list:
              elements:
                - gateway: eastwest
                  net: '{{metadata.labels.topology.istio.io/network}}'
  template:
    metadata: {name: '{{name}}-{{gateway}}'}
    spec:
      source:
        chart: gateway
        helm:
          parameters:
            - name: networkGateway
              value: '{{net}}'
      destination: {server: '{{server}}'}
`
	r := expandText(t, matrix)
	// west lacks the label: its gateway's network is unknown, and listed.
	want := map[string][]string{"east": {"network1@in.yaml:11"}, "west": {"meshcheck-unknown{{}}@in.yaml:53"}}
	if diff := cmp.Diff(want, placed(r)); diff != "" {
		t.Errorf("matrix (-want +got):\n%s\nnotes:\n%s", diff, notes(r))
	}
	if !strings.Contains(notes(r), `the matrix's second generator uses the parameter "metadata.labels.topology.istio.io/network", which the first does not give`) {
		t.Errorf("notes:\n%s", notes(r))
	}

	merge := secretsText + `---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - merge:
        mergeKeys: [server]
        generators:
          - clusters:
              selector: {matchLabels: {mesh: enabled}}
              values: {network: unset}
          - list:
              elements:
                - server: https://west.example.com
                  values: {network: network2}
          - list:
              elements:
                - server: https://kubernetes.default.svc
                  values: {network: network0}
  template:
    metadata: {name: 'istiod-{{.name}}'}
    spec:
      source:
        chart: istiod
        helm:
          valuesObject:
            global:
              multiCluster: {clusterName: '{{.name}}'}
              network: '{{.values.network}}'
      destination: {server: '{{.server}}'}
`
	r = expandText(t, merge)
	want = map[string][]string{
		"east": {"east@in.yaml:15 unset@in.yaml:52"},
		"west": {"west@in.yaml:27 network2@in.yaml:56"},
	}
	if diff := cmp.Diff(want, placed(r)); diff != "" {
		t.Errorf("merge (-want +got):\n%s\nnotes:\n%s", diff, notes(r))
	}
}

// What meshcheck cannot run or Argo CD would not apply is listed, and no
// Application is read from it.
func TestApplicationSetNotRun(t *testing.T) {
	head := "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: a, namespace: argocd}\nspec:\n"
	tmpl := "  template:\n    metadata: {name: 'istiod-{{name}}'}\n    spec:\n      source: {chart: istiod, helm: {valuesObject: {global: {network: '{{name}}'}}}}\n      destination: {name: '{{name}}'}\n"
	for _, tc := range []struct{ name, spec, note string }{
		{"git", "  generators: [{git: {repoURL: https://example.com/r.git, revision: HEAD, directories: [{path: 'clusters/*'}]}}]\n", "its git generator reads a Git repository"},
		{"scmProvider", "  generators: [{scmProvider: {github: {organization: example}}}]\n", "asks an SCM provider's API"},
		{"matrix with git", "  generators: [{matrix: {generators: [{git: {repoURL: r, directories: [{path: a}]}}, {list: {elements: [{name: a}]}}]}}]\n", "its git generator"},
		{"no Secret", "  generators: [{clusters: {selector: {matchLabels: {env: prod}}}}]\n", "the linted files hold no Argo CD cluster Secret"},
		{"unclosed tag", "  generators: [{list: {elements: [{name: a}]}}]\n  template:\n    metadata: {name: '{{name}}-{{name'}\n    spec: {source: {chart: istiod}, destination: {name: a}}\n", "Argo CD does not apply"},
		{"matrix conflict", "  generators: [{matrix: {generators: [{list: {elements: [{name: a}]}}, {list: {elements: [{name: b}]}}]}}]\n", "both give name"},
		{"merge duplicate", "  generators: [{merge: {mergeKeys: [k], generators: [{list: {elements: [{k: a, name: a}, {k: a, name: b}]}}, {list: {elements: [{k: a}]}}]}}]\n", "two parameter sets"},
		{"templatePatch that does not parse", "  goTemplate: true\n  generators: [{list: {elements: [{name: a}]}}]\n  templatePatch: |\n    spec: {{ .name\n", "its templatePatch fails"},
		{"range", "  goTemplate: true\n  generators: [{list: {elements: [{name: a}]}}]\n  template:\n    metadata: {name: a}\n    spec:\n      source: {chart: istiod, helm: {valuesObject: {global: {network: '{{range $i, $e := .}}x{{end}}'}}}}\n      destination: {name: a}\n", "which meshcheck does not evaluate"},
		{"unknown function", "  goTemplate: true\n  generators: [{list: {elements: [{name: a}]}}]\n  template:\n    metadata: {name: a}\n    spec:\n      source: {chart: istiod, helm: {valuesObject: {global: {network: '{{ .name | sha256sum }}'}}}}\n      destination: {name: a}\n", "template function meshcheck does not evaluate"},
		{"bad option", "  goTemplate: true\n  goTemplateOptions: [missingkey=maybe]\n  generators: [{list: {elements: [{name: a}]}}]\n", "cannot render"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := head + tc.spec
			if !strings.Contains(tc.spec, "  template:") {
				text += tmpl
			}
			r := expandText(t, text)
			if !strings.Contains(notes(r), tc.note) {
				t.Errorf("notes:\n%s\nwant one with %q", notes(r), tc.note)
			}
			for cluster, docs := range placed(r) {
				for _, d := range docs {
					if strings.Contains(d, "{{") && !strings.Contains(d, unknownValue) {
						t.Errorf("%s: a literal template action read as a value: %s", cluster, d)
					}
				}
			}
			if tc.name != "range" && tc.name != "unknown function" && len(r.Elsewhere) > 0 {
				t.Errorf("Applications read: %+v", r.Elsewhere)
			}
		})
	}
}

// Which cluster a generated Application is for: its meshcheck.io/cluster
// annotation, its destination name, or the Secret of its server; Argo CD's
// own cluster is the one expanded; an unknown server is listed.
func TestApplicationSetDestination(t *testing.T) {
	r := expandText(t, secretsText+`---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - {name: a, server: https://east.example.com}
          - {name: b, server: https://kubernetes.default.svc}
          - {name: c, server: https://unknown.example.com}
          - {name: d, server: https://unknown.example.com, fleet: spoke-d}
  template:
    metadata:
      name: 'istiod-{{name}}'
      annotations: {meshcheck.io/cluster: '{{fleet}}'}
    spec:
      source: {chart: istiod, helm: {valuesObject: {global: {multiCluster: {clusterName: '{{name}}'}}}}}
      destination: {server: '{{server}}'}
`)
	got := map[string]int{}
	for c, docs := range placed(r) {
		got[c] = len(docs)
	}
	// a, b, c have no fleet key: the annotation is unknown, so none of them
	// is read; d's is spoke-d.
	if diff := cmp.Diff(map[string]int{"spoke-d": 1}, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nnotes:\n%s", diff, notes(r))
	}

	r = expandText(t, secretsText+`---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  generators:
    - list:
        elements:
          - {name: a, server: https://east.example.com}
          - {name: b, server: https://kubernetes.default.svc}
          - {name: c, server: https://unknown.example.com}
  template:
    metadata: {name: 'istiod-{{name}}'}
    spec:
      source: {chart: istiod, helm: {valuesObject: {global: {multiCluster: {clusterName: '{{name}}'}}}}}
      destination: {server: '{{server}}'}
`)
	want := map[string][]string{
		"":     {"b@in.yaml:49"},
		"east": {"a@in.yaml:48"},
	}
	if diff := cmp.Diff(want, placed(r)); diff != "" {
		t.Errorf("(-want +got):\n%s\nnotes:\n%s", diff, notes(r))
	}
	if !strings.Contains(notes(r), "deploys to https://unknown.example.com: which cluster of the fleet that is, the files do not say") {
		t.Errorf("notes:\n%s", notes(r))
	}
}

// Rendering as Argo CD renders, in both syntaxes.
func TestRender(t *testing.T) {
	params := map[string]any{"name": "c1", "n": map[string]any{"a": "x"}, "labels": map[string]string{"net": "network1"}, "metadata.labels.x": "y"}
	for _, tc := range []struct {
		goTemplate bool
		opt        string
		in, out    string
		missing    []string
		fail       bool
	}{
		{in: "no template", out: "no template"},
		{in: "{{name}}-{{ name }}", out: "c1-c1"},
		{in: "{{metadata.labels.x}}", out: "y"},
		{in: "{{n}}", out: unknownValue, missing: []string{"n"}}, // not a string
		{in: "a {{ missing }} b", out: "a " + unknownValue + " b", missing: []string{"missing"}},
		{in: "{{name", out: "{{name"},         // no }} on the line: not templated
		{in: "{{name\n}}", out: "{{name\n}}"}, // nor here
		{in: "{{a}} {{name", fail: true},
		{goTemplate: true, in: "{{.name}}-{{.n.a}}", out: "c1-x"},
		{goTemplate: true, in: `{{index .labels "net"}}`, out: "network1"},
		{goTemplate: true, in: `{{index .labels "nope"}}`, out: unknownValue, missing: []string{"labels.nope"}},
		{goTemplate: true, in: "{{.nope}}", out: unknownValue, missing: []string{"nope"}},
		{goTemplate: true, in: "x-{{.nope}}", out: "x-" + unknownValue, missing: []string{"nope"}},
		{goTemplate: true, opt: "missingkey=error", in: "{{.nope}}", fail: true},
		{goTemplate: true, in: `{{ default "d" .nope }}`, out: unknownValue, missing: []string{"nope"}},
		{goTemplate: true, in: `{{ .name | upper }}/{{ normalize "A_b" }}`, out: "C1/a-b"},
		{goTemplate: true, in: "{{ .name", fail: true},
	} {
		var opts []string
		if tc.opt != "" {
			opts = []string{tc.opt}
		}
		r, err := newRenderer(tc.goTemplate, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := r.render(tc.in, params)
		if (got.fail != nil) != tc.fail {
			t.Errorf("%q: fail %v", tc.in, got.fail)
			continue
		}
		if tc.fail {
			continue
		}
		if got.out != tc.out || !slices.Equal(got.missing, tc.missing) {
			t.Errorf("%q (go %v) = %q missing %q, want %q missing %q", tc.in, tc.goTemplate, got.out, got.missing, tc.out, tc.missing)
		}
	}
}

// The parameter a template string consists of alone, in both syntaxes.
func TestParamRef(t *testing.T) {
	fast, _ := newRenderer(false, nil)
	gotmpl, _ := newRenderer(true, nil)
	for _, tc := range []struct {
		r    *renderer
		in   string
		want string
	}{
		{fast, "{{name}}", "name"},
		{fast, "{{ metadata.labels.x }}", "metadata.labels.x"},
		{fast, "a-{{name}}", ""},
		{fast, "{{a}}{{b}}", ""},
		{gotmpl, "{{.name}}", "name"},
		{gotmpl, "{{ .metadata.labels.network }}", goKey("metadata", "labels", "network")},
		{gotmpl, `{{index .metadata.labels "topology.istio.io/network"}}`, goKey("metadata", "labels", "topology.istio.io/network")},
		{gotmpl, "{{.name | upper}}", ""},
		{gotmpl, "x{{.name}}", ""},
	} {
		got, _ := tc.r.paramRef(tc.in)
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSelector(t *testing.T) {
	labels := map[string]string{"env": "prod", "mesh": "on"}
	for _, tc := range []struct {
		sel  string
		want bool
	}{
		{`{}`, true},
		{`{matchLabels: {env: prod}}`, true},
		{`{matchLabels: {env: dev}}`, false},
		{`{matchExpressions: [{key: env, operator: In, values: [prod, dev]}]}`, true},
		{`{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}`, false},
		{`{matchExpressions: [{key: absent, operator: NotIn, values: [x]}]}`, true},
		{`{matchExpressions: [{key: mesh, operator: Exists}]}`, true},
		{`{matchExpressions: [{key: mesh, operator: DoesNotExist}]}`, false},
	} {
		objs, _ := source.Read(strings.NewReader("sel: "+tc.sel), "s", source.DefaultLimits())
		sel, _ := objs[0].Data["sel"].(map[string]any)
		got, err := matches(sel, labels)
		if err != nil || got != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.sel, got, err, tc.want)
		}
	}
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{"Cluster_One": "cluster-one", "-a.b-": "a.b", "arn:aws:eks:us-west-2:1:cluster/x": "arn-aws-eks-us-west-2-1-cluster-x"} {
		if got := sanitizeName(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// An ApplicationSet of another chart is not Istio's: nothing is listed,
// whatever its generators; one whose chart is a parameter may be.
func TestApplicationSetOtherCharts(t *testing.T) {
	r := expandText(t, `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  generators: [{git: {repoURL: https://example.com/r.git, directories: [{path: 'apps/*'}]}}]
  template:
    metadata: {name: '{{path.basename}}'}
    spec:
      source: {repoURL: https://example.com/r.git, path: '{{path}}'}
      destination: {server: 'https://elsewhere.example.com'}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: certs}
spec:
  generators: [{list: {elements: [{name: a, server: https://a.example.com}]}}]
  template:
    metadata: {name: 'cert-manager-{{name}}'}
    spec:
      source: {chart: cert-manager, repoURL: https://charts.jetstack.io}
      destination: {server: '{{server}}'}
`)
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0].Message, "git generator") {
		// The first's path is a parameter, so it may be an Istio chart's
		// directory: listed. The second is cert-manager's: not listed.
		t.Errorf("notes:\n%s", notes(r))
	}
}

// A matrix whose second generator is a clusters generator with values:
// the values are the cluster's, not left unknown by the first generator.
func TestApplicationSetMatrixClusterValues(t *testing.T) {
	for _, goTemplate := range []bool{false, true} {
		name, net := "'{{name}}'", "'{{values.net}}'"
		head := ""
		if goTemplate {
			name, net, head = "'{{.name}}'", "'{{.values.net}}'", "  goTemplate: true\n"
		}
		r := expandText(t, secretsText+`---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
`+head+`  generators:
    - matrix:
        generators:
          - list: {elements: [{rev: stable}]}
          - clusters:
              selector: {matchLabels: {mesh: enabled}}
              values: {net: `+strings.ReplaceAll(net, "values.net", "name")+`}
  template:
    metadata: {name: 'istiod-`+strings.Trim(name, "'")+`'}
    spec:
      source: {chart: istiod, helm: {valuesObject: {global: {multiCluster: {clusterName: `+name+`}, network: `+net+`}}}}
      destination: {name: `+name+`}
`)
		got := placed(r)
		if len(got["east"]) != 1 || !strings.HasPrefix(got["east"][0], "east@in.yaml:15 east@in.yaml:15") || len(r.Notes) > 0 {
			t.Errorf("goTemplate %v: %v\nnotes:\n%s", goTemplate, got, notes(r))
		}
	}
}

// patchHead is an ApplicationSet of two list elements (east on network1,
// west on network2) whose template installs istiod; the patch follows
// (its first line is line 26 without the test's additions).
const patchHead = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: istiod, namespace: argocd}
spec:
  goTemplate: true%s
  generators:
    - list:
        elements:
          - cluster: east
            network: network1%s
          - cluster: west
            network: network2%s
  template:
    metadata:
      name: 'istiod-{{.cluster}}'
    spec:
      project: default
      source:
        chart: istiod
        repoURL: https://istio-release.storage.googleapis.com/charts
        helm:%s
      destination:
        name: '{{.cluster}}'
        namespace: istio-system
  templatePatch: |
`

// patchPlaced summarises, per cluster, the values documents' global.*
// leaves (clusterName, network, meshID) as path=value@line.
func patchPlaced(r Result) map[string][]string {
	out := map[string][]string{}
	for _, e := range r.Elsewhere {
		var parts []string
		for _, d := range e.Objects {
			for _, p := range []string{"global.multiCluster.clusterName", "global.network", "global.meshID"} {
				if v, ok := d.Get(p); ok {
					file, line, _ := d.Locate(p)
					parts = append(parts, fmt.Sprintf("%s=%v@%s:%d", p[strings.LastIndex(p, ".")+1:], v, file, line))
				}
			}
		}
		slices.Sort(parts)
		out[e.Cluster] = append(out[e.Cluster], strings.Join(parts, " "))
	}
	return out
}

// A templatePatch is rendered with each element's parameters and applied
// as Argo CD applies it (strategic merge with the Application type: maps
// merge, lists are replaced, null deletes); each value it sets points at
// its line in the patch, or at the element's value when the line sets one
// parameter alone. What Argo CD would not apply is listed and none of the
// ApplicationSet's Applications is read.
func TestApplicationSetTemplatePatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		// opts go under goTemplate, east and west under the elements, helm
		// under the template's helm (each with its leading newline).
		opts, east, west, helm, patch string
		want                          map[string][]string
		note                          string
	}{
		{
			// Lines 26-33 are the patch's: clusterName sets .cluster alone
			// (the element's line 9 or 11), network does not.
			name: "valuesObject per element",
			patch: `    spec:
      source:
        helm:
          valuesObject:
            global:
              multiCluster:
                clusterName: {{ .cluster }}
              network: net-{{ .network }}
`,
			want: map[string][]string{
				"east": {"clusterName=east@in.yaml:9 network=net-network1@in.yaml:33"},
				"west": {"clusterName=west@in.yaml:11 network=net-network2@in.yaml:33"},
			},
		},
		{
			// A helm.values text the patch sets: each line located in the
			// patch (the text starts at line 30), or at the element.
			name: "values text per element",
			patch: `    spec:
      source:
        helm:
          values: |
            global:
              meshID: mesh-{{ .cluster }}
              network: "{{ .network }}"
`,
			want: map[string][]string{
				"east": {"meshID=mesh-east@in.yaml:31 network=network1@in.yaml:10"},
				"west": {"meshID=mesh-west@in.yaml:31 network=network2@in.yaml:12"},
			},
		},
		{
			// {{range}} repeats line 34: both items point at it; the list
			// replaces the template's parameters (network gone); west's
			// renders "parameters:" alone, YAML null, which deletes them.
			name: "list replaced",
			east: "\n            params: [{name: global.meshID, value: m1}, {name: global.multiCluster.clusterName, value: c1}]",
			west: "\n            params: []",
			helm: "\n          parameters: [{name: global.network, value: from-template}]",
			patch: `    spec:
      source:
        helm:
          parameters:
          {{- range $p := .params }}
            - {name: {{ $p.name }}, value: {{ $p.value }}}
          {{- end }}
`,
			want: map[string][]string{
				"east": {"clusterName=c1@in.yaml:34 meshID=m1@in.yaml:34"},
			},
		},
		{
			// null deletes the template's helm.values: east's Application
			// has no values left.
			name: "null deletes",
			helm: "\n          values: |\n            global:\n              network: from-template",
			patch: `    {{- if eq .cluster "east" }}
    spec:
      source:
        helm:
          values: null
    {{- end }}
`,
			want: map[string][]string{
				"west": {"network=from-template@in.yaml:24"},
			},
		},
		{
			// A conditional block: only east's Application gets it.
			name: "conditional",
			patch: `    spec:
      source:
        helm:
          valuesObject:
            global:
              meshID: mesh1
    {{- if eq .cluster "east" }}
              network: {{ .network }}
    {{- end }}
`,
			want: map[string][]string{
				"east": {"meshID=mesh1@in.yaml:31 network=network1@in.yaml:10"},
				"west": {"meshID=mesh1@in.yaml:31"},
			},
		},
		{
			// east gives no meshID or region: the lines they decide are
			// unknown (whatever Argo CD prints there: <no value>, a
			// default), and listed; west's point at west's values.
			name: "missing parameter",
			west: "\n            meshID: mesh1\n            region: west",
			patch: `    spec:
      source:
        helm:
          valuesObject:
            global:
              meshID: {{ .meshID }}
              network: {{ .region | default "nowhere" }}
`,
			want: map[string][]string{
				"east": {"meshID=meshcheck-unknown{{}}@in.yaml:33 network=meshcheck-unknown{{}}@in.yaml:34"},
				"west": {"meshID=mesh1@in.yaml:13 network=west@in.yaml:34"},
			},
			note: `the ApplicationSet's templatePatch uses the parameter "meshID", which its generators do not give for istiod-east (Argo CD renders <no value>, or through index an empty string): the fields it decides are unknown`,
		},
		{
			// Without goTemplate Argo CD still applies the patch, rendered
			// with fasttemplate; that is listed.
			name: "fasttemplate",
			opts: "\n  goTemplate: false",
			patch: `    spec:
      source:
        helm:
          valuesObject:
            global:
              network: '{{network}}'
              meshID: mesh-{{cluster}}
`,
			want: map[string][]string{
				"east": {"meshID=mesh-east@in.yaml:33 network=network1@in.yaml:11"},
				"west": {"meshID=mesh-west@in.yaml:33 network=network2@in.yaml:13"},
			},
			note: "rendered with fasttemplate",
		},
		{
			// A note about what the patch sets points at the patch's line
			// (30), not at the template it patches.
			name: "note at the patch",
			patch: `    spec:
      source:
        helm:
          valueFiles:
            - values/{{ .cluster }}.yaml
`,
			want: map[string][]string{},
			note: "30: ",
		},
		{
			// Each case below would read meshID mesh1 if the ApplicationSet
			// were read: none is.
			name:  "missingkey=error",
			helm:  "\n          valuesObject: {global: {meshID: mesh1}}",
			opts:  "\n  goTemplateOptions: [missingkey=error]",
			patch: "    spec: {source: {helm: {parameters: [{name: global.meshID, value: '{{ .meshID }}'}]}}}\n",
			want:  map[string][]string{},
			note:  "Argo CD does not apply (its templatePatch fails",
		},
		{
			name:  "YAML error",
			helm:  "\n          valuesObject: {global: {meshID: mesh1}}",
			patch: "    spec:\n      source: [{{ .cluster }}\n",
			want:  map[string][]string{},
			note:  "Argo CD does not apply (its templatePatch fails, so it creates and updates none of its Applications): the templatePatch does not read as YAML",
		},
		{
			// helm.parameters values are strings in Argo CD's type.
			name:  "wrong type",
			helm:  "\n          valuesObject: {global: {meshID: mesh1}}",
			patch: "    spec: {source: {helm: {parameters: [{name: global.meshID, value: 1}]}}}\n",
			want:  map[string][]string{},
			note:  "invalid templatePatch: spec.source.helm.parameters[0].value is a number where Argo CD's Application has a string",
		},
		{
			// argoproj/argo-cd#22850: a map in valuesObject that the template
			// and the patch both hold cannot be merged.
			name:  "valuesObject maps in both",
			helm:  "\n          valuesObject: {global: {meshID: mesh1}}",
			patch: "    spec: {source: {helm: {valuesObject: {global: {network: '{{ .network }}'}}}}}\n",
			want:  map[string][]string{},
			note:  `unable to find api field in struct RawExtension for the json field "global"`,
		},
		{
			name:  "unknown function",
			helm:  "\n          valuesObject: {global: {meshID: mesh1}}",
			patch: "    spec: {source: {helm: {parameters: [{name: global.network, value: '{{ .network | sha256sum }}'}]}}}\n",
			want:  map[string][]string{},
			note:  "what its templatePatch changes is not evaluated (it calls a template function meshcheck does not evaluate",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := fmt.Sprintf(patchHead, tc.opts, tc.east, tc.west, tc.helm) + tc.patch
			if tc.opts == "\n  goTemplate: false" {
				text = strings.ReplaceAll(strings.Replace(text, "goTemplate: true", "", 1), "{{.cluster}}", "{{cluster}}")
			}
			r := expandText(t, text)
			if diff := cmp.Diff(tc.want, patchPlaced(r)); diff != "" {
				t.Errorf("placed (-want +got):\n%s\nnotes:\n%s", diff, notes(r))
			}
			switch {
			case tc.note != "" && !strings.Contains(notes(r), tc.note):
				t.Errorf("notes:\n%s\nwant one with %q", notes(r), tc.note)
			case tc.note == "" && len(r.Notes) > 0:
				t.Errorf("notes:\n%s", notes(r))
			}
		})
	}
}
