package model

import (
	"encoding/base64"
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

// rootFacts is memoized by the certificates as written: the same
// certificates give the same facts, from the cache the second time, and
// other certificates are not confused with them (the chain of cluster1 does
// not chain to another root).
func TestRootFactsAreMemoizedByTheirCertificates(t *testing.T) {
	read := func(p string) secretValue {
		b, err := os.ReadFile("../testdata/certs/" + p)
		if err != nil {
			t.Fatal(err)
		}
		return secretValue{text: base64.StdEncoding.EncodeToString(b), set: true, encoded: true}
	}
	root, other := read("root-cert.pem"), read("other-root/root-cert.pem")
	ca, chain := read("cluster1/ca-cert.pem"), read("cluster1/cert-chain.pem")
	clear(rootFactsCache.m)
	key := certsKey{rootKey: "root-cert.pem", root: root, ca: ca, chain: chain, verify: true}
	first := rootFacts(key)
	if first.chainsToRoot == nil || !*first.chainsToRoot || first.fingerprint == "" {
		t.Fatalf("cluster1 against its root: %+v, want a fingerprint and a chain that holds", first)
	}
	if n := len(rootFactsCache.m); n != 1 {
		t.Fatalf("cache holds %d entries, want 1", n)
	}
	if again := rootFacts(key); again.fingerprint != first.fingerprint || again.chainsToRoot != first.chainsToRoot {
		t.Errorf("second call: %+v, want the cached %+v", again, first)
	}
	if len(rootFactsCache.m) != 1 {
		t.Error("the same certificates were added to the cache twice")
	}
	key.root = other
	foreign := rootFacts(key)
	if foreign.chainsToRoot == nil || *foreign.chainsToRoot || foreign.fingerprint == first.fingerprint {
		t.Errorf("cluster1 against another root: %+v, want another fingerprint and a broken chain", foreign)
	}
	garbage := certsKey{rootKey: "root-cert.pem", root: secretValue{text: "not a certificate", set: true}}
	if bad := rootFacts(garbage); bad.err == "" || !bad.decodes["root-cert.pem"] {
		t.Errorf("garbage root: %+v, want an error", bad)
	}
	notBase64 := certsKey{rootKey: "root-cert.pem", root: secretValue{text: "not base64!", set: true, encoded: true}}
	if bad := rootFacts(notBase64); bad.err != "" || bad.decodes["root-cert.pem"] {
		t.Errorf("root not in base64: %+v, want a key that does not decode and no facts", bad)
	}
}
