package gitops

import (
	"reflect"
	"strings"
	"testing"
)

func TestSubstitute(t *testing.T) {
	vars := map[string]string{"cluster_name": "cluster1", "empty": ""}
	for _, tc := range []struct {
		in, want string
		unknown  []string
	}{
		{"${cluster_name}", "cluster1", nil},
		{"prefix-${cluster_name}-suffix", "prefix-cluster1-suffix", nil},
		{"${network}", "${network}", []string{"network"}},
		{"${network:=network1}", "network1", nil},
		{"${network:-network1}", "network1", nil},
		{"${empty:=d}", "d", nil},
		{"${empty=d}", "", nil},
		{"${network=d}", "d", nil},
		{"${cluster_name:=other}", "cluster1", nil},
		{"$${cluster_name}", "${cluster_name}", nil},
		{"$cluster_name and $5", "$cluster_name and $5", nil},
		{"${cluster_name/1/2}", "${cluster_name/1/2}", []string{"cluster_name"}},
		{"${#cluster_name}", "${#cluster_name}", []string{"#cluster_name"}},
		{"${unclosed", "${unclosed", nil},
		{"no variables", "no variables", nil},
	} {
		got, unknown := Substitute(tc.in, vars)
		if got != tc.want || !reflect.DeepEqual(unknown, tc.unknown) {
			t.Errorf("Substitute(%q) = %q %v, want %q %v", tc.in, got, unknown, tc.want, tc.unknown)
		}
	}
}

// FuzzSubstitute: no panic; text without "${" is left as it is; a known
// variable's value is what replaces it; what is left unknown stays written.
func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{"${a}", "x${a:=b}y", "$${a}", "${", "${a-}", "${é}", "$$", "${a}${b}${c:-d}"} {
		f.Add(s, "v")
	}
	f.Fuzz(func(t *testing.T, s, v string) {
		got, unknown := Substitute(s, map[string]string{"a": v})
		if !strings.Contains(s, "${") && got != s {
			t.Fatalf("%q changed to %q", s, got)
		}
		for _, u := range unknown {
			if u == "" {
				t.Fatalf("%q: an unknown variable without a name", s)
			}
		}
		if s == "${a}" && got != v {
			t.Fatalf("${a} = %q, want %q", got, v)
		}
	})
}

func TestValueFilePath(t *testing.T) {
	refs := map[string]bool{"values": true}
	for _, tc := range []struct{ name, path, rel, why string }{
		{"$values/istio/common.yaml", "", "istio/common.yaml", ""},
		{"$other/istio/common.yaml", "", "", "no source of the Application has ref: other"},
		{"values-prod.yaml", "charts/istiod", "charts/istiod/values-prod.yaml", ""},
		{"../../values/x.yaml", "charts/istiod", "values/x.yaml", ""},
		{"values-prod.yaml", "", "", "a file of the chart package Argo CD fetches from the Helm repository"},
		{"https://example.com/v.yaml", "", "", "a URL, which meshcheck does not fetch"},
		{"$values/{{.cluster}}/v.yaml", "", "", "it holds a template action (an ApplicationSet's), known only once rendered"},
	} {
		rel, why := valueFilePath(tc.name, tc.path, refs)
		if rel != tc.rel || why != tc.why {
			t.Errorf("valueFilePath(%q, %q) = %q, %q; want %q, %q", tc.name, tc.path, rel, why, tc.rel, tc.why)
		}
	}
}

// A repository path never resolves outside its root.
func TestRepoStaysInRoot(t *testing.T) {
	dir := t.TempDir()
	r := &Repo{Roots: []string{dir}}
	for _, p := range []string{"../etc/passwd", "/etc/passwd", "a/../../x", "", "a\x00b"} {
		if f, ok := r.File(p); ok {
			t.Errorf("File(%q) = %s", p, f)
		}
	}
}

// FuzzRepoPath: a path repoPath accepts is clean, relative and inside the
// root.
func FuzzRepoPath(f *testing.F) {
	for _, s := range []string{"a/b.yaml", "../x", "/abs", "a/../b", "./c", "a//b", "$values/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clean, ok := repoPath(s)
		if !ok {
			return
		}
		if strings.HasPrefix(clean, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
			t.Fatalf("repoPath(%q) = %q leaves the root", s, clean)
		}
		if _, _, ok := strings.Cut(clean, "\x00"); ok {
			t.Fatalf("repoPath(%q) holds a NUL", s)
		}
	})
}
