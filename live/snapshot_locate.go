package live

import (
	"fmt"
	"path/filepath"

	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// SnapshotIndex finds the objects of a snapshot in its files, so that what
// audit found in a live object can point at the file and line where the
// snapshot holds it: a place GitHub code scanning and editors can show.
type SnapshotIndex struct {
	objs map[snapshotKey][]*source.Object
}

type snapshotKey struct{ cluster, kind, namespace, name string }

// IndexSnapshot reads back the snapshot WriteSnapshot wrote to dir: its
// .meshcheck.yaml names each cluster's directory. The files are named as
// dir joins them (relative when dir is), the way lint names what it reads.
func IndexSnapshot(dir string) (*SnapshotIndex, error) {
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	x := &SnapshotIndex{objs: map[snapshotKey][]*source.Object{}}
	for _, c := range cfg.Clusters {
		paths := make([]string, 0, len(c.Paths))
		for _, p := range c.Paths {
			paths = append(paths, filepath.Join(dir, p))
		}
		_, objs, errs := source.ReadPaths(paths, nil, source.DefaultLimits())
		if len(errs) > 0 {
			return nil, fmt.Errorf("snapshot %s: %w", dir, errs[0])
		}
		for _, o := range objs {
			k := snapshotKey{c.Name, o.Kind(), o.Namespace(), o.Name()}
			x.objs[k] = append(x.objs[k], o)
		}
	}
	return x, nil
}

// Locate returns the file, line and column of the field at path (or of its
// closest ancestor, or the object itself for an empty path) of cluster's
// object ref, and false when the snapshot does not hold that object. An
// empty apiVersion in ref matches an object of any group only when the
// snapshot holds just one of that kind and name.
func (x *SnapshotIndex) Locate(cluster string, ref model.ObjectRef, path string) (file string, line, col int, ok bool) {
	if x == nil || ref.Kind == "" || ref.Name == "" {
		return "", 0, 0, false
	}
	cands := x.objs[snapshotKey{cluster, ref.Kind, ref.Namespace, ref.Name}]
	var o *source.Object
	for _, c := range cands {
		if c.APIVersion() == ref.APIVersion || (ref.APIVersion == "" && len(cands) == 1) {
			o = c
			break
		}
	}
	if o == nil {
		return "", 0, 0, false
	}
	file, line, col = o.Locate(path)
	return file, line, col, true
}
