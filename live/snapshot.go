package live

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// WriteSnapshot writes what was read, redacted, as a fleet directory: one
// subdirectory per cluster holding objects.yaml, and a .meshcheck.yaml that
// declares the clusters, the inventories the audit read in full, and the
// meshes, rule settings and exemptions of base (which may be nil), so that
// `meshcheck lint --config DIR/.meshcheck.yaml` gives the audit's findings.
func WriteSnapshot(dir string, results []Result, base *config.Config) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	// Never overwrite a configuration someone wrote, nor the join of a
	// fan-out's snapshots (write each snapshot in its own directory).
	if head, err := fileHead(filepath.Join(dir, config.FileName)); err == nil && head != snapshotHead {
		return fmt.Errorf("snapshot: %s already holds a %s that is not a snapshot's; write the snapshot to a directory of its own", dir, config.FileName)
	}
	cfg := config.Config{APIVersion: "meshcheck.io/v1alpha1", Kind: "Config"}
	if base != nil {
		cfg.Meshes, cfg.Rules, cfg.Exemptions = base.Meshes, base.Rules, base.Exemptions
	}
	used := map[string]bool{}
	for _, r := range results {
		sub := dirName(r.Input.Name, used)
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		if err := writeObjects(filepath.Join(dir, sub, "objects.yaml"), r.Input.Objects); err != nil {
			return fmt.Errorf("snapshot %s: %w", r.Input.Name, err)
		}
		cfg.Clusters = append(cfg.Clusters, config.Cluster{Name: r.Input.Name, Paths: []string{sub}, Complete: r.Input.Complete})
	}
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	head := []byte(snapshotHead + "# Reproduce the findings with: meshcheck lint --config " + config.FileName + " (from this directory)\n")
	return os.WriteFile(filepath.Join(dir, config.FileName), append(head, b...), 0o644)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// dirName makes a directory name of a context name (EKS contexts hold ':'
// and '/'), unique within the snapshot.
func dirName(name string, used map[string]bool) string {
	d := unsafeName.ReplaceAllString(name, "_")
	if d == "" || d[0] == '.' {
		d = "_" + d
	}
	base := d
	for i := 2; used[d]; i++ {
		d = fmt.Sprintf("%s-%d", base, i)
	}
	used[d] = true
	return d
}

func writeObjects(path string, objs []*source.Object) error {
	sorted := slices.Clone(objs)
	slices.SortStableFunc(sorted, func(a, b *source.Object) int {
		return cmp.Or(cmp.Compare(a.Kind(), b.Kind()), cmp.Compare(a.Namespace(), b.Namespace()), cmp.Compare(a.Name(), b.Name()))
	})
	var buf bytes.Buffer
	for i, o := range sorted {
		if i > 0 {
			buf.WriteString("---\n")
		}
		b, err := yaml.Marshal(model.Redact(o))
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
