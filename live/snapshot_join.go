package live

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/config"
)

// Heads of the configuration files meshcheck writes: a snapshot's, and a
// join's. Join recognises snapshots by them, and overwrites only a file it
// wrote itself.
const (
	snapshotHead = "# Written by meshcheck audit --snapshot: objects as read, secrets redacted.\n"
	joinHead     = "# Written by meshcheck audit --join-snapshots: the snapshots below this directory, declared as one fleet.\n"
)

// Joined is what JoinSnapshots declared.
type Joined struct {
	// Snapshots are the snapshot directories found, relative to the
	// directory joined.
	Snapshots []string
	// Clusters are the clusters they hold, in the order declared.
	Clusters []string
}

// JoinSnapshots declares, in dir/.meshcheck.yaml, every snapshot found
// below dir (a directory whose .meshcheck.yaml meshcheck audit --snapshot
// or --join-snapshots wrote), so that `meshcheck lint` of dir evaluates the
// clusters of separate audits as one fleet: the fan-out of an audit over
// many jobs, each writing its own snapshot. Nothing is copied: the clusters
// keep their objects where their snapshot wrote them, and their
// completeness.
//
// Snapshots must not overlap: a cluster found in two of them, or snapshots
// made with different meshes, rule settings or exemptions, are errors
// naming both, never a silent choice. dir/.meshcheck.yaml is overwritten
// only when an earlier join wrote it.
func JoinSnapshots(dir string) (Joined, error) {
	var j Joined
	own := filepath.Join(dir, config.FileName)
	switch head, err := fileHead(own); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return j, fmt.Errorf("join snapshots: %w", err)
	case head == snapshotHead:
		return j, fmt.Errorf("join snapshots: %s is a snapshot itself; join the directory that holds the snapshots", dir)
	case head != joinHead:
		return j, fmt.Errorf("join snapshots: %s exists and meshcheck did not write it; join into a directory of snapshots only", own)
	}
	out := config.Config{APIVersion: "meshcheck.io/v1alpha1", Kind: "Config"}
	var first string // the snapshot whose settings the others must share
	from := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || p == dir {
			return nil
		}
		// Hidden directories, and the lost+found of a volume's file system
		// (which only root may read), hold no snapshot.
		if strings.HasPrefix(d.Name(), ".") || d.Name() == "lost+found" {
			return filepath.SkipDir
		}
		file := filepath.Join(p, config.FileName)
		head, err := fileHead(file)
		if errors.Is(err, fs.ErrNotExist) || err == nil && head != snapshotHead && head != joinHead {
			return nil // not a snapshot: look below
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		cfg, err := config.Load(file)
		if err != nil {
			return err
		}
		if first == "" {
			first = rel
			out.Meshes, out.Rules, out.Exemptions = cfg.Meshes, cfg.Rules, cfg.Exemptions
		} else if d := settingsDiffer(&out, cfg); d != "" {
			return fmt.Errorf("snapshots %s and %s were made with different %s (give every audit of the fan-out the same --config)", first, rel, d)
		}
		for _, c := range cfg.Clusters {
			if prev, dup := from[c.Name]; dup {
				return fmt.Errorf("cluster %q is in two snapshots, %s and %s: audit each cluster in one job only (--from-remote-secrets in several jobs reaches the same peers)", c.Name, prev, rel)
			}
			from[c.Name] = rel
			paths := make([]string, len(c.Paths))
			for i, cp := range c.Paths {
				paths[i] = cp
				if !filepath.IsAbs(cp) {
					paths[i] = filepath.ToSlash(filepath.Join(rel, cp))
				}
			}
			out.Clusters = append(out.Clusters, config.Cluster{Name: c.Name, Paths: paths, Complete: c.Complete})
			j.Clusters = append(j.Clusters, c.Name)
		}
		j.Snapshots = append(j.Snapshots, rel)
		return filepath.SkipDir // its subdirectories are its clusters
	})
	if err != nil {
		return Joined{}, fmt.Errorf("join snapshots in %s: %w", dir, err)
	}
	if len(j.Snapshots) == 0 {
		return Joined{}, fmt.Errorf("join snapshots: no snapshot below %s (directories holding a %s written by meshcheck audit --snapshot)", dir, config.FileName)
	}
	b, err := yaml.Marshal(out)
	if err != nil {
		return Joined{}, fmt.Errorf("join snapshots: %w", err)
	}
	head := joinHead + "# Lint them with: meshcheck lint --config " + config.FileName + " (from this directory)\n"
	if err := os.WriteFile(own, append([]byte(head), b...), 0o644); err != nil {
		return Joined{}, fmt.Errorf("join snapshots: %w", err)
	}
	return j, nil
}

// fileHead returns the first line of a file, newline included.
func fileHead(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	return string(b), nil
}

// settingsDiffer names the configuration that two snapshots do not share.
func settingsDiffer(a, b *config.Config) string {
	var d []string
	if !reflect.DeepEqual(a.Meshes, b.Meshes) {
		d = append(d, "meshes")
	}
	if !reflect.DeepEqual(a.Rules, b.Rules) {
		d = append(d, "rule settings")
	}
	if !reflect.DeepEqual(a.Exemptions, b.Exemptions) {
		d = append(d, "exemptions")
	}
	return strings.Join(d, " and ")
}
