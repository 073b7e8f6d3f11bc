package webhook

import (
	"encoding/base64"
	"maps"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// lastApplied is kubectl's copy of the applied object: for a Secret it
// holds the data in clear, so it never enters the cache.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Transform is the cache transform: it drops what the model never reads
// (managed fields, kubectl's last-applied copy) and reduces Secrets to
// what the model derives facts from, so the cache never holds credentials
// or private keys longer than the decode of one watch event.
func Transform(obj any) (any, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		Reduce(u)
	}
	return obj, nil
}

// Reduce applies the cache's reduction to u in place. It writes only to
// u's top-level and metadata maps, which reduced relies on.
func Reduce(u *unstructured.Unstructured) {
	u.SetManagedFields(nil)
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
	data := map[string]any{}
	if d, ok := u.Object["data"].(map[string]any); ok {
		data = maps.Clone(d)
	}
	// Never set on stored objects; a request may carry it. It wins over data.
	if str, ok := u.Object["stringData"].(map[string]any); ok {
		for k, v := range str {
			s, _ := v.(string)
			data[k] = base64.StdEncoding.EncodeToString([]byte(s))
		}
		delete(u.Object, "stringData")
	}
	out := map[string]any{}
	remote := strings.EqualFold(u.GetLabels()["istio/multiCluster"], "true")
	for k, v := range data {
		s, _ := v.(string)
		switch {
		case remote:
			out[k] = base64.StdEncoding.EncodeToString(kubeconfigSkeleton(s))
		case isPublicCert(k):
			out[k] = s
		default:
			// The key's presence is a fact (cacerts has ca-key.pem); its value is not.
			out[k] = ""
		}
	}
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

// isPublicCert names the cacerts/istio-ca-secret keys holding certificates.
func isPublicCert(key string) bool {
	return strings.HasSuffix(key, ".pem") && !strings.Contains(key, "key")
}

// kubeconfigSkeleton keeps the names, contexts and server of a kubeconfig
// and replaces any credential by a marker, so the model still sees which
// cluster the secret reaches and that it carries a credential.
func kubeconfigSkeleton(b64 string) []byte {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return []byte("not base64: [")
	}
	var kc map[string]any
	if err := yaml.Unmarshal(raw, &kc); err != nil || kc == nil {
		return []byte("not a kubeconfig: [") // still invalid YAML, as the original
	}
	sk := map[string]any{"apiVersion": "v1", "kind": "Config", "current-context": str(kc["current-context"])}
	sk["contexts"] = keep(kc["contexts"], "context", "cluster", "user", "namespace")
	sk["clusters"] = keep(kc["clusters"], "cluster", "server")
	var users []any
	for _, e := range list(kc["users"]) {
		m, _ := e.(map[string]any)
		user := map[string]any{}
		cred, _ := m["user"].(map[string]any)
		for _, k := range []string{"token", "tokenFile", "client-key-data", "client-key", "auth-provider", "exec", "password"} {
			if v, ok := cred[k]; ok && v != nil && v != "" {
				user["token"] = "redacted-by-meshcheck"
			}
		}
		users = append(users, map[string]any{"name": str(m["name"]), "user": user})
	}
	sk["users"] = users
	out, err := yaml.Marshal(sk)
	if err != nil {
		return []byte("not a kubeconfig: [")
	}
	return out
}

// keep copies the named entries of a kubeconfig list with only fields of
// their inner map.
func keep(l any, inner string, fields ...string) []any {
	var out []any
	for _, e := range list(l) {
		m, _ := e.(map[string]any)
		in, _ := m[inner].(map[string]any)
		kept := map[string]any{}
		for _, f := range fields {
			if v, ok := in[f].(string); ok {
				kept[f] = v
			}
		}
		out = append(out, map[string]any{"name": str(m["name"]), inner: kept})
	}
	return out
}

func list(v any) []any { l, _ := v.([]any); return l }

// str keeps scalar names as the model reads them (a YAML number is a name
// too) and drops anything else, which could carry arbitrary content.
func str(v any) any {
	switch v.(type) {
	case string, bool, int, int64, float64:
		return v
	}
	return nil
}
