package checks

import (
	"maps"

	"github.com/open-policy-agent/opa/v1/ast"
)

// What a rule names: the walks over the compiled rules that tell which
// record fields of the model (shape.go) and which namespace label and
// annotation keys (namespaces.go) a rule can read, and so its view.

// ruleNames are what the rules name: by rule package, the record fields
// its code names (namedFields; nil for a rule that sees the whole model, a
// user's), and the strings the code of every such rule holds, which a
// view keeps as namespace label and annotation keys (see views).
type ruleNames struct {
	fields map[string]map[string]bool
	keys   map[string]bool
}

func namesOf(rules map[string]Rule, compilerOf map[string]*ast.Compiler, builtin map[string]bool) ruleNames {
	n := ruleNames{fields: make(map[string]map[string]bool, len(rules)), keys: map[string]bool{}}
	for pkg, r := range rules {
		var fields map[string]bool
		if r.Builtin {
			fields = namedFields(compilerOf[pkg], pkg, builtin)
		}
		if fields != nil {
			codeStrings(compilerOf[pkg], pkg, n.keys)
		}
		n.fields[pkg] = fields
	}
	return n
}

// view returns the names of the view of the rule of package pkg: its
// fields and, as keys (keyPrefix), the strings of every built-in rule's
// code, so that a namespace label or annotation whose key no built-in rule
// writes is seen by none (the same keys for every rule keep views shared).
// It is nil for a rule that sees the whole model.
func (n ruleNames) view(pkg string) map[string]bool {
	fields := n.fields[pkg]
	if fields == nil {
		return nil
	}
	out := make(map[string]bool, len(fields)+len(n.keys))
	maps.Copy(out, fields)
	n.addKeys(out)
	return out
}

// union is the names of every view, or nil (every field) when one of
// them sees the whole model.
func (n ruleNames) union() map[string]bool {
	out := map[string]bool{}
	for _, fields := range n.fields {
		if fields == nil {
			return nil
		}
		maps.Copy(out, fields)
	}
	n.addKeys(out)
	return out
}

func (n ruleNames) addKeys(names map[string]bool) {
	for k := range n.keys {
		names[keyPrefix+k] = true
	}
}

// namedFields returns the model's record fields that the rules of package
// pkg, and every rule and function they use, name: as a reference
// (c.namespaces), a string (object.get(cp, ["network", "value"], "")) or a
// key. It returns nil (the whole model) if any of that code is not in a
// built-in file: a user's module added to a built-in package or library
// may compute the keys it reads.
func namedFields(c *ast.Compiler, pkg string, builtin map[string]bool) map[string]bool {
	fields := fieldNames()
	names := map[string]bool{}
	trusted := true
	rulesUsed(c, pkg, func(r *ast.Rule) {
		if r.Location == nil || !builtin[r.Location.File] {
			trusted = false
		}
		ast.WalkTerms(r, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok && fields[string(s)] {
				names[string(s)] = true
			}
			return false
		})
	})
	if !trusted {
		return nil
	}
	return names
}

// codeStrings adds to out every string of the rules of package pkg and of
// every rule and function they use.
func codeStrings(c *ast.Compiler, pkg string, out map[string]bool) {
	rulesUsed(c, pkg, func(r *ast.Rule) {
		ast.WalkTerms(r, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok {
				out[string(s)] = true
			}
			return false
		})
	})
}

// rulesUsed calls visit once for each rule of package pkg and each rule or
// function they use, directly or not.
func rulesUsed(c *ast.Compiler, pkg string, visit func(*ast.Rule)) {
	seen := map[*ast.Rule]bool{}
	var walk func(r *ast.Rule)
	walk = func(r *ast.Rule) {
		if seen[r] {
			return
		}
		seen[r] = true
		visit(r)
		for dep := range c.Graph.Dependencies(r) {
			walk(dep.(*ast.Rule))
		}
	}
	for _, m := range c.Modules {
		if m.Package.Path.String() == pkg {
			for _, r := range m.Rules {
				walk(r)
			}
		}
	}
}
