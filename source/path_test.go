package source

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePath(t *testing.T) {
	k := func(s string) segment { return segment{key: s} }
	i := func(n int) segment { return segment{index: n, isIndex: true} }
	tests := []struct {
		path string
		want []segment
	}{
		{"", nil},
		{"kind", []segment{k("kind")}},
		{"spec.values.global.network", []segment{k("spec"), k("values"), k("global"), k("network")}},
		{"spec.servers[0].tls.mode", []segment{k("spec"), k("servers"), i(0), k("tls"), k("mode")}},
		{"a[1][22]", []segment{k("a"), i(1), i(22)}},
		{"[3].a", []segment{i(3), k("a")}},
		{`metadata.labels.topology\.istio\.io/network`, []segment{k("metadata"), k("labels"), k("topology.istio.io/network")}},
		{`a\\.b`, []segment{k(`a\`), k("b")}},
		{`a\[0]`, []segment{k("a[0]")}},
		{"a[x].b", []segment{k("a[x]"), k("b")}},
		{"a[0", []segment{k("a[0")}},
		{"a[1234567890]", []segment{k("a[1234567890]")}},
		{"a..b", []segment{k("a"), k(""), k("b")}},
		{"a.[0]", []segment{k("a"), k(""), i(0)}},
		{`trailing\`, []segment{k(`trailing\`)}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parsePath(tt.path), cmp.AllowUnexported(segment{})); diff != "" {
			t.Errorf("parsePath(%q) (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestPathJoin(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{nil, ""},
		{[]string{"spec", "values"}, "spec.values"},
		{[]string{"metadata", "labels", "topology.istio.io/network"}, `metadata.labels.topology\.istio\.io/network`},
		{[]string{`back\slash`, "br[0]"}, `back\\slash.br\[0]`},
	}
	for _, tt := range tests {
		got := PathJoin(tt.keys...)
		if got != tt.want {
			t.Errorf("PathJoin(%q) = %q, want %q", tt.keys, got, tt.want)
		}
		var back []string
		for _, s := range parsePath(got) {
			back = append(back, s.key)
		}
		if diff := cmp.Diff(tt.keys, back); diff != "" {
			t.Errorf("parsePath(PathJoin(%q)) (-want +got):\n%s", tt.keys, diff)
		}
	}
}

func FuzzPathJoin(f *testing.F) {
	f.Add("metadata", "topology.istio.io/network")
	f.Add(`a\`, "[0]")
	f.Fuzz(func(t *testing.T, a, b string) {
		var back []string
		for _, s := range parsePath(PathJoin(a, b)) {
			if s.isIndex {
				t.Fatalf("PathJoin(%q, %q) parsed to an index", a, b)
			}
			back = append(back, s.key)
		}
		if diff := cmp.Diff([]string{a, b}, back); diff != "" {
			t.Errorf("round trip of %q, %q (-want +got):\n%s", a, b, diff)
		}
	})
}
