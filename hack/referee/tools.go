package referee

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Environment variables the Makefile sets for the referee (hack/referee.mk).
const (
	EnvPilotDiscovery = "REFEREE_PILOT_DISCOVERY"
	EnvIstioCRDs      = "REFEREE_ISTIO_CRDS"
	EnvMeshcheck      = "REFEREE_MESHCHECK"
	EnvAssets         = "KUBEBUILDER_ASSETS"
)

// ToolsFromEnv finds the referee's tools from the environment make sets;
// a missing one is an error that says which make target provides it.
func ToolsFromEnv() (Tools, error) {
	t := Tools{
		Meshcheck:      os.Getenv(EnvMeshcheck),
		PilotDiscovery: os.Getenv(EnvPilotDiscovery),
		Assets:         os.Getenv(EnvAssets),
	}
	if c := os.Getenv(EnvIstioCRDs); c != "" {
		t.CRDs = []string{c}
	}
	var errs []error
	need := func(v, name, hint string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is not set (%s)", name, hint))
			return
		}
		if _, err := os.Stat(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w (%s)", name, err, hint))
		}
	}
	need(t.PilotDiscovery, EnvPilotDiscovery, "make referee-bins builds it")
	need(t.Assets, EnvAssets, "make envtest-bins builds kube-apiserver and etcd")
	need(os.Getenv(EnvIstioCRDs), EnvIstioCRDs, "make referee-bins downloads the istio module that holds them")
	need(t.Meshcheck, EnvMeshcheck, "make referee-test builds bin/meshcheck")
	return t, errors.Join(errs...)
}

// BuildMeshcheck builds meshcheck from the repository root into dir.
func BuildMeshcheck(ctx context.Context, root, dir string) (string, error) {
	out := filepath.Join(dir, "meshcheck")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/meshcheck")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build meshcheck: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
