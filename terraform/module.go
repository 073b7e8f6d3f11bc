package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/source"
)

// module reads the calls of the EKS Blueprints addon modules, which make
// helm_release resources of their inputs: aws-ia/eks-blueprints-addons
// (helm_releases, a map of releases; the release is named after its key
// unless it gives a name) and aws-ia/eks-blueprints-addon (one release).
// Other modules' resources are in their source, which is read only when it
// is among the files linted.
func (r *reader) module(b *hclsyntax.Block) ([]*source.Object, []*source.Error) {
	src := r.attr(b.Body, "source")
	if src == nil {
		return nil, nil
	}
	s, _ := src.text()
	addr := "module." + b.Labels[0]
	var many bool
	switch {
	case strings.Contains(s, "eks-blueprints-addons"):
		many = true
	case strings.Contains(s, "eks-blueprints-addon"):
	default:
		return nil, nil
	}
	if a := b.Body.Attributes["providers"]; a != nil {
		if m, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range m.Items {
				if hcl.ExprAsKeyword(item.KeyExpr) == "helm" {
					if why := r.ambiguous("helm", traversalText(item.ValueExpr)); why != "" {
						return nil, []*source.Error{r.note(r.at(b.TypeRange), "%s: %s", addr, why)}
					}
				}
			}
		}
	}
	insts, errs := r.instances(b, addr)
	var objs []*source.Object
	for _, in := range insts {
		r.scope = in.scope
		var os []*source.Object
		var es []*source.Error
		if many {
			os, es = r.addonReleases(b, in.addr)
		} else {
			os, es = r.addonRelease(b, in.addr)
		}
		objs, errs = append(objs, os...), append(errs, es...)
	}
	r.scope = nil
	return objs, errs
}

func (r *reader) addonReleases(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	hr := r.attr(b.Body, "helm_releases")
	if hr == nil {
		return nil, nil
	}
	if hr.kind != kindObject {
		return nil, []*source.Error{r.note(hr.pos, "%s: helm_releases: %s", addr, cmpOr(hr.firstUnknown(), "it is not a map"))}
	}
	var objs []*source.Object
	var errs []*source.Error
	last := lastIndex(hr.keys)
	for i, key := range hr.keys {
		entry := hr.elems[i]
		if last[key] != i {
			continue
		}
		at := addr + ".helm_releases[" + strconv.Quote(key) + "]"
		if key == "" || entry.kind != kindObject {
			errs = append(errs, r.note(entry.pos, "%s: %s", at, cmpOr(entry.firstUnknown(), "it is not an object")))
			continue
		}
		rel := release{addr: at, at: hr.kpos[i], chart: entry.get("chart"), name: entry.get("name"), values: entry.get("values")}
		if rel.chart == nil {
			continue
		}
		if rel.name == nil {
			rel.name = stringValue(hr.kpos[i], key)
		}
		rel.fromInputs(r, entry)
		os, es := r.release(rel)
		objs, errs = append(objs, os...), append(errs, es...)
	}
	return objs, errs
}

func (r *reader) addonRelease(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	inputs := &value{kind: kindObject}
	for _, k := range []string{"chart", "name", "values", "set", "set_sensitive"} {
		if v := r.attr(b.Body, k); v != nil {
			inputs.keys, inputs.elems = append(inputs.keys, k), append(inputs.elems, v)
		}
	}
	rel := release{addr: addr, at: r.at(b.TypeRange), chart: inputs.get("chart"), name: inputs.get("name"), values: inputs.get("values")}
	if rel.chart == nil {
		return nil, nil
	}
	rel.fromInputs(r, inputs)
	return r.release(rel)
}

// fromInputs adds the set and set_sensitive inputs of an addon module.
func (rel *release) fromInputs(r *reader, in *value) {
	if v := in.get("set"); v != nil {
		rel.addSets(r, v, "set")
	}
	if v := in.get("set_sensitive"); v != nil {
		rel.notes = append(rel.notes, r.note(v.pos, "%s: set_sensitive is not read (its values are secret)", rel.addr))
	}
}
