package topology_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The rendering tests run real tools. They fail, never skip, when one is
// missing: `make test-deps` installs them (make test does it first).
const chromium = "/usr/bin/chromium"

func requireTool(t *testing.T, path, what string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err != nil {
		t.Fatalf("%s not found (%v): run `make test-deps`, which installs it", what, err)
	}
	return p
}

// mermaidJS finds mermaid.min.js: $MERMAID_JS (exported by the Makefile),
// else bin/mermaid under the repository root.
func mermaidJS(t *testing.T) string {
	t.Helper()
	p := os.Getenv("MERMAID_JS")
	if p == "" {
		p = filepath.Join("..", "bin", "mermaid", "node_modules", "mermaid", "dist", "mermaid.min.js")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("mermaid npm package not installed (%v): run `make test-deps`, which installs it", err)
	}
	return p
}

// headless runs Debian's chromium on a local file with the flags that work
// without network, GPU or sandbox; extra adds --dump-dom or --screenshot.
func headless(t *testing.T, file string, extra ...string) []byte {
	t.Helper()
	requireTool(t, chromium, "chromium (Debian package)")
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
		// Virtual time lets async rendering (mermaid's promises) finish
		// before the DOM is dumped.
		"--virtual-time-budget=20000",
	}
	args = append(args, extra...)
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	args = append(args, "file://"+abs)
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return stdout.Bytes()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
