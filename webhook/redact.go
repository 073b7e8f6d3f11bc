package webhook

import (
	"encoding/base64"
	"maps"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// lastApplied is kubectl's copy of the applied object: for a Secret it
// holds the data in clear, so it never enters the cache.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

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

// Reduce applies the cache's reduction to u in place. It writes only to
// u's top-level and metadata maps, which reduced relies on.
func Reduce(u *unstructured.Unstructured) {
	u.SetManagedFields(nil)
	if gvk := u.GroupVersionKind(); dropsStatus[gvk.Group+"/"+gvk.Kind] {
		delete(u.Object, "status")
	}
	if ann, _, _ := unstructured.NestedFieldNoCopy(u.Object, "metadata", "annotations"); ann != nil {
		if m, ok := ann.(map[string]any); ok && m[lastApplied] != nil {
			m = maps.Clone(m)
			delete(m, lastApplied)
			u.Object["metadata"].(map[string]any)["annotations"] = m
		}
	}
	if u.GetKind() != "Secret" || u.GroupVersionKind().Group != "" {
		return
	}
	obj := &source.Object{Data: u.Object}
	vals, _ := model.SecretData(obj) // stringData (a request may carry it) wins
	out := map[string]any{}
	for k, raw := range vals {
		if model.IsRemoteSecret(obj) {
			out[k] = base64.StdEncoding.EncodeToString(model.KubeconfigSkeleton(raw))
		} else {
			// Certificates are kept; of anything else (ca-key.pem), the key's
			// presence is a fact, its value is not.
			out[k] = base64.StdEncoding.EncodeToString(model.PublicCerts(raw))
		}
	}
	delete(u.Object, "stringData")
	u.Object["data"] = out
}

// reduced returns u reduced as the cache reduces objects, leaving u as it
// is: it copies only the maps Reduce writes to, not the whole object.
func reduced(u *unstructured.Unstructured) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: maps.Clone(u.Object)}
	if md, ok := out.Object["metadata"].(map[string]any); ok {
		out.Object["metadata"] = maps.Clone(md)
	}
	Reduce(out)
	return out
}
