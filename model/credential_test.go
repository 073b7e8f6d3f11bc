package model

import "testing"

func TestCredentialChecks(t *testing.T) {
	const secret = `apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-c2
  namespace: istio-system
  labels: {istio/multiCluster: "true"}
stringData:
  c2: "apiVersion: v1\nkind: Config\ncurrent-context: c2\n"
  c3: "apiVersion: v1\nkind: Config\ncurrent-context: c3\n"
`
	ref := func(ns, name, key string) SecretKeyRef { return SecretKeyRef{Namespace: ns, Name: name, Key: key} }
	for _, tc := range []struct {
		name   string
		checks []CredentialCheck
		want   map[string]any // key -> rejected value or <unknown>
	}{
		{"not tried", nil, map[string]any{"c2": "<unknown>", "c3": "<unknown>"}},
		{"rejected", []CredentialCheck{{Secret: ref("istio-system", "istio-remote-secret-c2", "c2"), Rejected: true}},
			map[string]any{"c2": true, "c3": "<unknown>"}},
		{"accepted", []CredentialCheck{{Secret: ref("istio-system", "istio-remote-secret-c2", "c3")}},
			map[string]any{"c2": "<unknown>", "c3": false}},
		{"another secret", []CredentialCheck{{Secret: ref("istio-system", "istio-remote-secret-c9", "c2"), Rejected: true}},
			map[string]any{"c2": "<unknown>", "c3": "<unknown>"}},
		{"another namespace", []CredentialCheck{{Secret: ref("default", "istio-remote-secret-c2", "c2"), Rejected: true}},
			map[string]any{"c2": "<unknown>", "c3": "<unknown>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t, "c1", secret)
			in.Credentials = tc.checks
			f, berrs := Build([]ClusterInput{in}, Options{})
			if len(berrs) > 0 {
				t.Fatal(berrs[0])
			}
			for _, e := range f.Clusters["c1"].RemoteSecrets[0].Entries {
				if got := value(e.CredentialRejected); got != tc.want[e.Key] {
					t.Errorf("%s: credential_rejected = %v, want %v", e.Key, got, tc.want[e.Key])
				}
				if e.CredentialRejected != nil && e.CredentialRejected.Source != e.Source {
					t.Errorf("%s: the fact's source %+v is not the entry's %+v", e.Key, e.CredentialRejected.Source, e.Source)
				}
			}
		})
	}
}
