package fileset

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// json6902Tree is a base with an IstioOperator patched by a JSON6902 patch
// of its own, and an overlay patching it with inline and file JSON6902
// patches in patches and patchesJson6902.
var json6902Tree = map[string]string{
	"base/kustomization.yaml": `resources:
  - iop.yaml
  - ns.yaml
patchesJson6902:
  - target:
      group: install.istio.io
      version: v1alpha1
      kind: IstioOperator
      name: control-plane
    patch: |-
      - op: replace
        path: /spec/values/global/network
        value: network-base
      - op: add
        path: /spec/revision
        value: "1-22"
      - op: replace
        path: /spec/tag
        value: 1.22.1
`,
	"base/iop.yaml": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
  labels:
    app: istiod
  annotations:
    owner: platform
spec:
  hub: gcr.io/istio-release
  tag: 1.22.0
  components:
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
      - name: istio-other
        enabled: false
    egressGateways:
      - name: egress-a
        enabled: true
      - name: egress-b
        enabled: true
  values:
    global:
      meshID: mesh1
      network: network1
      imagePullSecrets: [pull-a, pull-b]
      multiCluster:
        clusterName: base
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: other
  namespace: istio-system
spec:
  values:
    global:
      network: network2
`,
	"base/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels:\n    team: mesh\n",
	// patchesJson6902 is written first but kustomize applies it after
	// patches: both set the hub, and the hub is located at the later.
	"overlay/kustomization.yaml": `resources:
  - ../base
patchesJson6902:
  - target:
      group: install.istio.io
      version: v1alpha1
      kind: IstioOperator
      name: control-plane
    path: json-ops.yaml
  - target:
      kind: IstioOperator
      name: control-plane
    patch: |-
      - op: remove
        path: /spec/components/egressGateways/0
      - op: replace
        path: /spec/hub
        value: docker.io/istio
patches:
  - target:
      kind: IstioOperator
      name: control-plane
    patch: |-
      - op: replace
        path: /spec/values/global/network
        value: network2
      - op: add
        path: /spec/values/global/multiCluster
        value:
          clusterName: cluster2
          enabled: true
      - op: replace
        path: /spec/hub
        value: docker.io/istio
      - op: replace
        path: /spec/tag
        value: 1.22.1
  - path: ops.yaml
    target:
      kind: IstioOperator
      name: control-plane
  - target:
      kind: IstioOperator
      labelSelector: app=nope
    patch: |-
      - op: replace
        path: /spec/values/global/meshID
        value: mesh1
  - target:
      kind: Namespace
      name: istio-system
    patch: '[{"op": "add", "path": "/metadata/labels/topology.istio.io~1network", "value": "network2"}]'
`,
	"overlay/ops.yaml": `- op: replace
  path: /spec/components/ingressGateways/1/name
  value: istio-eastwestgateway
- op: add
  path: /metadata/annotations/meshcheck.io~1note~0x
  value: hello
- op: copy
  from: /spec/values/global/multiCluster/clusterName
  path: /spec/values/global/clusterCopy
- op: add
  path: /spec/values/global/imagePullSecrets/0
  value: pull-first
`,
	"overlay/json-ops.yaml": `- op: add
  path: /spec/components/ingressGateways/-
  value:
    name: appended
    enabled: true
`,
}

// lineOf returns the 1-based line of the nth (from 1) line of text holding
// s, or 0.
func lineOf(t *testing.T, text, s string, nth int) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			if nth--; nth == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("no %q (%d) in\n%s", s, nth, text)
	return 0
}

// A value a JSON6902 operation sets is located at the operation's value,
// where it is written (the patch file, or the kustomization's line of an
// inline patch), each field of a mapping value at its own line, in
// kustomize's order (an included kustomization's patches before its
// includer's; patches before patchesJson6902); what an operation does not
// set, and objects its target does not select, stay where the resource
// writes them; the values are kustomize's.
func TestKustomizeJSON6902Located(t *testing.T) {
	dir := writeTree(t, json6902Tree)
	objs, _, errs := ReadTree(filepath.Join(dir, "overlay"), nil, []string{dir}, source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	byName := map[string]*source.Object{}
	for _, o := range objs {
		byName[o.Kind()+"/"+o.Name()] = o
	}
	iop, other, ns := byName["IstioOperator/control-plane"], byName["IstioOperator/other"], byName["Namespace/istio-system"]
	if iop == nil || other == nil || ns == nil || len(objs) != 3 {
		t.Fatalf("built %v", byName)
	}
	k, base, ops, jops, basek := json6902Tree["overlay/kustomization.yaml"], json6902Tree["base/iop.yaml"], json6902Tree["overlay/ops.yaml"], json6902Tree["overlay/json-ops.yaml"], json6902Tree["base/kustomization.yaml"]
	at := func(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }
	for _, c := range []struct {
		o     *source.Object
		path  string
		value any
		want  string
	}{
		// inline replace in patches, over the base's own JSON6902 patch
		{iop, "spec.values.global.network", "network2", at("overlay/kustomization.yaml", lineOf(t, k, "value: network2", 1))},
		// add of a mapping: the mapping at its first line, each field at its own
		{iop, "spec.values.global.multiCluster", map[string]any{"clusterName": "cluster2", "enabled": true}, at("overlay/kustomization.yaml", lineOf(t, k, "clusterName: cluster2", 1))},
		{iop, "spec.values.global.multiCluster.clusterName", "cluster2", at("overlay/kustomization.yaml", lineOf(t, k, "clusterName: cluster2", 1))},
		{iop, "spec.values.global.multiCluster.enabled", true, at("overlay/kustomization.yaml", lineOf(t, k, "enabled: true", 1))},
		// the base's patch, not overridden
		{iop, "spec.revision", "1-22", at("base/kustomization.yaml", lineOf(t, basek, `value: "1-22"`, 1))},
		// the same value set by the base and the overlay: the overlay's
		{iop, "spec.tag", "1.22.1", at("overlay/kustomization.yaml", lineOf(t, k, "value: 1.22.1", 1))},
		// the same value set by patches and patchesJson6902 (written
		// first, applied last): patchesJson6902's
		{iop, "spec.hub", "docker.io/istio", at("overlay/kustomization.yaml", lineOf(t, k, "value: docker.io/istio", 1))},
		// a file in patches: a list index, an escaped pointer, a copy
		{iop, "spec.components.ingressGateways[1].name", "istio-eastwestgateway", at("overlay/ops.yaml", 3)},
		{iop, "spec.components.ingressGateways[1].enabled", false, at("base/iop.yaml", lineOf(t, base, "enabled: false", 1))},
		{iop, source.PathJoin("metadata", "annotations", "meshcheck.io/note~x"), "hello", at("overlay/ops.yaml", 6)},
		{iop, "spec.values.global.clusterCopy", "cluster2", at("overlay/ops.yaml", lineOf(t, ops, "from:", 1))},
		// an insert into a list: the element at its value, the ones it
		// moved at the operation
		{iop, "spec.values.global.imagePullSecrets[0]", "pull-first", at("overlay/ops.yaml", lineOf(t, ops, "value: pull-first", 1))},
		{iop, "spec.values.global.imagePullSecrets[1]", "pull-a", at("overlay/ops.yaml", lineOf(t, ops, "- op: add", 2))},
		// a file in patchesJson6902: an append
		{iop, "spec.components.ingressGateways[2].name", "appended", at("overlay/json-ops.yaml", lineOf(t, jops, "name: appended", 1))},
		// a removal from a list: the elements it moved at the operation
		{iop, "spec.components.egressGateways[0].name", "egress-b", at("overlay/kustomization.yaml", lineOf(t, k, "- op: remove", 1))},
		// a target that selects nothing (its label selector), and one that
		// selects another object: at the resource
		{iop, "spec.values.global.meshID", "mesh1", at("base/iop.yaml", lineOf(t, base, "meshID: mesh1", 1))},
		{other, "spec.values.global.network", "network2", at("base/iop.yaml", lineOf(t, base, "network: network2", 1))},
		{iop, "spec.components.ingressGateways[0].name", "istio-ingressgateway", at("base/iop.yaml", lineOf(t, base, "name: istio-ingressgateway", 1))},
		// an inline patch written as JSON on one line
		{ns, "metadata.labels.topology\\.istio\\.io/network", "network2", at("overlay/kustomization.yaml", lineOf(t, k, `"op": "add"`, 1))},
		{ns, "metadata.labels.team", "mesh", "base/ns.yaml:6"},
	} {
		v, _ := c.o.Get(c.path)
		if fmt.Sprint(v) != fmt.Sprint(c.value) {
			t.Errorf("%s %s = %v, want kustomize's %v", c.o.Name(), c.path, v, c.value)
		}
		file, line, _ := c.o.Locate(c.path)
		rel, _ := filepath.Rel(dir, file)
		if got := at(filepath.ToSlash(rel), line); got != c.want {
			t.Errorf("%s %s at %s, want %s", c.o.Name(), c.path, got, c.want)
		}
	}
	// Columns: a patch file's are known, an inline patch's are not (as for
	// inline strategic-merge patches).
	if _, _, col := iop.Locate("spec.components.ingressGateways[1].name"); col != 10 {
		t.Errorf("column %d in the patch file, want 10", col)
	}
	if _, _, col := iop.Locate("spec.values.global.network"); col != 0 {
		t.Errorf("column %d in an inline patch, want 0 (unknown)", col)
	}
	// A chart's values read as a part of the object keep the layers.
	if f, l, _ := iop.Part("spec.values").Locate("global.network"); filepath.Base(f) != "kustomization.yaml" || l != lineOf(t, k, "value: network2", 1) {
		t.Errorf("Part: network at %s:%d", f, l)
	}
}

// pointer unescapes ~1 before ~0, as RFC 6901 says.
func TestJSONPointer(t *testing.T) {
	for p, want := range map[string]string{
		"/a/b":            "[a b]",
		"/a~1b/~0c":       "[a/b ~c]",
		"/~01":            "[~1]",
		"/list/-":         "[list -]",
		"/":               "[]",
		"":                "[]",
		"no-leading-dash": "[]",
	} {
		got := pointer(p)
		if p == "/" {
			if len(got) != 1 || got[0] != "" {
				t.Errorf("%q: %q", p, got)
			}
			continue
		}
		if fmt.Sprint(got) != want {
			t.Errorf("%q: %v, want %s", p, got, want)
		}
	}
}

// A kustomization's patches apply to the objects it includes only: a
// sibling's object with the value its patch sets stays where its resource
// writes it; a component's, to those of the kustomization including it. The field is also read in another case (patchesJSON6902), as
// kustomize reads it.
func TestKustomizeJSON6902OwnObjectsOnly(t *testing.T) {
	iop := "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata:\n  name: NAME\nspec:\n  values:\n    global:\n      network: NETWORK\n"
	dir := writeTree(t, map[string]string{
		"fleet/kustomization.yaml": "resources:\n  - a\n  - b\n  - c\n",
		"fleet/a/kustomization.yaml": `resources:
  - iop.yaml
patchesJSON6902:
  - target:
      group: install.istio.io
      version: v1alpha1
      kind: IstioOperator
      name: ".*"
    patch: |-
      - op: replace
        path: /spec/values/global/network
        value: network2
`,
		"fleet/a/iop.yaml":           strings.NewReplacer("NAME", "a", "NETWORK", "network1").Replace(iop),
		"fleet/b/kustomization.yaml": "resources:\n  - iop.yaml\n",
		"fleet/b/iop.yaml":           strings.NewReplacer("NAME", "b", "NETWORK", "network2").Replace(iop),
		"fleet/c/kustomization.yaml": "resources:\n  - iop.yaml\ncomponents:\n  - ../comp\n",
		"fleet/c/iop.yaml":           strings.NewReplacer("NAME", "c", "NETWORK", "network1").Replace(iop),
		"fleet/comp/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target:
      kind: IstioOperator
    patch: |-
      - op: replace
        path: /spec/values/global/network
        value: network3
`,
	})
	objs, _, errs := ReadTree(filepath.Join(dir, "fleet"), nil, []string{dir}, source.DefaultLimits())
	if len(errs) > 0 || len(objs) != 3 {
		t.Fatal(objs, errs)
	}
	got := map[string]string{}
	for _, o := range objs {
		file, line, _ := o.Locate("spec.values.global.network")
		rel, _ := filepath.Rel(dir, file)
		v, _ := o.Get("spec.values.global.network")
		got[o.Name()] = fmt.Sprintf("%v@%s:%d", v, filepath.ToSlash(rel), line)
	}
	if want := "network2@fleet/a/kustomization.yaml:12"; got["a"] != want {
		t.Errorf("a: %s, want %s", got["a"], want)
	}
	if want := "network2@fleet/b/iop.yaml:8"; got["b"] != want {
		t.Errorf("b: %s, want %s (a's patch does not apply to b)", got["b"], want)
	}
	// A component's patches apply to its includer's objects.
	if want := "network3@fleet/comp/kustomization.yaml:9"; got["c"] != want {
		t.Errorf("c: %s, want %s", got["c"], want)
	}
}
