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

// Reviewer reviews fleets rule by rule, each rule on its view of the model
// (view.go), so that a change is reviewed against a Baseline at the cost of
// the rules whose view it changes: the webhook reviews a cluster as a
// request would leave it that way. Its findings are the Engine's on the
// same fleet (TestViewsChangeNoFinding). It is safe for concurrent use.
type Reviewer struct {
	engine  *Engine
	queries []*ruleQuery // by package path
	// differ compares fleets on the names of every view; showing keeps, by
	// changed path, which queries' views show it (see affected).
	differ  *differ
	showing sync.Map
}

// ruleQuery evaluates one rule on its view of the model.
type ruleQuery struct {
	pkg   string
	query rego.PreparedEvalQuery
	// names are the names of the rule's view (ruleNames.view); nil for
	// users' rules, which see the whole model and are always re-evaluated.
	names map[string]bool
	// viewKey identifies the view: rules naming the same fields share it.
	viewKey string
}

// NewReviewer prepares one query per rule of e. Only the webhook reviews
// rule by rule, and lint does not pay for it.
func NewReviewer(ctx context.Context, e *Engine) (*Reviewer, error) {
	r := &Reviewer{engine: e, differ: newDiffer(e.names)}
	var errs []error
	for _, pkg := range slices.Sorted(maps.Keys(e.rules)) {
		pq, err := rego.New(rego.Compiler(e.compilerOf[pkg]), rego.Query("v = "+pkg+".violation[_]")).PrepareForEval(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("prepare %s: %w", pkg, err))
			continue
		}
		q := &ruleQuery{pkg: pkg, query: pq, names: e.named.view(pkg), viewKey: "*"}
		if q.names != nil {
			q.viewKey = strings.Join(slices.Sorted(maps.Keys(q.names)), ",")
		}
		r.queries = append(r.queries, q)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

// Rules returns the catalog ordered by code.
func (r *Reviewer) Rules() []Rule { return r.engine.Rules() }

// NamespaceReads returns what the rules can tell namespaces apart by.
func (r *Reviewer) NamespaceReads() NamespaceReads { return r.engine.NamespaceReads() }

// Baseline is a review made by a Reviewer: the Review, and each rule's
// violations, which a later review of a change starts from.
type Baseline struct {
	Review
	reviewer   *Reviewer
	violations map[string][]violation // by rule package; shared, never modified
	evaluated  int
}

// Evaluated is how many rules were evaluated for this review: all of them
// without a base, those the change affected with one.
func (b *Baseline) Evaluated() int { return b.evaluated }

// Review is Engine.Review evaluating each rule on its view of the model.
// Given a base it made earlier, it re-evaluates only the rules whose view
// differs from theirs in the base, and keeps the other rules' findings. A
// base made by another Reviewer (policies reloaded) is not used: every
// rule is evaluated, as without one.
func (r *Reviewer) Review(ctx context.Context, base *Baseline, in []model.ClusterInput, opt ReviewOptions) (*Baseline, error) {
	if base != nil && base.reviewer != r {
		base = nil
	}
	b := &Baseline{Review: newReview(in, opt), reviewer: r}
	var err error
	if b.violations, b.evaluated, err = r.reevaluate(ctx, base, b.Fleet); err != nil {
		return nil, err
	}
	b.apply(r.findings(b.violations, b.Fleet), opt)
	return b, nil
}

// reevaluate evaluates every rule on its view of f and returns the
// violations by rule package, and how many rules it evaluated. With a
// base, it re-evaluates only the rules whose view of f differs from their
// view of the base's fleet, and takes the others' violations from the base.
func (r *Reviewer) reevaluate(ctx context.Context, base *Baseline, f *model.Fleet) (map[string][]violation, int, error) {
	todo := r.queries
	if base != nil {
		if todo = r.affected(base.Fleet, f); len(todo) == 0 {
			return base.violations, 0, nil // shared: never modified
		}
	}
	out := make(map[string][]violation, len(r.queries))
	if len(todo) < len(r.queries) {
		maps.Copy(out, base.violations)
	}
	in, err := inputOf(f, r.engine.names)
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
	err = fanOut(ctx, len(todo), func(i int) (err error) {
		found[i], err = r.violations(ctx, todo[i], views[todo[i].viewKey])
		return err
	})
	if err != nil {
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
func (r *Reviewer) affected(a, b *model.Fleet) []*ruleQuery {
	shown := make([]bool, len(r.queries))
	r.differ.changed(a, b, func(p []string) {
		for i, s := range r.shows(p) {
			shown[i] = shown[i] || s
		}
	})
	var out []*ruleQuery
	for i, q := range r.queries {
		if shown[i] || q.names == nil {
			out = append(out, q)
		}
	}
	return out
}

// shows says, for each query, whether its view shows a change at path.
// It is kept by path: paths name record fields only, so there are few.
func (r *Reviewer) shows(path []string) []bool {
	key := strings.Join(path, ".")
	if v, ok := r.showing.Load(key); ok {
		return v.([]bool)
	}
	out := make([]bool, len(r.queries))
	for i, q := range r.queries {
		out[i] = q.names != nil && shows(q.names, path)
	}
	r.showing.Store(key, out)
	return out
}

func (r *Reviewer) violations(ctx context.Context, q *ruleQuery, in ast.Value) ([]violation, error) {
	rs, err := q.query.Eval(ctx, rego.EvalParsedInput(in))
	if err != nil {
		return nil, err
	}
	out := make([]violation, 0, len(rs))
	for _, res := range rs {
		v, err := r.engine.decode(q.pkg, res.Bindings["v"])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// findings are the findings of the violations (by rule package) on fleet
// f, sorted, before settings and exemptions.
func (r *Reviewer) findings(violations map[string][]violation, f *model.Fleet) []Finding {
	var out []Finding
	for _, q := range r.queries { // in order, unlike the map
		for _, v := range violations[q.pkg] {
			out = append(out, r.engine.finding(r.engine.rules[q.pkg], v, f))
		}
	}
	out = dedupe(out)
	Sort(out)
	return out
}
