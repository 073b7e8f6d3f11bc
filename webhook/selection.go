package webhook

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/meshcheck/meshcheck/inventory"
)

// selection is one inventory kind with its selectors parsed, so that a
// request object can be tested against what the cache would hold.
type selection struct {
	kind   inventory.Kind
	labels labels.Selector
	fields fields.Selector
}

// selections skips audit-only kinds: the webhook does not cache them.
func selections(kinds []inventory.Kind) ([]selection, error) {
	out := make([]selection, 0, len(kinds))
	for _, k := range kinds {
		if k.AuditOnly {
			continue
		}
		ls, err := labels.Parse(k.LabelSelector)
		if err != nil {
			return nil, fmt.Errorf("%s label selector %q: %w", k.GVK.Kind, k.LabelSelector, err)
		}
		fs, err := fields.ParseSelector(k.FieldSelector)
		if err != nil {
			return nil, fmt.Errorf("%s field selector %q: %w", k.GVK.Kind, k.FieldSelector, err)
		}
		out = append(out, selection{kind: k, labels: ls, fields: fs})
	}
	return out, nil
}

// matches says whether the cache would hold o: same group and kind (any
// version, the API server converts), and both selectors match.
func (s selection) matches(o *unstructured.Unstructured) bool {
	gvk := o.GroupVersionKind()
	if gvk.Group != s.kind.GVK.Group || gvk.Kind != s.kind.GVK.Kind {
		return false
	}
	if !s.labels.Matches(labels.Set(o.GetLabels())) {
		return false
	}
	return s.fields.Matches(fields.Set{"metadata.name": o.GetName(), "metadata.namespace": o.GetNamespace()})
}

// watched says whether any selection holds o.
func watched(sels []selection, o *unstructured.Unstructured) bool {
	if o == nil {
		return false
	}
	for _, s := range sels {
		if s.matches(o) {
			return true
		}
	}
	return false
}

// objectKey identifies an object across versions of its kind.
func objectKey(group, kind, namespace, name string) string {
	return group + "/" + kind + "/" + namespace + "/" + name
}

func keyOf(o *unstructured.Unstructured) string {
	gvk := o.GroupVersionKind()
	return objectKey(gvk.Group, gvk.Kind, o.GetNamespace(), o.GetName())
}
