package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meshcheck/meshcheck/source"
)

func TestSecretNamespaces(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		want  []string
		known bool
	}{
		{"istiod Deployment", `apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod-canary, namespace: mesh-system}
`, []string{"mesh-system"}, true},
		{"Deployment labelled app=istiod, no namespace", `apiVersion: apps/v1
kind: Deployment
metadata: {name: pilot, labels: {app: istiod}}
`, []string{"istio-system"}, true},
		{"an application's Deployment is no istiod", `apiVersion: apps/v1
kind: Deployment
metadata: {name: payments, namespace: payments}
`, []string{"istio-system"}, false},
		{"IstioOperator with istioNamespace", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {namespace: istio-system}
spec:
  values: {global: {istioNamespace: external-istiod}}
`, []string{"external-istiod"}, true},
		{"IstioOperator without pilot renders no istiod", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: empty
  components: {ingressGateways: [{name: istio-eastwestgateway, enabled: true}]}
`, []string{"istio-system"}, false},
		{"remote profile: its namespace counts, no istiod known", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values: {global: {istioNamespace: external-istiod}}
`, []string{"external-istiod"}, false},
		{"remote profile with a local injector istiod", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values: {istiodRemote: {enabledLocalInjectorIstiod: true}}
`, []string{"istio-system"}, true},
		{"Sail Istio", `apiVersion: sailoperator.io/v1
kind: Istio
metadata: {name: default}
spec: {namespace: sail-system}
`, []string{"sail-system"}, true},
		{"Helm values", `global: {istioNamespace: mesh-system}
`, []string{"mesh-system"}, true},
		{"Helm values of the remote profile", `profile: remote
`, []string{"istio-system"}, false},
		{"external control plane and its gateway istiod", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {namespace: external-istiod}
spec:
  values: {global: {istioNamespace: external-istiod}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
`, []string{"external-istiod", "istio-system"}, true},
		{"only cacerts", `apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: payments}
`, []string{"istio-system"}, false},
		{"a mesh ConfigMap shows no istiod", `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: payments}
data: {mesh: "trustDomain: x"}
`, []string{"istio-system"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known := SecretNamespaces(input(t, "c", tt.yaml).Objects)
			if diff := cmp.Diff(tt.want, sortedKeys(got)); diff != "" || known != tt.known {
				t.Errorf("SecretNamespaces = %v, %v; want %v, %v (-want +got):\n%s", sortedKeys(got), known, tt.want, tt.known, diff)
			}
		})
	}
}

// cacerts and remote secrets count in the namespace of the istiod that reads
// them; elsewhere they are listed as ignored and give no fact and no link.
func TestSecretsCountWhereIstiodReadsThem(t *testing.T) {
	appSecrets := `---
apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: payments}
stringData: {ca.crt: an application's CA}
---
` + strings.Replace(remoteSecretFor("cluster2"), "namespace: istio-system", "namespace: payments", 1) + `---
apiVersion: v1
kind: Secret
metadata: {name: istio-remote-secret-cluster3, namespace: istio-system, labels: {istio/multiCluster: "True"}}
stringData: {cluster3: "not read: the label selector is istio/multiCluster=true"}
`
	tests := []struct {
		name, yaml      string
		wantCA, wantRS  []string
		wantIgnored     int
		wantReasonsHave string
	}{
		{"primary in istio-system", primary + appSecrets + "---\n" + remoteSecretFor("cluster4") + `---
apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: istio-system}
---
apiVersion: v1
kind: Secret
metadata: {name: cacerts}
`, []string{"istio-system", ""}, []string{"istio-system"}, 2, "only in the namespace of the cluster's istiod (istio-system), not in payments"},
		{"istiod in mesh-system", `apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: mesh-system}
---
apiVersion: v1
kind: Secret
metadata: {name: istio-ca-secret, namespace: istio-system}
` + appSecrets, []string{}, []string{}, 3, "(mesh-system), not in istio-system"},
		{"no control plane known", `apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: istio-system}
` + appSecrets, []string{"istio-system"}, []string{}, 2, "when the inputs show no istiod (istio-system)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := build(t, map[string]string{"cluster1": tt.yaml})
			c := f.Clusters["cluster1"]
			var ca, rs, reasons []string
			for _, s := range c.CASecrets {
				ca = append(ca, s.Namespace)
			}
			for _, s := range c.RemoteSecrets {
				rs = append(rs, s.Namespace)
			}
			for _, ig := range c.Ignored {
				reasons = append(reasons, ig.Source.Object.Name+": "+ig.Reason)
			}
			if diff := cmp.Diff(tt.wantCA, ca, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CA secrets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRS, rs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("remote secrets (-want +got):\n%s", diff)
			}
			if len(c.Ignored) != tt.wantIgnored || !strings.Contains(strings.Join(reasons, "\n"), tt.wantReasonsHave) {
				t.Errorf("ignored:\n%s\nwant %d, one saying %q", strings.Join(reasons, "\n"), tt.wantIgnored, tt.wantReasonsHave)
			}
			for _, l := range f.Links {
				if l.Kind == "remote-secret" && l.Source.Object.Namespace == "payments" {
					t.Errorf("a remote secret Istio does not read links clusters: %+v", l)
				}
			}
		})
	}
}

// SecretNamespaces runs on every build of the webhook's cluster: it must
// cost little beside the objects it skips.
func BenchmarkSecretNamespaces(b *testing.B) {
	objs := input(b, "east", everyKind).Objects
	for i := range 2000 {
		objs = append(objs, &source.Object{Data: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": fmt.Sprintf("app-%d", i), "namespace": "payments"},
		}})
	}
	b.ResetTimer()
	for b.Loop() {
		if _, known := SecretNamespaces(objs); !known {
			b.Fatal("no istiod found")
		}
	}
}

// A ConfigMap named like the chart's but outside every namespace with an
// istiod or an install, and without the chart's istio.io/rev label, is an
// application's: it makes no control plane.
func TestConfigMapsCountWhereIstiodReadsThem(t *testing.T) {
	mesh := func(ns, labels string) string {
		return `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: ` + ns + labels + `}
data: {mesh: "trustDomain: example.org"}
`
	}
	tests := []struct {
		name, yaml string
		want       []string // namespaces of the control planes
		ignored    int
	}{
		{"an application's istio ConfigMap", primary + mesh("payments", ""), []string{"istio-system"}, 1},
		{"the chart's, labelled, on a remote", mesh("external-istiod", ", labels: {istio.io/rev: default}"), []string{"external-istiod"}, 0},
		{"beside an istiod", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istiod, namespace: mesh-system}\n" + mesh("mesh-system", ""), []string{"mesh-system"}, 0},
		{"in istio-system", mesh("istio-system", ""), []string{"istio-system"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, map[string]string{"cluster1": tt.yaml}).Clusters["cluster1"]
			var got []string
			for _, cp := range c.ControlPlanes {
				got = append(got, cp.Namespace)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || len(c.Ignored) != tt.ignored {
				t.Errorf("control planes (-want +got):\n%s\nignored: %+v, want %d", diff, c.Ignored, tt.ignored)
			}
		})
	}
}
