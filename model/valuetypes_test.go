package model

import (
	"errors"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
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
	if cps[0].ClusterID != nil || cps[0].TrustDomain != nil {
		t.Errorf("cluster ID %v, trust domain %v: mistyped, they are unknown, not Istio's defaults", value(cps[0].ClusterID), value(cps[0].TrustDomain))
	}
	if cps[0].IstioNamespace == nil || cps[0].IstioNamespace.Value != "istio-system" {
		t.Errorf("the well-typed istioNamespace was not read: %+v", cps[0].IstioNamespace)
	}
}

// A quoted template action is a value known only once rendered: unknown,
// never a literal cluster or network name, nor Istio's default, and the
// build says so at the value's line.
func TestTemplatedValuesAreUnknown(t *testing.T) {
	f, errs := Build([]ClusterInput{input(t, "c1", `global:
  multiCluster:
    clusterName: "{{ .Values.cluster }}"
  network: "net-{{ .Values.region }}"
  meshID: mesh1
meshConfig:
  trustDomain: ${TRUST_DOMAIN}
`)}, Options{})
	var got []string
	for _, e := range errs {
		if !errors.Is(e, source.ErrNotEvaluated) {
			t.Errorf("%v: not a note", e)
		}
		got = append(got, e.Error())
	}
	want := []string{
		`c1.yaml:3:18: not evaluated: global.multiCluster.clusterName holds a template action ({{ .Values.cluster }}): its value is known only once rendered, so it is unknown here (not Istio's default)`,
		`c1.yaml:4:12: not evaluated: global.network holds a template action (net-{{ .Values.region }}): its value is known only once rendered, so it is unknown here (not Istio's default)`,
		`c1.yaml:7:16: not evaluated: meshConfig.trustDomain holds a template action (${TRUST_DOMAIN}): its value is known only once rendered, so it is unknown here (not Istio's default)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cp := f.Clusters["c1"].ControlPlanes[0]
	if cp.ClusterName != nil || cp.Network != nil || cp.ClusterID != nil || cp.TrustDomain != nil {
		t.Errorf("clusterName %v, network %v, cluster ID %v, trust domain %v: want unknown",
			value(cp.ClusterName), value(cp.Network), value(cp.ClusterID), value(cp.TrustDomain))
	}
	if got := strings.Join(cp.Unknown, " "); got != "global.multiCluster.clusterName global.network meshConfig.trustDomain" {
		t.Errorf("unknown settings: %s", got)
	}
	if _, ok := cp.Values["global"].(map[string]any)["network"]; ok {
		t.Errorf("values keep the template text: %v", cp.Values)
	}
	if cp.MeshID == nil || cp.MeshID.Value != "mesh1" {
		t.Errorf("meshID = %v", value(cp.MeshID))
	}
}

// A template action in a lower layer does not hide what a higher one sets,
// and one in a higher layer hides a lower layer's literal: the value Helm
// renders is the higher layer's, which the files do not show.
func TestTemplatedValuesFollowPrecedence(t *testing.T) {
	objs := append(input(t, "c1", `global:
  network: "{{ .Values.network }}"
  multiCluster:
    clusterName: cluster1
`).Objects, input(t, "c1", `global:
  network: network1
  multiCluster:
    clusterName: "{{ .Values.cluster }}"
`).Objects...)
	for _, o := range objs {
		o.Release = "Argo CD Application istiod (apps/istiod.yaml:1)" // one release, two layers: the first wins
	}
	f, _ := Build([]ClusterInput{{Name: "c1", Objects: objs}}, Options{})
	cp := f.Clusters["c1"].ControlPlanes[0]
	if cp.Network != nil {
		t.Errorf("network = %v: want unknown (the higher layer's template hides network1)", value(cp.Network))
	}
	if cp.ClusterName == nil || cp.ClusterName.Value != "cluster1" || cp.ClusterID == nil || cp.ClusterID.Value != "cluster1" {
		t.Errorf("clusterName %v, cluster ID %v: want cluster1 (the lower layer's template is overridden)", value(cp.ClusterName), value(cp.ClusterID))
	}
}

// Two releases of one control plane: what they agree on is known, what
// they set differently (or one sets and the other does not) is unknown,
// and one note names both releases and the settings.
func TestTwoReleasesOfOneControlPlane(t *testing.T) {
	a := input(t, "c1", `global:
  meshID: mesh1
  network: network1
  multiCluster:
    clusterName: cluster1
`).Objects[0]
	b := input(t, "c1", `global:
  meshID: mesh1
  network: network2
  istioNamespace: ""
meshConfig:
  trustDomain: example.org
`).Objects[0]
	a.Release = "Argo CD Application istiod (a.yaml:1)"
	b.Release = "Flux HelmRelease istiod (b.yaml:1)"
	f, errs := Build([]ClusterInput{{Name: "c1", Objects: []*source.Object{a, b}}}, Options{})
	if len(errs) != 1 || !errors.Is(errs[0], source.ErrNotEvaluated) {
		t.Fatalf("notes %v: want one", errs)
	}
	want := `c1.yaml:1:1: not evaluated: Argo CD Application istiod (a.yaml:1) and Flux HelmRelease istiod (b.yaml:1) install the same control plane (namespace istio-system, revision ""): Helm installs only one of them and Argo CD applies each in turn, so the values they set differently are unknown: global.multiCluster.clusterName, global.network, meshConfig.trustDomain`
	if errs[0].Error() != want {
		t.Errorf("note:\n%s\nwant:\n%s", errs[0], want)
	}
	cps := f.Clusters["c1"].ControlPlanes
	if len(cps) != 1 {
		t.Fatalf("%d control planes, want one", len(cps))
	}
	cp := cps[0]
	if cp.Network != nil || cp.ClusterID != nil || cp.TrustDomain != nil {
		t.Errorf("network %v, cluster ID %v, trust domain %v: want unknown", value(cp.Network), value(cp.ClusterID), value(cp.TrustDomain))
	}
	if cp.MeshID == nil || cp.MeshID.Value != "mesh1" {
		t.Errorf("meshID = %v: both releases set mesh1", value(cp.MeshID))
	}

	// The layers of one release are not two releases.
	b.Release = a.Release
	f, errs = Build([]ClusterInput{{Name: "c1", Objects: []*source.Object{a, b}}}, Options{})
	if len(errs) != 0 {
		t.Errorf("one release: notes %v", errs)
	}
	if cp := f.Clusters["c1"].ControlPlanes[0]; cp.Network == nil || cp.Network.Value != "network1" {
		t.Errorf("one release: network %v, want network1 (the first layer)", value(cp.Network))
	}
}

// An empty value is unset, as Istio's charts read it (the chart's own
// values.yaml writes clusterName: ""): Istio's default applies.
func TestEmptyValuesTakeIstiosDefaults(t *testing.T) {
	f := build(t, map[string]string{"c1": `global:
  multiCluster:
    clusterName: ""
meshConfig:
  trustDomain: ""
`})
	cp := f.Clusters["c1"].ControlPlanes[0]
	if cp.ClusterID == nil || cp.ClusterID.Value != "Kubernetes" || !cp.ClusterID.Default {
		t.Errorf("cluster ID %+v, want Istio's default Kubernetes", cp.ClusterID)
	}
	if cp.TrustDomain == nil || cp.TrustDomain.Value != "cluster.local" || !cp.TrustDomain.Default {
		t.Errorf("trust domain %+v, want Istio's default cluster.local", cp.TrustDomain)
	}
}
