package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPinnedVersion(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "go.mod")
	mod := "module x\n\nrequire (\n\tk8s.io/api v0.37.2\n\tk8s.io/kubernetes v1.37.2\n)\n"
	if err := os.WriteFile(p, []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, err := pinnedVersion(p); err != nil || v != "v1.37.2" {
		t.Errorf("pinnedVersion = %q, %v", v, err)
	}
	if err := os.WriteFile(p, []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pinnedVersion(p); err == nil {
		t.Error("a go.mod without the requirement must be an error")
	}
}

// The real tools module pins a version this package can read.
func TestRepositoryPinsKubernetes(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pinnedVersion(filepath.Join(root, "hack", "tools", "envtest", "go.mod")); err != nil {
		t.Fatal(err)
	}
}
