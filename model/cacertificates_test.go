package model

import (
	"os"
	"slices"
	"testing"
)

// meshConfig.caCertificates pem entries are fingerprinted like cacerts
// roots, so MS003 can tell a peer's root is trusted; other entries add none.
func TestPemFingerprints(t *testing.T) {
	root, err := os.ReadFile("../testdata/certs/root-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile("../testdata/certs/other-root/root-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	roots, _ := certs(root)
	got := pemFingerprints([]any{
		map[string]any{"pem": string(root) + string(other)},
		map[string]any{"spiffeBundleUrl": "bundle.example.com"},
		map[string]any{"pem": string(root)},
	})
	if len(got) != 2 || got[0] != fingerprint(roots[0]) || slices.Contains(got, "") {
		t.Fatalf("fingerprints = %v, want the two roots once each", got)
	}
}

// BenchmarkCASecret measures deriving the root-of-trust facts of the
// example fleet's cacerts: decoding, parsing and verifying its chain.
func BenchmarkCASecret(b *testing.B) {
	text, err := os.ReadFile("../examples/fleet/us-east/cacerts.yaml")
	if err != nil {
		b.Fatal(err)
	}
	obj := input(b, "us-east", string(text)).Objects[0]
	for b.Loop() {
		if cs := caSecret(obj, "us-east"); cs.RootFingerprint == "" || cs.ChainsToRoot == nil || !*cs.ChainsToRoot {
			b.Fatalf("facts: %+v", cs)
		}
	}
}
