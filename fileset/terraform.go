package fileset

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/meshcheck/meshcheck/source"
	"github.com/meshcheck/meshcheck/terraform"
)

// isTerraform says whether a file is Terraform's by its name.
func isTerraform(name string) bool { return strings.EqualFold(filepath.Ext(name), ".tf") }

// splitTerraform takes the Terraform files named explicitly out of roots:
// source.ReadPaths reads a file named explicitly as YAML whatever its name.
func splitTerraform(roots []string) (manifests, tf []string) {
	for _, r := range roots {
		if r != "-" && isTerraform(r) {
			tf = append(tf, r)
			continue
		}
		manifests = append(manifests, r)
	}
	return manifests, tf
}

// terraformFiles lists the .tf files under the directories among roots,
// walked as manifests are (lexical order, hidden directories such as
// .terraform skipped, symlinked directories not followed), after the files
// named explicitly.
func terraformFiles(roots, named []string) ([]string, []*source.Error) {
	out := append([]string(nil), named...)
	var errs []*source.Error
	for _, root := range roots {
		if root == "-" {
			continue
		}
		if info, err := os.Stat(root); err != nil || !info.IsDir() {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // ReadPaths reports unreadable directories
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isTerraform(d.Name()) {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &source.Error{File: root, Err: fmt.Errorf("walk: %w", err)})
		}
	}
	return out, errs
}

// readTerraform reads Terraform files with the terraform package: the
// objects and values documents their resources create, located in them.
func readTerraform(files []string, lim source.Limits) ([]*source.Object, []*source.Error) {
	var objs []*source.Object
	var errs []*source.Error
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			errs = append(errs, &source.Error{File: file, Err: fmt.Errorf("open: %w", err)})
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxFileBytes(lim)+1))
		f.Close()
		if err != nil {
			errs = append(errs, &source.Error{File: file, Err: fmt.Errorf("read: %w", err)})
			continue
		}
		o, e := terraform.Read(file, data, lim)
		objs, errs = append(objs, o...), append(errs, e...)
	}
	return objs, errs
}

// maxFileBytes is the per-file limit of lim, or the default.
func maxFileBytes(lim source.Limits) int64 {
	if lim.MaxFileBytes > 0 {
		return lim.MaxFileBytes
	}
	return source.DefaultLimits().MaxFileBytes
}
