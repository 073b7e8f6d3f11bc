package model

import (
	"encoding/pem"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/source"
)

// The reductions below keep, of a Secret's values, what the model derives
// facts from and nothing else. The webhook's cache and audit's snapshots
// hold secrets only reduced; the model gives the same facts on a reduced
// value as on the original (FuzzKubeconfigSkeleton).

// RedactedCredential stands where a kubeconfig user had a credential.
const RedactedCredential = "redacted-by-meshcheck"

// KubeconfigSkeleton returns the names, contexts and servers of a
// kubeconfig and, for each user, RedactedCredential in place of any
// credential. Text that is not a kubeconfig becomes text that still is not.
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
			user["token"] = RedactedCredential
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
		if v, ok := user[k]; ok && v != nil && v != "" {
			return true
		}
	}
	return false
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
