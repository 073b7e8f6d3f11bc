package model

import (
	"strings"
	"testing"
)

// A value of the wrong type for the Istio field it sets is an error at its
// file:line and reads as unknown; the rest of the install is still read.
func TestValuesOfTheWrongTypeAreErrors(t *testing.T) {
	in := input(t, "c1", `global:
  multiCluster:
    clusterName: {{ .Values.cluster }}
  network: [1, 2]
  meshID: {a: b}
  externalIstiod: maybe
  istioNamespace: istio-system
meshConfig:
  trustDomain: [x]
`)
	f, errs := Build([]ClusterInput{in}, Options{})
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"c1.yaml:3:18: global.multiCluster.clusterName is a mapping, but Istio reads it as a string (an unquoted template action: the file is not YAML until rendered)",
		"c1.yaml:4:12: global.network is a list, but Istio reads it as a string",
		"c1.yaml:5:11: global.meshID is a mapping, but Istio reads it as a string",
		"c1.yaml:6:19: global.externalIstiod is a string, but Istio reads it as a boolean",
		"c1.yaml:9:16: trustDomain is a list, but Istio reads it as a string",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cps := f.Clusters["c1"].ControlPlanes
	if len(cps) != 1 || cps[0].ClusterName != nil || cps[0].Network != nil || cps[0].MeshID != nil {
		t.Fatalf("control planes %+v: want one, with the mistyped values unknown", cps)
	}
	if cps[0].IstioNamespace == nil || cps[0].IstioNamespace.Value != "istio-system" {
		t.Errorf("the well-typed istioNamespace was not read: %+v", cps[0].IstioNamespace)
	}
}

// A quoted template action is a value known only once rendered: unknown,
// never a literal cluster or network name.
func TestTemplatedValuesAreUnknown(t *testing.T) {
	f := build(t, map[string]string{"c1": `global:
  multiCluster:
    clusterName: "{{ .Values.cluster }}"
  network: "net-{{ .Values.region }}"
  meshID: mesh1
`})
	cp := f.Clusters["c1"].ControlPlanes[0]
	if cp.ClusterName != nil || cp.Network != nil {
		t.Errorf("clusterName %v, network %v: want unknown", value(cp.ClusterName), value(cp.Network))
	}
	if cp.MeshID == nil || cp.MeshID.Value != "mesh1" {
		t.Errorf("meshID = %v", value(cp.MeshID))
	}
}
