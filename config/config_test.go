package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, yaml string
		wantErr    string // substring; "" means valid
	}{
		{"empty", "", ""},
		{"full", `apiVersion: meshcheck.io/v1alpha1
kind: Config
fleet: clusters
clusters:
  - {name: a, paths: [a], complete: [Secret]}
meshes: [[a, b]]
rules:
  NW001: {severity: warning, enforcement: warn}
  CP015: {disabled: true}
exemptions:
  - {rule: NW002, cluster: a, reason: migrating}
`, ""},
		{"unknown field is a typo, not ignored", "rulez: {}\n", "field rulez not found"},
		{"bad apiVersion", "apiVersion: v2\n", "apiVersion"},
		{"cluster without name", "clusters: [{paths: [a]}]\n", "name is required"},
		{"cluster twice", "clusters: [{name: a, paths: [a]}, {name: a, paths: [b]}]\n", "declared twice"},
		{"cluster without paths", "clusters: [{name: a}]\n", "paths is required"},
		{"bad severity", "rules: {NW001: {severity: fatal}}\n", "rules.NW001.severity"},
		{"bad enforcement", "rules: {NW001: {enforcement: block}}\n", "rules.NW001.enforcement"},
		{"exemption without reason", "exemptions: [{rule: NW001}]\n", "reason is required"},
		{"exemption without rule", "exemptions: [{reason: x}]\n", "rule is required"},
		{"not YAML", "clusters: [\n", "line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFindLooksUpwards(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(deep); err != nil || got != "" {
		t.Fatalf("Find without a file = %q, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(root, FileName), []byte("fleet: clusters\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Find(deep)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(got)
	if abs != filepath.Join(root, FileName) {
		t.Errorf("Find = %q, want %s", got, filepath.Join(root, FileName))
	}
	c, err := Load(got)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := filepath.Abs(c.Abs("clusters")); p != filepath.Join(root, "clusters") {
		t.Errorf("Abs(clusters) = %q", p)
	}
}
