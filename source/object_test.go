package source

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAccessors(t *testing.T) {
	in := `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
  labels:
    topology.istio.io/network: network1
    replicas: 3
  annotations:
    note: "hi"
spec:
  values:
    global:
      meshID: mesh1
      multiCluster: {clusterName: cluster1}
  components:
    ingressGateways: [{name: a}, {name: b, enabled: true}]
`
	objs, errs := Read(strings.NewReader(in), "iop.yaml", Limits{})
	if len(errs) != 0 || len(objs) != 1 {
		t.Fatalf("Read: %d objects, errors %v", len(objs), errs)
	}
	o := objs[0]
	got := []string{o.APIVersion(), o.Kind(), o.Name(), o.Namespace()}
	want := []string{"install.istio.io/v1alpha1", "IstioOperator", "control-plane", "istio-system"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"topology.istio.io/network": "network1"}, o.Labels()); diff != "" {
		t.Errorf("Labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"note": "hi"}, o.Annotations()); diff != "" {
		t.Errorf("Annotations (-want +got):\n%s", diff)
	}

	gets := []struct {
		path string
		want any
		ok   bool
	}{
		{"spec.values.global.meshID", "mesh1", true},
		{"spec.values.global.multiCluster.clusterName", "cluster1", true},
		{"spec.components.ingressGateways[1].enabled", true, true},
		{PathJoin("metadata", "labels", "topology.istio.io/network"), "network1", true},
		{"metadata.labels.replicas", int64(3), true},
		{"spec.components.ingressGateways[2]", nil, false},
		{"spec.components.ingressGateways.name", nil, false},
		{"spec.values[0]", nil, false},
		{"metadata.name.first", nil, false},
		{"spec.missing", nil, false},
	}
	for _, g := range gets {
		v, ok := o.Get(g.path)
		if ok != g.ok || !cmp.Equal(v, g.want) {
			t.Errorf("Get(%q) = %v, %v; want %v, %v", g.path, v, ok, g.want, g.ok)
		}
	}
	if v, ok := o.Get(""); !ok || !cmp.Equal(v, any(o.Data)) {
		t.Errorf("Get(\"\") = %v, %v; want the whole object", v, ok)
	}
}

func TestAccessorsOnOddObjects(t *testing.T) {
	for _, o := range []*Object{
		{},
		{Data: map[string]any{"kind": 1, "metadata": "x"}},
		{Data: map[string]any{"metadata": map[string]any{"name": 2, "labels": map[string]any{"a": 1}}}},
	} {
		if o.Kind() != "" || o.Name() != "" || o.Namespace() != "" || o.Labels() != nil || o.Annotations() != nil {
			t.Errorf("accessors on %v: want zero values", o.Data)
		}
	}
}
