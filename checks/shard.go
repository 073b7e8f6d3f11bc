package checks

import (
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// shards splits the parsed modules into groups that compile and evaluate
// independently: one per rule group (the <group> of
// meshcheck.rules.<group>.<name>), each with the packages its modules refer
// to, transitively. Compiling is most of a small lint run and OPA compiles
// on one core; shards let every core compile, and later evaluate, a part.
// The libraries a group uses are compiled once per group that uses them.
func shards(mods map[string]*ast.Module) []map[string]*ast.Module {
	byPackage := map[string][]string{}
	for name, m := range mods {
		p := m.Package.Path.String()
		byPackage[p] = append(byPackage[p], name)
	}
	packages := slices.Sorted(maps.Keys(byPackage))

	groups := map[string][]string{}
	for name, m := range mods {
		if g, ok := ruleGroup(m); ok {
			groups[g] = append(groups[g], name)
		}
	}
	var out []map[string]*ast.Module
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		shard := map[string]*ast.Module{}
		queue := slices.Clone(groups[g])
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if _, done := shard[name]; done {
				continue
			}
			shard[name] = mods[name]
			for _, p := range referencedPackages(mods[name], packages) {
				queue = append(queue, byPackage[p]...)
			}
		}
		out = append(out, shard)
	}
	return out
}

// ruleGroup returns the group of a module under meshcheck.rules.
func ruleGroup(m *ast.Module) (string, bool) {
	rest, ok := strings.CutPrefix(m.Package.Path.String(), rulesPrefix+".")
	if !ok {
		return "", false
	}
	g, _, _ := strings.Cut(rest, ".")
	return g, true
}

// referencedPackages returns the packages that a module's imports and data
// references may reach: a reference below a package, or a package below a
// reference (data.meshcheck.lib reaches every library).
func referencedPackages(m *ast.Module, packages []string) []string {
	var refs []ast.Ref
	for _, imp := range m.Imports {
		if r, ok := imp.Path.Value.(ast.Ref); ok {
			refs = append(refs, r)
		}
	}
	ast.WalkRefs(m, func(r ast.Ref) bool {
		if r.HasPrefix(ast.DefaultRootRef) {
			refs = append(refs, r)
		}
		return false
	})
	var out []string
	for _, r := range refs {
		prefix := r.GroundPrefix().String()
		for _, p := range packages {
			if strings.HasPrefix(prefix+".", p+".") || strings.HasPrefix(p+".", prefix+".") {
				out = append(out, p)
			}
		}
	}
	return out
}
