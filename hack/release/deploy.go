package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// imageRepo is the repository deploy/base names; its kustomization sets the tag.
const imageRepo = "ghcr.io/meshcheck/meshcheck"

// manifests renders the kustomization deploy/<overlay> of root with the
// image pinned to version: what `kubectl apply -f` of a release installs.
// The files are read into memory, so the tree is left as it is.
func manifests(root, overlay, version string) ([]byte, error) {
	mem := filesys.MakeFsInMemory()
	deploy := filepath.Join(root, "deploy")
	err := filepath.WalkDir(deploy, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return mem.WriteFile("/"+filepath.ToSlash(rel), data)
	})
	if err != nil {
		return nil, err
	}
	pin := fmt.Sprintf("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../deploy/%s\nimages:\n  - name: %s\n    newTag: %q\n", overlay, imageRepo, version)
	if err := mem.WriteFile("/release/kustomization.yaml", []byte(pin)); err != nil {
		return nil, err
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, "/release")
	if err != nil {
		return nil, fmt.Errorf("kustomize build deploy/%s: %w", overlay, err)
	}
	return m.AsYaml()
}
