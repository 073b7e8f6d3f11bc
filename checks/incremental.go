package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/meshcheck/meshcheck/model"
)

// ruleQuery evaluates one rule on its view of the model.
type ruleQuery struct {
	pkg   string
	query rego.PreparedEvalQuery
	// names are the record fields the rule's code names (see view.go);
	// nil for users' rules, which see the whole model and are always
	// re-evaluated.
	names map[string]bool
	// viewKey identifies the view: rules naming the same fields share it.
	viewKey string
}

// ruleQueries prepares one query per rule, on first use: only the webhook
// evaluates rule by rule, and lint should not pay for it.
func (e *Engine) ruleQueries() ([]*ruleQuery, error) {
	e.perRule.once.Do(func() {
		var errs []error
		for _, pkg := range slices.Sorted(maps.Keys(e.rules)) {
			c := e.compilerOf[pkg]
			pq, err := rego.New(rego.Compiler(c), rego.Query("v = "+pkg+".violation[_]")).PrepareForEval(context.Background())
			if err != nil {
				errs = append(errs, fmt.Errorf("prepare %s: %w", pkg, err))
				continue
			}
			q := &ruleQuery{pkg: pkg, query: pq, viewKey: "*"}
			if e.rules[pkg].Builtin {
				q.names = namedFields(c, pkg, e.builtin)
			}
			if q.names != nil {
				q.viewKey = strings.Join(slices.Sorted(maps.Keys(q.names)), ",")
			}
			e.perRule.queries = append(e.perRule.queries, q)
		}
		addNamespaceKeys(e.perRule.queries, e.compilerOf)
		e.perRule.names = unionOfNames(e.perRule.queries)
		e.perRule.differ = newDiffer(e.perRule.names)
		e.perRule.err = errors.Join(errs...)
	})
	return e.perRule.queries, e.perRule.err
}

// unionOfNames is every field the queries name, or nil (every field) when
// one of them sees the whole model.
func unionOfNames(qs []*ruleQuery) map[string]bool {
	out := map[string]bool{}
	for _, q := range qs {
		if q.names == nil {
			return nil
		}
		maps.Copy(out, q.names)
	}
	return out
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

// reevaluate evaluates every rule on its view of f and returns the
// violations by rule package, and how many rules it evaluated. With a base
// made by ReviewChange (not by Review), it re-evaluates only the rules whose view of f differs
// from their view of the base's fleet, and takes the others' violations
// from the base.
func (e *Engine) reevaluate(ctx context.Context, base *Review, f *model.Fleet) (map[string][]violation, int, error) {
	qs, err := e.ruleQueries()
	if err != nil {
		return nil, 0, err
	}
	todo := qs
	// A Review's findings are not by view, and another engine's rules may differ.
	if base != nil && base.byView == e {
		if todo = e.affected(base.Fleet, f); len(todo) == 0 {
			return base.violations, 0, nil // shared: never modified
		}
	}
	out := make(map[string][]violation, len(qs))
	if len(todo) < len(qs) {
		maps.Copy(out, base.violations)
	}
	in, err := inputOf(f, e.perRule.names)
	if err != nil {
		return nil, 0, err
	}
	views := map[string]ast.Value{}
	for _, q := range todo {
		if _, ok := views[q.viewKey]; !ok {
			views[q.viewKey] = in
			if q.names != nil {
				views[q.viewKey] = view(in, fleetShape(), q.names)
			}
		}
	}
	found := make([][]violation, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	for i, q := range todo {
		wg.Add(1)
		task := func() {
			defer wg.Done()
			found[i], errs[i] = e.violations(ctx, q, views[q.viewKey])
		}
		select {
		case workers() <- task:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			wg.Done()
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, fmt.Errorf("evaluate rules: %w", err)
	}
	for i, q := range todo {
		out[q.pkg] = found[i]
	}
	return out, len(todo), nil
}

// affected returns the queries whose view shows a difference between the
// fleets a and b, and users' rules always: they see the whole model, and
// may read more than it (time.now_ns, http.send).
func (e *Engine) affected(a, b *model.Fleet) []*ruleQuery {
	qs := e.perRule.queries
	shown := make([]bool, len(qs))
	e.perRule.differ.changed(a, b, func(p []string) {
		for i, s := range e.showing(p) {
			shown[i] = shown[i] || s
		}
	})
	var out []*ruleQuery
	for i, q := range qs {
		if shown[i] || q.names == nil {
			out = append(out, q)
		}
	}
	return out
}

// showing says, for each query, whether its view shows a change at path.
// It is kept by path: paths name record fields only, so there are few.
func (e *Engine) showing(path []string) []bool {
	key := strings.Join(path, ".")
	if v, ok := e.perRule.showing.Load(key); ok {
		return v.([]bool)
	}
	out := make([]bool, len(e.perRule.queries))
	for i, q := range e.perRule.queries {
		out[i] = q.names != nil && shows(q.names, path)
	}
	e.perRule.showing.Store(key, out)
	return out
}

func (e *Engine) violations(ctx context.Context, q *ruleQuery, in ast.Value) ([]violation, error) {
	rs, err := q.query.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, err
	}
	out := make([]violation, 0, len(rs))
	for _, r := range rs {
		v, err := e.decode(q.pkg, r.Bindings["v"])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// findings are the findings of the violations (by the packages of
// ruleQueries) on fleet f, sorted, before settings and exemptions.
func (e *Engine) findings(violations map[string][]violation, f *model.Fleet) []Finding {
	var out []Finding
	for _, q := range e.perRule.queries { // in order, unlike the map
		for _, v := range violations[q.pkg] {
			out = append(out, e.finding(e.rules[q.pkg], v, f))
		}
	}
	out = dedupe(out)
	Sort(out)
	return out
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
