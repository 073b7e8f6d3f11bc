package repo

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestExecutableKind checks the detection on this test binary (ELF, Mach-O
// or PE, whatever the platform builds) and on text that starts alike.
func TestExecutableKind(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 4096)
	f, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := f.Read(head)
	f.Close()
	want := map[string]string{"linux": "ELF", "darwin": "Mach-O", "windows": "PE"}[runtime.GOOS]
	if got := executableKind(head[:n]); want != "" && got != want {
		t.Errorf("executableKind(%s) = %q, want %q", filepath.Base(self), got, want)
	}
	for _, text := range []string{"", "MZ is a text file", "\x7fEL", "cafebabe", "#!/bin/sh\necho hi\n"} {
		if got := executableKind([]byte(text)); got != "" {
			t.Errorf("executableKind(%q) = %q, want none", text, got)
		}
	}
}

func TestCheckTracked(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, make([]byte, maxTracked+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg := checkTracked(big, "hack/big.json"); msg == "" {
		t.Error("a file over 1 MiB outside testdata passed")
	}
	if msg := checkTracked(big, "model/testdata/big.json"); msg != "" {
		t.Errorf("a large file in testdata failed: %s", msg)
	}
	if msg := checkTracked(filepath.Join(dir, "gone"), "gone"); msg != "" {
		t.Errorf("a file removed from the working tree failed: %s", msg)
	}
}
