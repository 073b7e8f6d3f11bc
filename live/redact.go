package live

import (
	"encoding/base64"
	"maps"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Redacted replaces every secret value a snapshot keeps.
const Redacted = "meshcheck-redacted"

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// redact returns a copy of obj fit to be written: Secrets keep the facts
// the model derives (kubeconfig skeletons with a credential marker, public
// certificates) and nothing else; every object loses its managed fields
// and last-applied annotation, which can hold a Secret's data.
func redact(obj *source.Object) map[string]any {
	out := maps.Clone(obj.Data)
	md, _ := out["metadata"].(map[string]any)
	md = maps.Clone(md)
	delete(md, "managedFields")
	if ann, ok := md["annotations"].(map[string]any); ok {
		ann = maps.Clone(ann)
		delete(ann, lastApplied)
		md["annotations"] = ann
	}
	out["metadata"] = md
	if obj.Kind() != "Secret" {
		return out
	}
	// Written back as data, as the cluster returned it, so that findings
	// name the same paths (data.<key>) when lint reads the snapshot.
	delete(out, "stringData")
	data := map[string]any{}
	vals, _ := model.SecretData(obj)
	for key, v := range vals {
		switch {
		case model.IsRemoteSecret(obj):
			v = model.KubeconfigSkeleton(v)
		default:
			// A value with no certificate (a private key) becomes the
			// marker, so that the key's presence is still known.
			if v = model.PublicCerts(v); v == nil {
				v = []byte(Redacted)
			}
		}
		data[key] = base64.StdEncoding.EncodeToString(v)
	}
	out["data"] = data
	return out
}
