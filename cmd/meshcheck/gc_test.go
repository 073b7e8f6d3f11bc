package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]int64{"max\n": 0, "134217728\n": 134217728, "garbage": 0, "9223372036854771712": 9223372036854771712} {
		f := filepath.Join(dir, "memory.max")
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := memoryLimit(f); got != want {
			t.Errorf("memoryLimit(%q) = %d, want %d", text, got, want)
		}
	}
	if got := memoryLimit(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("no file: %d, want 0", got)
	}
}
