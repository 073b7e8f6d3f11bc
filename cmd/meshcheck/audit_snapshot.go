package main

import (
	"slices"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/live"
)

// placeInSnapshot gives each finding, and each place it relates, that has
// no file the file, line and column where the snapshot just written to dir
// holds its object's field: the same places lint of the snapshot reports,
// prefixed with dir. Every output shows them, and SARIF results get a
// region GitHub code scanning can annotate (docs/audit.md).
func placeInSnapshot(dir string, fs []checks.Finding) error {
	x, err := live.IndexSnapshot(dir)
	if err != nil {
		return err
	}
	for i := range fs {
		f := &fs[i]
		if f.File == "" {
			if file, line, col, ok := x.Locate(f.Cluster, f.Object, f.Path); ok {
				f.File, f.Line, f.Column = file, line, col
			}
		}
		f.Related = slices.Clone(f.Related) // the fleet model may share it
		for j := range f.Related {
			r := &f.Related[j]
			if r.File == "" {
				if file, line, col, ok := x.Locate(r.Cluster, r.Object, r.Path); ok {
					r.File, r.Line, r.Column = file, line, col
				}
			}
		}
	}
	return nil
}
