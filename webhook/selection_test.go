package webhook

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/meshcheck/meshcheck/inventory"
)

// The selections read labels and names in place; they must decide as the
// API server's selectors on copied sets do, for every kind the cache watches.
func TestSelectionsMatchAsTheAPIServersSelectors(t *testing.T) {
	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	metas := []map[string]any{
		{"name": "cacerts", "namespace": "istio-system"},
		{"name": "istio-ca-secret", "namespace": "istio-system", "labels": map[string]any{"app": "istiod"}},
		{"name": "remote", "namespace": "istio-system", "labels": map[string]any{"istio/multiCluster": "true"}},
		{"name": "remote", "labels": map[string]any{"istio/multiCluster": "false"}},
		{"name": "eastwest", "labels": map[string]any{"topology.istio.io/network": "n1", "istio.io/rev": "1-24"}},
		{"name": "odd", "labels": map[string]any{"topology.istio.io/network": 7, "app": nil}},
		{"name": "istiod", "labels": "not a map"},
		{},
	}
	matched := 0
	for _, s := range sels {
		for _, md := range metas {
			o := &unstructured.Unstructured{Object: map[string]any{"metadata": md}}
			o.SetGroupVersionKind(s.kind.GVK)
			want := s.labels.Matches(labels.Set(o.GetLabels())) &&
				s.fields.Matches(fields.Set{"metadata.name": o.GetName(), "metadata.namespace": o.GetNamespace()})
			if got := s.matches(o); got != want {
				t.Errorf("%s %s/%v: matches = %v, want %v", s.kind.GVK.Kind, s.kind.LabelSelector+s.kind.FieldSelector, md, got, want)
			}
			if want {
				matched++
			}
		}
	}
	if matched < len(sels) {
		t.Errorf("only %d matches over %d selections: the table tests too little", matched, len(sels))
	}
}
