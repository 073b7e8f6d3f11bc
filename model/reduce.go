package model

import (
	"encoding/base64"
	"encoding/pem"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/source"
)

// The reductions below keep, of a Secret's values, what the model derives
// facts from and nothing else. The webhook's cache and audit's snapshots
// hold secrets only reduced (Redact); the model gives the same facts on a
// reduced value as on the original (FuzzRedact).

// Redacted stands where a secret value was: a kubeconfig user's
// credential, or a value with no certificate (a private key), so that its
// presence is still known.
const Redacted = "redacted-by-meshcheck"

// lastApplied is kubectl's copy of the applied object: for a Secret it
// holds the data in clear.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Redact returns obj's data fit to keep or write: without managed fields
// and kubectl's last-applied copy, which can hold a Secret's data, and, for
// a Secret, with stringData merged into data (as the API server stores it,
// so that findings name the same paths) and each value reduced to what the
// model derives facts from: a remote secret's kubeconfigs to their
// skeleton (KubeconfigSkeleton), any other value to its certificates
// (PublicCerts), or to Redacted where it has none. It copies the maps it
// changes and leaves obj as it is.
func Redact(obj *source.Object) map[string]any {
	out := withoutCopies(obj.Data)
	if obj.Kind() != "Secret" {
		return out
	}
	vals, _ := SecretData(obj) // stringData (a request may carry it) wins
	data := make(map[string]any, len(vals))
	for k, v := range vals {
		switch {
		case IsRemoteSecret(obj):
			v = KubeconfigSkeleton(v)
		default:
			if v = PublicCerts(v); v == nil {
				v = []byte(Redacted)
			}
		}
		data[k] = base64.StdEncoding.EncodeToString(v)
	}
	delete(out, "stringData")
	out["data"] = data
	return out
}

// withoutCopies returns a copy of an object's top level and metadata
// without the managed fields and kubectl's last-applied annotation.
func withoutCopies(obj map[string]any) map[string]any {
	out := maps.Clone(obj)
	md, ok := out["metadata"].(map[string]any)
	if !ok {
		return out
	}
	md = maps.Clone(md)
	delete(md, "managedFields")
	if ann, ok := md["annotations"].(map[string]any); ok {
		ann = maps.Clone(ann)
		delete(ann, lastApplied)
		md["annotations"] = ann
	}
	out["metadata"] = md
	return out
}

// KubeconfigSkeleton returns the names, contexts and servers of a
// kubeconfig and, for each user, Redacted in place of any credential. Text
// that is not a kubeconfig becomes text that still is not.
func KubeconfigSkeleton(raw []byte) []byte {
	const notKubeconfig = "not a kubeconfig: [" // invalid YAML, as the original
	if len(raw) > maxKubeconfigBytes {
		return []byte(notKubeconfig)
	}
	// Parsed as kubeconfigEntry parses it, so that both see the same.
	objs, errs := source.Read(strings.NewReader(string(raw)), "", source.DefaultLimits())
	if len(errs) > 0 || len(objs) == 0 {
		return []byte(notKubeconfig)
	}
	kc := objs[0].Data
	sk := map[string]any{"apiVersion": "v1", "kind": "Config", "current-context": nameOf(kc["current-context"])}
	sk["contexts"] = keepNamed(kc["contexts"], "context", "cluster", "user", "namespace")
	sk["clusters"] = keepNamed(kc["clusters"], "cluster", "server")
	var users []any
	for _, e := range asList(kc["users"]) {
		m := asMap(e)
		user := map[string]any{}
		if hasCredential(asMap(m["user"])) {
			user["token"] = Redacted
		}
		// What istiod refuses stays visible (refusedAuth): the options'
		// keys, and an auth provider's name, but none of their values.
		in := asMap(m["user"])
		for key := range refusedKeys {
			if present(in[key]) {
				user[key] = Redacted
			}
		}
		if ap := asMap(in["auth-provider"]); ap != nil {
			user["auth-provider"] = map[string]any{"name": nameOf(ap["name"])}
		}
		users = append(users, map[string]any{"name": nameOf(m["name"]), "user": user})
	}
	sk["users"] = users
	out, err := yaml.Marshal(sk)
	if err != nil {
		return []byte(notKubeconfig)
	}
	return out
}

// hasCredential says whether a kubeconfig user carries a credential.
func hasCredential(user map[string]any) bool {
	for _, k := range []string{"token", "tokenFile", "client-key-data", "client-key", "auth-provider", "exec", "password"} {
		if present(user[k]) {
			return true
		}
	}
	return false
}

func present(v any) bool { return v != nil && v != "" }

// refusedKeys are the kubeconfig user fields istiod refuses in a remote
// secret, by the name PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS gives
// each (pkg/kube/util.go sanitizeKubeConfig): they read files or run code
// on istiod's host.
var refusedKeys = map[string]string{
	"exec": "exec", "client-key": "clientKey", "client-certificate": "clientCertificate", "tokenFile": "tokenFile",
}

// refusedAuth lists what istiod refuses of a kubeconfig's users, sorted.
// It checks every user, as istiod does, not only the current context's: one
// refused option makes the whole kubeconfig unusable.
func refusedAuth(users any) []string {
	var out []string
	for _, e := range asList(users) {
		user := asMap(asMap(e)["user"])
		for key, option := range refusedKeys {
			if present(user[key]) {
				out = append(out, option)
			}
		}
		// oidc is the one auth provider istiod allows: it neither reads
		// files nor runs code.
		if ap := asMap(user["auth-provider"]); ap != nil {
			if name := scalarString(ap["name"]); name != "oidc" && name != "" {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// keepNamed copies the named entries of a kubeconfig list with only the
// scalar fields of their inner map.
func keepNamed(l any, inner string, fields ...string) []any {
	var out []any
	for _, e := range asList(l) {
		m := asMap(e)
		in := asMap(m[inner])
		kept := map[string]any{}
		for _, f := range fields {
			if v := nameOf(in[f]); v != nil {
				kept[f] = v
			}
		}
		out = append(out, map[string]any{"name": nameOf(m["name"]), inner: kept})
	}
	return out
}

func asList(v any) []any { l, _ := v.([]any); return l }

// nameOf keeps a scalar name as the model reads it (a YAML number is a name
// too) and drops anything else, which could carry arbitrary content.
func nameOf(v any) any {
	switch v.(type) {
	case string, bool, int, int64, float64:
		return v
	}
	return nil
}

// PublicCerts returns the CERTIFICATE blocks of a PEM value, or nil when it
// has none (a private key, anything else).
func PublicCerts(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes})...)
		}
	}
	return out
}
