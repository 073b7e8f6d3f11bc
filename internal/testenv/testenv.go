// Package testenv finds what the envtest-based tests need: the repository
// root and the kube-apiserver and etcd binaries `make envtest-bins` builds.
// It is test support only and starts nothing.
package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
// directory hack/envtest.mk builds the binaries into, whose name carries the
// Kubernetes version pinned in hack/tools/envtest/go.mod. Missing binaries
// are an error that says how to build them, never a skip.
func Assets() (string, error) {
	if a := os.Getenv("KUBEBUILDER_ASSETS"); a != "" {
		return a, nil
	}
	root, err := Root()
	if err != nil {
		return "", err
	}
	version, err := pinnedVersion(filepath.Join(root, "hack", "tools", "envtest", "go.mod"))
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "bin", "k8s", strings.TrimPrefix(version, "v")+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	if _, err := os.Stat(filepath.Join(dir, "kube-apiserver")); err != nil {
		return "", fmt.Errorf("envtest binaries missing in %s: run make envtest-bins", dir)
	}
	return dir, nil
}

// pinnedVersion reads the k8s.io/kubernetes requirement of the tools module.
func pinnedVersion(goMod string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(s.Text()), "require "))
		if len(fields) >= 2 && fields[0] == "k8s.io/kubernetes" {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s: no k8s.io/kubernetes requirement", goMod)
}
