package webhook

import (
	"fmt"
	"strings"

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
	md, _ := o.Object["metadata"].(map[string]any)
	return s.labels.Matches(rawLabels(md)) && s.fields.Matches(rawFields(md))
}

// rawLabels and rawFields let selectors read an object's metadata without
// copying it: every request is matched against every selection.
type (
	rawLabels map[string]any // metadata
	rawFields map[string]any // metadata
)

func (m rawLabels) Has(key string) bool   { _, ok := m.Lookup(key); return ok }
func (m rawLabels) Get(key string) string { v, _ := m.Lookup(key); return v }

func (m rawLabels) Lookup(key string) (string, bool) {
	l, _ := m["labels"].(map[string]any)
	v, ok := l[key].(string)
	return v, ok
}

func (m rawFields) Has(field string) bool {
	return field == "metadata.name" || field == "metadata.namespace"
}

func (m rawFields) Get(field string) string {
	if !m.Has(field) {
		return ""
	}
	v, _ := m[strings.TrimPrefix(field, "metadata.")].(string)
	return v
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
