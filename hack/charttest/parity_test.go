package charttest

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomize renders a kustomization of deploy/ as kubectl apply -k would.
func kustomize(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(root, dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	b, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeObjects(b)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return objs
}

// helmLabels are the labels Helm charts add (the chart, its release and
// version, who manages it); deploy/ sets none of them. They are removed
// wherever labels are set or selected (metadata.labels, a Service's
// selector, matchLabels), and from nothing else.
var helmLabels = []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version"}

// normalise removes from a chart's object the differences that are
// intended, each named here, and nothing else.
func normalise(o *unstructured.Unstructured) *unstructured.Unstructured {
	o = o.DeepCopy()
	var walk func(parent string, v any)
	walk = func(parent string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if parent == "labels" || parent == "matchLabels" || (parent == "selector" && o.GetKind() == "Service") {
				for _, l := range helmLabels {
					delete(v, l)
				}
			}
			for k, c := range v {
				walk(k, c)
			}
		case []any:
			for _, c := range v {
				walk(parent, c)
			}
		}
	}
	walk("", o.Object)
	// The cert-manager objects carry the chart's labels like every other
	// object; the overlay's carry none.
	if o.GetKind() == "Issuer" || o.GetKind() == "Certificate" {
		unstructured.RemoveNestedField(o.Object, "metadata", "labels", "app.kubernetes.io/name")
		if len(o.GetLabels()) == 0 {
			unstructured.RemoveNestedField(o.Object, "metadata", "labels")
		}
	}
	return o
}

// TestParity renders the chart and the kustomization it mirrors and
// compares every object, whole, after normalise: names and namespaces, the
// webhook configuration (rules, matchConditions, failurePolicy, timeouts,
// namespaceSelector, clientConfig, annotations), the Deployment (args,
// ports, probes, resources, security contexts, affinity, volumes), RBAC and
// the rest.
func TestParity(t *testing.T) {
	for _, tt := range []struct {
		name, kustomization, values string
	}{
		{"base without cert-manager", "deploy/base", "certificates: {certManager: {enabled: false}}"},
		{"cert-manager overlay and the chart's defaults", "deploy/overlays/cert-manager", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := kustomize(t, tt.kustomization)
			got := render(t, values(t, tt.values))
			// The chart installs into the release's namespace (helm install
			// -n meshcheck-system --create-namespace) instead of creating it:
			// a chart cannot own the namespace its release is stored in.
			want = slices.DeleteFunc(want, func(o *unstructured.Unstructured) bool {
				return o.GetKind() == "Namespace" && o.GetName() == namespace
			})
			wantByKey := map[string]*unstructured.Unstructured{}
			for _, o := range want {
				wantByKey[key(o)] = o
			}
			gotByKey := map[string]*unstructured.Unstructured{}
			for _, o := range got {
				gotByKey[key(o)] = o
				if _, ok := wantByKey[key(o)]; !ok {
					t.Errorf("the chart renders %s, which %s does not", key(o), tt.kustomization)
				}
			}
			for _, o := range want {
				g, ok := gotByKey[key(o)]
				if !ok {
					t.Errorf("%s renders %s, which the chart does not", tt.kustomization, key(o))
					continue
				}
				if d := cmp.Diff(o.Object, normalise(g).Object); d != "" {
					t.Errorf("%s differs (-%s +chart):\n%s", key(o), tt.kustomization, d)
				}
			}
		})
	}
}
