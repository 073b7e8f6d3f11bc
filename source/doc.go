// Package source reads YAML and JSON manifests into unstructured objects that
// remember where every field came from, so findings can say file:line:column.
//
// It splits multi-document files itself, so that one broken document does
// not hide the others, and converts yaml.v3 node trees into JSON-compatible
// values (map[string]any, []any, string, int64, float64, bool, nil). A
// kind: List is expanded into its items. Every input is bounded by Limits:
// file size, nesting depth and node count with aliases expanded, so a hostile
// file costs at most a known amount of time and memory.
//
// It must not interpret what the objects mean (that is the fleet model's
// job), talk to clusters, or print anything: problems are returned as *Error
// values and the caller decides how to report them.
package source
