package webhook

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Transform is the cache transform: it drops what the model never reads
// (managed fields, kubectl's last-applied copy, the status of kinds whose
// status it ignores) and reduces Secrets to what the model derives facts
// from, so the cache never holds credentials or private keys longer than
// the decode of one watch event.
func Transform(obj any) (any, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		Reduce(u)
	}
	return obj, nil
}

// dropsStatus holds the kinds (group/kind) whose status the model never
// reads (inventory.Kind.DropStatus).
var dropsStatus = func() map[string]bool {
	out := map[string]bool{}
	for _, k := range inventory.Kinds() {
		if k.DropStatus {
			out[k.GVK.Group+"/"+k.GVK.Kind] = true
		}
	}
	return out
}()

// Reduce applies the cache's reduction to u: model.Redact (no managed
// fields, no last-applied copy, Secrets reduced) and no status where the
// model reads none. It replaces u.Object by a copy of the maps it changes.
func Reduce(u *unstructured.Unstructured) {
	u.Object = model.Redact(&source.Object{Data: u.Object})
	if gvk := u.GroupVersionKind(); dropsStatus[gvk.Group+"/"+gvk.Kind] {
		delete(u.Object, "status")
	}
}

// reduced returns u reduced as the cache reduces objects, leaving u as it
// is: Reduce copies only the maps it changes, not the whole object.
func reduced(u *unstructured.Unstructured) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: u.Object}
	Reduce(out)
	return out
}
