package gitops

import (
	"encoding/base64"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// maxKustomizations bounds the Flux Kustomizations one cluster expands (they
// may bring in further Kustomizations, and a path may hold its own).
const maxKustomizations = 64

// substituteDisabled on an object (label or annotation) keeps Flux from
// substituting its variables.
const substituteDisabled = "kustomize.toolkit.fluxcd.io/substitute"

// kustomizations returns objs with the objects each Flux Kustomization among
// them applies added (and the objects those apply, in turn): the
// directory at spec.path as kustomize builds it, with the postBuild
// variables substituted. A path the linted tree does not hold is noted.
func (x *expander) kustomizations(objs []*source.Object) []*source.Object {
	x.added = map[*source.Object]bool{}
	all := slices.Clone(objs)
	seen := map[string]bool{}
	expanded := 0
	for i := 0; i < len(all); i++ {
		o := all[i]
		group, _, _ := strings.Cut(o.APIVersion(), "/")
		if group != "kustomize.toolkit.fluxcd.io" || o.Kind() != "Kustomization" {
			continue
		}
		if expanded >= maxKustomizations {
			x.note(o, "spec.path", fmt.Sprintf("a Flux Kustomization past the first %d of the cluster is not read", maxKustomizations))
			continue
		}
		expanded++
		all = append(all, x.from(o, x.kustomization(o, all, seen))...)
	}
	return all
}

// kustomization reads the objects one Flux Kustomization applies.
func (x *expander) kustomization(o *source.Object, objs []*source.Object, seen map[string]bool) []*source.Object {
	rel := firstNonEmpty(str(o, "spec.path"), ".")
	if x.repo == nil || x.repo.ReadDir == nil {
		return nil
	}
	dir, ok := x.repo.Dir(rel)
	if !ok {
		x.note(o, "spec.path", fmt.Sprintf("the Flux Kustomization %s applies %s, which is not in the linted tree%s", o.Name(), rel, x.repo.where()))
		return nil
	}
	with := buildWith(o)
	vars := x.postBuildVars(o, objs)
	key := dir + "\x00" + fmt.Sprint(with) + "\x00" + varsKey(vars)
	if seen[key] {
		return nil
	}
	seen[key] = true
	read, files, errs := x.repo.ReadDir(dir, with, o)
	x.errs = append(x.errs, errs...)
	for _, f := range files {
		x.consumed[cleanPath(f)] = true
	}
	targetNS := str(o, "spec.targetNamespace")
	unknown := map[string]bool{}
	out := make([]*source.Object, 0, len(read))
	for _, r := range read {
		c := r
		if !disabled(r) {
			if data, changed := substituteValue(r.Data, vars, unknown); changed {
				c = copyWith(r, data.(map[string]any))
			}
		}
		if targetNS != "" && namespaced(c) && c.Namespace() != targetNS {
			c = withNamespace(c, targetNS)
		}
		x.added[c] = true
		out = append(out, c)
	}
	if len(unknown) > 0 {
		names := slices.Sorted(maps.Keys(unknown))
		for i, n := range names {
			names[i] = "${" + n + "}"
		}
		x.note(o, "spec.postBuild", fmt.Sprintf("the Flux Kustomization %s gives no value to %s: the fields of %s that use them are unknown", o.Name(), strings.Join(names, ", "), rel))
	}
	return out
}

// postBuildVars returns a Kustomization's variables: substituteFrom's
// ConfigMaps and Secrets in order, then substitute on top, as Flux merges
// them.
func (x *expander) postBuildVars(o *source.Object, objs []*source.Object) map[string]string {
	vars := map[string]string{}
	v, _ := o.Get("spec.postBuild.substituteFrom")
	refs, _ := v.([]any)
	for i := range refs {
		at := fmt.Sprintf("spec.postBuild.substituteFrom[%d]", i)
		kind, name := str(o, at+".kind"), str(o, at+".name")
		optional, _ := o.Get(at + ".optional")
		holder := findObject(objs, kind, o.Namespace(), name, o)
		if holder == nil || (kind != "ConfigMap" && kind != "Secret") {
			if optional != true {
				x.note(o, at, fmt.Sprintf("the Flux Kustomization %s substitutes variables from %s %s/%s, which is not among the linted objects: its variables are unknown", o.Name(), kind, nsOrDefault(o.Namespace()), name))
			}
			continue
		}
		for k, v := range dataStrings(holder) {
			vars[k] = v
		}
	}
	sub, _ := o.Get("spec.postBuild.substitute")
	m, _ := sub.(map[string]any)
	for k, v := range m {
		if s, ok := scalarText(v); ok {
			vars[k] = strings.ReplaceAll(s, "\n", "") // as Flux does
		}
	}
	return vars
}

// dataStrings returns the entries of a ConfigMap's data or a Secret's data
// (decoded) and stringData.
func dataStrings(o *source.Object) map[string]string {
	out := map[string]string{}
	d, _ := o.Get("data")
	data, _ := d.(map[string]any)
	for k, v := range data {
		s, ok := v.(string)
		if !ok {
			continue
		}
		if o.Kind() == "Secret" {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
			if err != nil {
				continue
			}
			s = string(b)
		}
		out[k] = s
	}
	sd, _ := o.Get("stringData")
	strData, _ := sd.(map[string]any)
	for k, v := range strData {
		if s, ok := v.(string); ok && o.Kind() == "Secret" {
			out[k] = s
		}
	}
	return out
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool, int64, float64:
		return fmt.Sprint(x), true
	}
	return "", false
}

func varsKey(vars map[string]string) string {
	keys := slices.Sorted(maps.Keys(vars))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(vars[k])
		b.WriteByte(0)
	}
	return b.String()
}

func disabled(o *source.Object) bool {
	a, _ := o.Annotation(substituteDisabled)
	l, _ := o.Label(substituteDisabled)
	return a == "disabled" || l == "disabled"
}

// substituteValue substitutes the variables in every string of v, copying
// only what changes; unknown collects the variables left as written.
func substituteValue(v any, vars map[string]string, unknown map[string]bool) (any, bool) {
	switch x := v.(type) {
	case string:
		s, missing := Substitute(x, vars)
		for _, m := range missing {
			unknown[m] = true
		}
		return s, s != x
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if n, changed := substituteValue(e, vars, unknown); changed {
				if out == nil {
					out = maps.Clone(x)
				}
				out[k] = n
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			if n, changed := substituteValue(e, vars, unknown); changed {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = n
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}

// copyWith returns o with other data, still located in o's file: the
// fields keep their places.
func copyWith(o *source.Object, data map[string]any) *source.Object {
	c := *o
	c.Data = data
	return &c
}

// clusterScoped are the kinds a targetNamespace leaves alone, among those
// an Istio install holds.
var clusterScoped = map[string]bool{
	"Namespace": true, "CustomResourceDefinition": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true, "PriorityClass": true,
	"StorageClass": true, "PersistentVolume": true, "APIService": true,
}

func namespaced(o *source.Object) bool {
	return o.Kind() != "" && !clusterScoped[o.Kind()]
}

func withNamespace(o *source.Object, ns string) *source.Object {
	data := maps.Clone(o.Data)
	md, _ := data["metadata"].(map[string]any)
	md = maps.Clone(md)
	if md == nil {
		md = map[string]any{}
	}
	md["namespace"] = ns
	data["metadata"] = md
	return copyWith(o, data)
}

func cleanPath(p string) string { return filepath.Clean(p) }

// buildWith returns the kustomization fields a Flux Kustomization builds its
// path with (kustomize-controller adds them to the directory's
// kustomization), or nil.
func buildWith(o *source.Object) map[string]any {
	with := map[string]any{}
	if ns := str(o, "spec.targetNamespace"); ns != "" {
		with["namespace"] = ns
	}
	for _, f := range []string{"patches", "namePrefix", "nameSuffix", "components", "images"} {
		if v, ok := o.Get("spec." + f); ok && v != nil {
			with[f] = v
		}
	}
	if v, ok := o.Get("spec.commonMetadata.labels"); ok && v != nil {
		with["labels"] = []any{map[string]any{"pairs": v}}
	}
	if v, ok := o.Get("spec.commonMetadata.annotations"); ok && v != nil {
		with["commonAnnotations"] = v
	}
	if len(with) == 0 {
		return nil
	}
	return with
}
