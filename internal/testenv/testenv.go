// Package testenv finds what the envtest-based tests need: the repository
// root and the kube-apiserver and etcd binaries `make envtest-bins` builds.
// It is test support only and starts nothing.
package testenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Root is the repository root (the directory holding go.mod), found from
// the working directory, as tests run in their package directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Assets returns KUBEBUILDER_ASSETS (make test exports it), or the
// directory `make envtest-bins` last built the binaries into, which it
// names in bin/k8s/current. Missing binaries are an error that says how to
// build them, never a skip.
func Assets() (string, error) {
	if a := os.Getenv("KUBEBUILDER_ASSETS"); a != "" {
		return a, nil
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	return assetsIn(filepath.Join(root, "bin", "k8s"))
}

func assetsIn(bin string) (string, error) {
	current, err := os.ReadFile(filepath.Join(bin, "current"))
	if err != nil {
		return "", fmt.Errorf("no envtest binaries in %s: run make envtest-bins", bin)
	}
	dir := filepath.Join(bin, strings.TrimSpace(string(current)))
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			return "", fmt.Errorf("%s missing in %s: run make envtest-bins", b, dir)
		}
	}
	return dir, nil
}
