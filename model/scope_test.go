package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
