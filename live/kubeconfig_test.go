package live

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func kubeconfigFile(t *testing.T, dir, name, current string, contexts map[string]string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Config\ncurrent-context: " + current + "\nclusters:\n")
	for ctx, server := range contexts {
		b.WriteString("- name: " + ctx + "\n  cluster: {server: " + server + "}\n")
	}
	b.WriteString("users:\n- name: u\n  user: {token: t}\ncontexts:\n")
	for ctx := range contexts {
		b.WriteString("- name: " + ctx + "\n  context: {cluster: " + ctx + ", user: u}\n")
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTargets(t *testing.T) {
	dir := t.TempDir()
	a := kubeconfigFile(t, dir, "a", "east", map[string]string{"east": "https://east:6443", "shared": "https://from-a:6443"})
	b := kubeconfigFile(t, dir, "b", "west", map[string]string{"west": "https://west:6443", "shared": "https://from-b:6443"})
	tests := []struct {
		name    string
		env     string
		sel     Selection
		want    map[string]string // context -> server
		wantErr string
	}{
		{name: "current context", sel: Selection{Kubeconfigs: []string{a}}, want: map[string]string{"east": "https://east:6443"}},
		{name: "contexts across files", sel: Selection{Kubeconfigs: []string{a, b}, Contexts: []string{"east", "west"}},
			want: map[string]string{"east": "https://east:6443", "west": "https://west:6443"}},
		// As with KUBECONFIG, the first file that defines a name wins.
		{name: "first file wins", sel: Selection{Kubeconfigs: []string{b, a}, Contexts: []string{"shared"}}, want: map[string]string{"shared": "https://from-b:6443"}},
		{name: "all contexts", sel: Selection{Kubeconfigs: []string{a, b}, AllContexts: true},
			want: map[string]string{"east": "https://east:6443", "west": "https://west:6443", "shared": "https://from-a:6443"}},
		{name: "KUBECONFIG list", env: a + string(os.PathListSeparator) + b + string(os.PathListSeparator) + filepath.Join(dir, "absent"),
			sel: Selection{Contexts: []string{"west", "shared"}}, want: map[string]string{"west": "https://west:6443", "shared": "https://from-a:6443"}},
		{name: "unknown context", sel: Selection{Kubeconfigs: []string{a}, Contexts: []string{"nope"}}, wantErr: `context "nope" is not in the kubeconfig`},
		{name: "exclusive", sel: Selection{Kubeconfigs: []string{a}, Contexts: []string{"east"}, AllContexts: true}, wantErr: "exclusive"},
		{name: "missing file", sel: Selection{Kubeconfigs: []string{filepath.Join(dir, "absent")}}, wantErr: "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", tt.env)
			got, err := Targets(tt.sel)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			servers := map[string]string{}
			for _, g := range got {
				servers[g.Name] = g.Config.Host
			}
			if d := cmp.Diff(tt.want, servers); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// A context naming a cluster or user the kubeconfig lacks is a target with
// an error, and the other contexts are still resolved: one dangling context
// must not stop an --all-contexts audit.
func TestTargetsDanglingContext(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "kubeconfig")
	kc := "apiVersion: v1\nkind: Config\ncurrent-context: east\nclusters:\n- name: east\n  cluster: {server: https://east:6443}\n" +
		"users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: east\n  context: {cluster: east, user: u}\n" +
		"- name: gone\n  context: {cluster: deleted-cluster, user: u}\n"
	if err := os.WriteFile(p, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Targets(Selection{Kubeconfigs: []string{p}, AllContexts: true})
	if err != nil {
		t.Fatalf("one dangling context failed the selection: %v", err)
	}
	if len(got) != 2 || got[0].Name != "east" || got[0].Err != nil || got[0].Config.Host != "https://east:6443" {
		t.Fatalf("targets = %+v, want east usable", got)
	}
	if got[1].Name != "gone" || got[1].Err == nil || !strings.Contains(got[1].Err.Error(), "context gone") {
		t.Fatalf("targets[1] = %+v, want gone with an error naming it", got[1])
	}
	r := Read(t.Context(), got[1:], Options{})
	if len(r[0].Errors) != 1 || r[0].Errors[0].Kind != "" || r[0].Errors[0].Cluster != "gone" {
		t.Errorf("reading the dangling context: %+v, want one whole-cluster error", r[0].Errors)
	}
}
