package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stamped is the version buildBinaries stamps, as the Makefile does.
const stamped = "v0.0.0-stamped"

// buildBinaries builds the named commands of this module into a new
// directory, as `make build` puts them side by side.
func buildBinaries(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		cmd := exec.Command("go", "build", "-ldflags", "-X github.com/meshcheck/meshcheck/internal/buildinfo.version="+stamped,
			"-o", filepath.Join(dir, n), "github.com/meshcheck/meshcheck/cmd/"+n)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", n, err, out)
		}
	}
	return dir
}

// `meshcheck serve` becomes the webhook binary found beside meshcheck:
// its flags, its output and its exit code.
func TestServeHandsOverToWebhookBinary(t *testing.T) {
	dir := buildBinaries(t, "meshcheck", webhookBinary)
	t.Setenv("PATH", "")
	cmd := exec.Command(filepath.Join(dir, "meshcheck"), "serve", "--help")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--peers-from-remote-secrets") {
		t.Errorf("serve --help: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"serve", "--version"}} {
		out, err = exec.Command(filepath.Join(dir, "meshcheck"), args...).Output()
		if err != nil || !strings.Contains(string(out), " "+stamped+" ") {
			t.Errorf("%s: %v, %q; want the stamped version %s", strings.Join(args, " "), err, out, stamped)
		}
	}
	if !strings.HasPrefix(string(out), webhookBinary+" ") {
		t.Errorf("serve --version = %q, want %s's", out, webhookBinary)
	}
	err = exec.Command(filepath.Join(dir, "meshcheck"), "serve", "unexpected-argument").Run()
	if ee := new(exec.ExitError); !errors.As(err, &ee) || ee.ExitCode() != exitError {
		t.Errorf("serve with an argument: %v, want exit %d", err, exitError)
	}
}

func TestServeWithoutWebhookBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, _, stderr := runCLI(t, "", "", "serve")
	if code != exitError || !strings.Contains(stderr, "go install github.com/meshcheck/meshcheck/cmd/"+webhookBinary) {
		t.Errorf("exit %d, stderr %q; want exit %d and how to install %s", code, stderr, exitError, webhookBinary)
	}
}

// The CLI stays free of the server's dependencies: their initialisation
// alone would cost every lint run ~7 ms.
func TestCLIDoesNotLinkTheServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/meshcheck/meshcheck/cmd/meshcheck").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, server := range []string{"sigs.k8s.io/controller-runtime", "github.com/prometheus/", "k8s.io/client-go/kubernetes/scheme", "github.com/meshcheck/meshcheck/webhook"} {
			if strings.HasPrefix(dep, server) {
				t.Errorf("meshcheck links %s, a dependency of %s only", dep, webhookBinary)
			}
		}
	}
}
