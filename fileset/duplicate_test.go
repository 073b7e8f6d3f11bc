package fileset

import (
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// Two definitions of one object in a cluster are an input error naming
// both places; the first is read, and the rest of the fleet still is.
func TestDuplicateObjectsInOneCluster(t *testing.T) {
	crd := "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: sidecars.networking.istio.io\n  labels: {app: istio-pilot}\nspec: {group: networking.istio.io, scope: Namespaced}\n"
	ns := "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system, labels: {topology.istio.io/network: LABEL}}\n"
	dir := tree(t, map[string]string{
		"fleet/east/a.yaml": strings.Replace(ns, "LABEL", "network1", 1),
		"fleet/east/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n---\n" + strings.Replace(ns, "LABEL", "network2", 1),
		// Same name, other kind, group or namespace: other objects.
		"fleet/east/c.yaml": `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: gw, namespace: other}
---
global: {network: network1}
---
global: {meshID: mesh1}
`,
		// The same object in another cluster is that cluster's own.
		"fleet/west/a.yaml": strings.Replace(ns, "LABEL", "network2", 1),
		// Two versions of one group are one object: the API server converts.
		"fleet/west/gw.yaml": "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\n---\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata: {name: gw, namespace: istio-system}\n",
		// The same definition twice is one object applied twice, no error:
		// each istioctl render of a cluster's control planes carries the
		// same CRDs (testdata/rendered/corpus/multiple-control-planes/iop).
		"fleet/west/crds-1.yaml": crd,
		"fleet/west/crds-2.yaml": "# Source: another render\n" + crd,
	})
	t.Chdir(dir)
	set := Read(Layout{Fleet: "fleet"}, nil, source.Limits{})
	var msgs []string
	for _, e := range set.Errors {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		"fleet/east/b.yaml:5:1: Namespace istio-system is already defined for cluster east at fleet/east/a.yaml:1",
		"fleet/west/gw.yaml:5:1: Gateway istio-system/gw is already defined for cluster west at fleet/west/gw.yaml:1",
	}
	if len(msgs) != len(want) {
		t.Fatalf("errors:\n%s\nwant %d", strings.Join(msgs, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(msgs[i], w) {
			t.Errorf("error %d = %q, want it to start with %q", i, msgs[i], w)
		}
	}
	got := map[string]int{}
	for _, c := range set.Clusters {
		got[c.Name] = len(c.Objects)
		for _, o := range c.Objects {
			if o.Kind() == "Namespace" && c.Name == "east" && o.Origin.File != "fleet/east/a.yaml" {
				t.Errorf("east reads the second definition of istio-system (%s), not the first", o.Origin.File)
			}
		}
	}
	if got["east"] != 7 || got["west"] != 3 {
		t.Errorf("objects read: %v, want east 7 (one Namespace, a ConfigMap, three Gateways, two values files), west 3 (a Namespace, a Gateway, a CRD)", got)
	}
}
