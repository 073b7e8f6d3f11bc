package inventory

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

func TestSelectorsParse(t *testing.T) {
	for _, k := range Kinds() {
		if _, err := labels.Parse(k.LabelSelector); err != nil {
			t.Errorf("%s: label selector %q: %v", k.GVK.Kind, k.LabelSelector, err)
		}
		if _, err := fields.ParseSelector(k.FieldSelector); err != nil {
			t.Errorf("%s: field selector %q: %v", k.GVK.Kind, k.FieldSelector, err)
		}
		if k.Resource == "" || strings.ToLower(k.Resource) != k.Resource {
			t.Errorf("%s: resource %q", k.GVK.Kind, k.Resource)
		}
	}
}

// No listing may read Secrets beyond the three the model needs.
func TestSecretsAreAlwaysSelected(t *testing.T) {
	n := 0
	for _, k := range Kinds() {
		if k.GVK.Kind == "Secret" {
			n++
			if k.LabelSelector == "" && k.FieldSelector == "" {
				t.Errorf("an unselected Secret list would read every secret of the cluster")
			}
			if !k.InIstiodNamespaces {
				t.Errorf("Secrets %s%s count in every namespace, istiod reads them only in its own", k.LabelSelector, k.FieldSelector)
			}
		}
	}
	if n != 3 {
		t.Errorf("secret listings = %d, want 3", n)
	}
}
