package report

import (
	"strings"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// fleet names the group of findings that belong to no single cluster
// (fleet-wide conflicts, or files not tied to a cluster).
const fleet = "fleet"

// groupName is the cluster a finding is filed under in text and junit.
func groupName(cluster string) string {
	if cluster == "" {
		return fleet
	}
	return cluster
}

// describe names a place without a file: "cluster Kind ns/name", leaving
// out what is unknown.
func describe(cluster string, obj model.ObjectRef) string {
	return joinNonEmpty(" ", cluster, obj.String())
}

// where says where a finding is, for one-line formats: its file position
// when there is one, otherwise its object.
func where(f checks.Finding) string {
	if p := source.Position(f.File, f.Line, f.Column); p != "" {
		return p
	}
	return f.Object.String()
}

// inputWhere says where an input error happened: the cluster for live
// inputs, the file position for files, both when both are known.
func inputWhere(e InputError) string {
	c := ""
	if e.Cluster != "" {
		c = "cluster " + e.Cluster
	}
	return joinNonEmpty(" ", c, source.Position(e.File, e.Line, e.Column))
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
