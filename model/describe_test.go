package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

func one(t *testing.T, text string) *source.Object {
	t.Helper()
	objs, errs := source.Read(strings.NewReader(text), "o.yaml", source.DefaultLimits())
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("%v %d", errs, len(objs))
	}
	return objs[0]
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       Description
	}{
		{"an IOP installs its control plane and names its cluster", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec: {values: {global: {multiCluster: {clusterName: east}}}}`,
			Description{ClusterNames: []string{"east"}, Installs: []string{"istio-system revision default"}, Istio: true}},
		{"Helm values are a layer, not a whole install", `global: {multiCluster: {clusterName: east}}`,
			Description{ClusterNames: []string{"east"}, Istio: true}},
		{"an external control plane is not the cluster it serves", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {namespace: external-istiod}
spec:
  values: {global: {multiCluster: {clusterName: config}, istioNamespace: external-istiod}}
  components: {pilot: {k8s: {env: [{name: LOCAL_CLUSTER_SECRET_WATCHER, value: "true"}]}}}`,
			Description{ClusterNames: []string{"external control plane for config"}, Installs: []string{"external-istiod revision default"}, Istio: true}},
		{"a namespace labelled for injection is read", `{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {istio-injection: enabled}}}`,
			Description{Istio: true}},
		// An application's namespace is nothing Istio reads (as CL010 says):
		// a namespace.yaml above the cluster directories does not stop the
		// clusters from being inferred.
		{"an unlabelled namespace is not", `{apiVersion: v1, kind: Namespace, metadata: {name: shop}}`, Description{}},
		{"a kustomization is not", `{apiVersion: kustomize.config.k8s.io/v1beta1, kind: Kustomization, resources: [a.yaml]}`, Description{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Describe(one(t, tc.text))
			if !slices.Equal(got.ClusterNames, tc.want.ClusterNames) || !slices.Equal(got.Installs, tc.want.Installs) || got.Istio != tc.want.Istio {
				t.Errorf("Describe = %+v, want %+v", got, tc.want)
			}
		})
	}
}
