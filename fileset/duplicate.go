package fileset

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// dropDuplicates keeps the first of the objects of ci that have the same
// key (API group, kind, namespace, name): in a cluster they are one object,
// and reading both would let one silently shadow the other (a Namespace's
// labels replaced, a Secret counted twice). Each later one is an input
// error naming both places; the rest of the run goes on. A later one equal
// to the first in every field is the same definition applied twice (the
// CRDs each istioctl render of a cluster's control planes carries) and is
// dropped without error. Documents without kind or name (Helm values) have
// no key.
func dropDuplicates(ci *model.ClusterInput) []*source.Error {
	type key struct{ group, kind, namespace, name string }
	seen := make(map[key]*source.Object, len(ci.Objects))
	var errs []*source.Error
	kept := ci.Objects[:0]
	for _, obj := range ci.Objects {
		group, _, _ := strings.Cut(obj.APIVersion(), "/")
		if !strings.Contains(obj.APIVersion(), "/") {
			group = "" // the core group: apiVersion v1
		}
		k := key{group, obj.Kind(), obj.Namespace(), obj.Name()}
		if k.kind == "" || k.name == "" {
			kept = append(kept, obj)
			continue
		}
		first, dup := seen[k]
		if !dup {
			seen[k] = obj
			kept = append(kept, obj)
			continue
		}
		if reflect.DeepEqual(first.Data, obj.Data) {
			continue
		}
		what := k.kind + " " + k.name
		if k.namespace != "" {
			what = k.kind + " " + k.namespace + "/" + k.name
		}
		errs = append(errs, &source.Error{
			File: obj.Origin.File, Line: obj.Origin.Line, Column: obj.Origin.Column,
			Err: fmt.Errorf("%s is already defined for cluster %s at %s: one object with two definitions, only the first is read", what, ci.Name, place(first.Origin)),
		})
	}
	clear(ci.Objects[len(kept):])
	ci.Objects = kept
	return errs
}

func place(o source.Origin) string { return source.Position(o.File, o.Line, 0) }
