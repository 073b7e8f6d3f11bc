package fileset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ReadTree builds a kustomization: a resource keeps its file's positions
// (namespace set by the kustomization or not), a generated object points
// at its generator entry, the files of the tree are not read on their own
// (the patch is not an object), and the kustomize annotations meshcheck
// asked for are gone.
func TestReadTreeLocatesOutput(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"overlay/kustomization.yaml": `namespace: istio-system
resources:
  - ../base
patches:
  - path: patch.yaml
configMapGenerator:
  - name: other
    literals: [a=b]
  - name: mesh-settings
    literals:
      - mesh_id=mesh1
`,
		"overlay/patch.yaml":      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels:\n    topology.istio.io/network: network1\n",
		"base/kustomization.yaml": "resources:\n  - ns.yaml\n  - sa.yaml\n",
		"base/ns.yaml":            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n",
		"base/sa.yaml":            "# the istiod service account\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: istiod\n",
	})
	objs, _, errs := ReadTree(filepath.Join(dir, "overlay"), nil, []string{dir}, source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]string{}
	for _, o := range objs {
		rel, _ := filepath.Rel(dir, o.Origin.File)
		file, line, _ := o.Locate("metadata.labels.topology\\.istio\\.io/network")
		lrel, _ := filepath.Rel(dir, file)
		got[o.Kind()+"/"+o.Name()] = fmt.Sprintf("%s:%d ns=%s label@%s:%d", rel, o.Origin.Line, o.Namespace(), lrel, line)
		if _, ok := o.Annotation(originAnnotation); ok {
			t.Errorf("%s keeps the origin annotation", o.Name())
		}
	}
	for k, want := range map[string]string{
		"Namespace/istio-system": "base/ns.yaml:1 ns= label@overlay/patch.yaml:6",
		"ServiceAccount/istiod":  "base/sa.yaml:2 ns=istio-system label@base/sa.yaml:5",
	} {
		if got[k] != want {
			t.Errorf("%s: %s, want %s", k, got[k], want)
		}
	}
	var generated string
	for k, v := range got {
		if len(k) > len("ConfigMap/mesh-settings") && k[:len("ConfigMap/mesh-settings")] == "ConfigMap/mesh-settings" {
			generated = v
		}
	}
	if want := "overlay/kustomization.yaml:9 ns=istio-system label@overlay/kustomization.yaml:9"; generated != want {
		t.Errorf("generated ConfigMap at %q, want %q (%v)", generated, want, got)
	}
	if len(objs) != 4 {
		t.Errorf("%d objects, want the 4 kustomize builds: %v", len(objs), got)
	}
}

// kustomize reads no file outside the repository: a generator that names
// one (a CI credential beside the checkout) fails the build, and what the
// file holds is in no object and no message.
func TestReadTreeStaysInRepository(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"outside/token":                "s3cr3t-token-do-not-print",
		"repo/app/kustomization.yaml":  "configMapGenerator:\n  - name: leak\n    files:\n      - ../../outside/token\n",
		"repo/app2/kustomization.yaml": "resources:\n  - ../../outside/link.yaml\n",
		"repo/app3/kustomization.yaml": "resources:\n  - inside.yaml\n",
		"repo/app3/inside.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n",
		"outside/link.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  token: s3cr3t-token-do-not-print\n",
	})
	repo := filepath.Join(dir, "repo")
	objs, _, errs := ReadTree(repo, nil, []string{repo}, source.DefaultLimits())
	if len(errs) != 2 {
		t.Errorf("errors %v, want one per kustomization reading outside", errs)
	}
	for _, e := range errs {
		if !strings.Contains(e.Error(), "outside the linted repository") || strings.Contains(e.Error(), "s3cr3t") {
			t.Errorf("error %q", e)
		}
	}
	if len(objs) != 1 || objs[0].Name() != "fine" {
		t.Errorf("objects %v, want the one inside", objs)
	}
	for _, o := range objs {
		if strings.Contains(fmt.Sprint(o.Data), "s3cr3t") {
			t.Errorf("%s holds the outside file", o.Name())
		}
	}
}

// A Flux Kustomization's fields are built into the directory's
// kustomization: its namespace, name prefix, common labels and patches
// apply to the output, and a value one of its patches sets (strategic merge
// or JSON6902) points at the patch in the Flux Kustomization's file.
func TestReadTreeWithFluxFields(t *testing.T) {
	flux := `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: istio-gateways
spec:
  path: ./app
  patches:
    - patch: |
        apiVersion: v1
        kind: Service
        metadata:
          name: eastwest
        spec:
          type: LoadBalancer
    - target:
        kind: Service
        name: eastwest
      patch: |
        - op: add
          path: /spec/externalIPs
          value:
            - 203.0.113.10
    - target:
        kind: Deployment
      patch: |
        - op: replace
          path: /spec/type
          value: NodePort
`
	dir := writeTree(t, map[string]string{
		"app/kustomization.yaml": "resources:\n  - gw.yaml\n",
		"app/gw.yaml":            "apiVersion: v1\nkind: Service\nmetadata:\n  name: eastwest\nspec:\n  type: ClusterIP\n",
		"flux.yaml":              flux,
	})
	fluxObjs, errs := source.Read(strings.NewReader(flux), filepath.Join(dir, "flux.yaml"), source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	patches, _ := fluxObjs[0].Get("spec.patches")
	with := map[string]any{
		"namespace":  "istio-gateways",
		"namePrefix": "istio-",
		"labels":     []any{map[string]any{"pairs": map[string]any{"topology.istio.io/network": "network1"}}},
		"patches":    patches,
	}
	objs, _, errs := ReadTree(filepath.Join(dir, "app"), &Overlay{Fields: with, From: fluxObjs[0]}, []string{dir}, source.DefaultLimits())
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("%v %v", objs, errs)
	}
	o := objs[0]
	network, _ := o.Label("topology.istio.io/network")
	typ, _ := o.Get("spec.type")
	ips, _ := o.Get("spec.externalIPs")
	if got := fmt.Sprintf("%s/%s %s %v %v", o.Namespace(), o.Name(), network, typ, ips); got != "istio-gateways/istio-eastwest network1 LoadBalancer [203.0.113.10]" {
		t.Errorf("built %s", got)
	}
	for path, want := range map[string]int{"spec.type": 14, "spec.externalIPs[0]": 22, "metadata.name": 4} {
		f, l, _ := o.Locate(path)
		wantFile := "flux.yaml"
		if path == "metadata.name" {
			wantFile = "gw.yaml" // no patch sets it
		}
		if filepath.Base(f) != wantFile || l != want {
			t.Errorf("%s located at %s:%d, want %s:%d", path, filepath.Base(f), l, wantFile, want)
		}
	}
	// Without the Flux Kustomization, the patched value is located at the
	// resource (the patch is written nowhere meshcheck can name).
	objs, _, _ = ReadTree(filepath.Join(dir, "app"), &Overlay{Fields: with}, []string{dir}, source.DefaultLimits())
	if f, l, _ := objs[0].Locate("spec.type"); filepath.Base(f) != "gw.yaml" || l != 6 {
		t.Errorf("spec.type located at %s:%d without the Flux Kustomization, want gw.yaml:6", f, l)
	}
	// Without a kustomization, the fields are noted as not applied.
	_, _, errs = ReadTree(t.TempDir(), &Overlay{Fields: with}, nil, source.DefaultLimits())
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "namePrefix") {
		t.Errorf("errors %v", errs)
	}
}
