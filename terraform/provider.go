package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// providers finds the provider configurations a module's resources use, per
// provider (kubernetes, helm, kubectl): "" for the default one, the alias
// otherwise ("kubernetes.cluster2"). A module whose resources of one
// provider use several configurations installs into several clusters, and
// which fleet cluster each is the files do not say (a remote secret for cluster2
// created in cluster1 through an alias): those resources are not read.
type providers map[string][]string

func providersOf(bodies ...*hclsyntax.Body) providers {
	p := providers{}
	for _, body := range bodies {
		p.add(body)
	}
	return p
}

func (p providers) add(body *hclsyntax.Body) {
	add := func(typ, config string) {
		if !slices.Contains(p[typ], config) {
			p[typ] = append(p[typ], config)
		}
	}
	for _, b := range body.Blocks {
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			if _, ok := resourceReaders[b.Labels[0]]; ok {
				add(providerType(b.Labels[0]), providerConfig(b.Body.Attributes["provider"]))
			}
		case b.Type == "module" && len(b.Labels) == 1:
			src := ""
			if a := b.Body.Attributes["source"]; a != nil {
				if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
					src = v.AsString()
				}
			}
			if !strings.Contains(src, "eks-blueprints-addon") {
				continue // only the modules read here
			}
			a := b.Body.Attributes["providers"]
			if a == nil {
				add("helm", "")
			}
			if a != nil {
				if m, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
					for _, item := range m.Items {
						if hcl.ExprAsKeyword(item.KeyExpr) == "helm" {
							add("helm", traversalText(item.ValueExpr))
						}
					}
				}
			}
		}
	}
}

// providerType is the provider a resource type belongs to.
func providerType(resource string) string {
	t, _, _ := strings.Cut(resource, "_")
	return t
}

func providerConfig(a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	return traversalText(a.Expr)
}

func traversalText(x hclsyntax.Expression) string {
	t, diags := hcl.AbsTraversalForExpr(x)
	if diags.HasErrors() {
		return "?"
	}
	return traversalName(t)
}

// ambiguous returns why a resource's objects cannot be given a cluster, or
// "": it uses an alias while the file uses several configurations of its
// provider.
func (p providers) ambiguous(typ, config string) string {
	configs := p[typ]
	if config == "" || len(configs) < 2 {
		return ""
	}
	names := make([]string, len(configs))
	for i, c := range configs {
		names[i] = cmpOr(c, typ+" (the default)")
	}
	return fmt.Sprintf("it is created through provider %s, and the module installs into several clusters (%s): which fleet cluster each is, its files do not say", config, strings.Join(names, ", "))
}

// ambiguous is providers.ambiguous for the module of the file. The module's
// other files are parsed only when the file uses an alias: the default
// configuration is never ambiguous.
func (r *reader) ambiguous(typ, config string) string {
	if config == "" {
		return ""
	}
	if r.providers == nil {
		r.providers = providersOf(append([]*hclsyntax.Body{r.body}, r.siblings()...)...)
	}
	return r.providers.ambiguous(typ, config)
}
