package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/webhook"
)

func TestServeFlags(t *testing.T) {
	cfg, err := config.Parse([]byte("rules:\n  NW008: {enforcement: warn}\n  CL005: {enforcement: deny}\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args        []string
		exclude     []string
		cluster     string
		enforcement map[string]webhook.Enforcement
	}{
		{nil, []string{"meshcheck-system", "kube-system"}, "cluster", map[string]webhook.Enforcement{"NW008": webhook.Warn, "CL005": webhook.Deny}},
		{[]string{"--namespace", "mc", "--exclude-namespace", "infra", "--cluster-name", "east"}, []string{"mc", "kube-system", "infra"}, "east", map[string]webhook.Enforcement{"NW008": webhook.Warn, "CL005": webhook.Deny}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Setenv("POD_NAMESPACE", "")
			o := defaultServeOptions()
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			d := o.deciderOptions(cfg)
			if diff := cmp.Diff(tt.exclude, d.Exclude); diff != "" {
				t.Errorf("exclude (-want +got):\n%s", diff)
			}
			if d.Cluster != tt.cluster {
				t.Errorf("cluster = %q, want %q", d.Cluster, tt.cluster)
			}
			if diff := cmp.Diff(tt.enforcement, d.Enforcement); diff != "" {
				t.Errorf("enforcement (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"bad.yaml":   "rules:\n  NW001: {enforcement: block}\n",
		"kubeconfig": "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: https://127.0.0.1:1}\nusers:\n- name: u\n  user: {token: t}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"extra"}, "serve takes no arguments"},
		{[]string{"--no-such-flag"}, "unknown flag"},
		{[]string{"--config", "bad.yaml"}, `"block" is not deny, warn or dryrun`},
		{[]string{"--no-config", "--kubeconfig", "missing-kubeconfig"}, "kubernetes client configuration"},
		{[]string{"--no-config", "--kubeconfig", "kubeconfig", "--peer-kubeconfig", "west"}, "want NAME=PATH"},
		{[]string{"--no-config", "--kubeconfig", "kubeconfig", "--peer-kubeconfig", "west=missing"}, "--peer-kubeconfig west"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Chdir(dir)
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			if code != exitError || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), exitError, tt.want)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"--help"}, &stdout, &stderr); code != exitClean || !strings.Contains(stderr.String(), "--peers-from-remote-secrets") {
		t.Errorf("--help: exit %d, stderr %q", code, stderr.String())
	}
	stdout.Reset()
	if code := run(t.Context(), []string{"--version"}, &stdout, &stderr); code != exitClean || !strings.HasPrefix(stdout.String(), "meshcheck-webhook ") {
		t.Errorf("--version: exit %d, stdout %q", code, stdout.String())
	}
}
