package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The binaries are found where make envtest-bins says it built them, and a
// missing one is an error naming the fix.
func TestAssetsIn(t *testing.T) {
	bin := t.TempDir()
	if _, err := assetsIn(bin); err == nil || !strings.Contains(err.Error(), "make envtest-bins") {
		t.Errorf("nothing built: %v", err)
	}
	dir := filepath.Join(bin, "1.37.2-linux-amd64")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "current"), []byte("1.37.2-linux-amd64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kube-apiserver"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := assetsIn(bin); err == nil || !strings.Contains(err.Error(), "etcd missing") {
		t.Errorf("no etcd: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etcd"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := assetsIn(bin); err != nil || got != dir {
		t.Errorf("assetsIn = %q, %v; want %q", got, err, dir)
	}
}
