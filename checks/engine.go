package checks

import (
	"cmp"
	"context"
	"encoding/json"
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

// query binds every violation of every rule package with its package path.
const query = "v = " + rulesPrefix + "[group][name].violation[_]"

// Engine evaluates the rules on fleet models: it compiles and prepares the
// queries once, as OPA's rego package prepares a query, and Evaluate is
// safe for concurrent use. A Reviewer (NewReviewer) evaluates them rule by
// rule, for the reviews of changes.
type Engine struct {
	// shards are prepared queries over independent parts of the rules
	// (see shards), evaluated in parallel.
	shards []rego.PreparedEvalQuery
	rules  map[string]Rule // by package path
	// compilerOf is the compiler of each rule package's shard, on which a
	// Reviewer prepares one query per rule.
	compilerOf map[string]*ast.Compiler
	// named is what each rule names, from which its view is made.
	named ruleNames
	// names are the model's record fields some rule names, the only ones
	// Evaluate converts (the objects users' rules may read, say, are left
	// out when only built-in rules run), with the namespace label and
	// annotation keys the views keep; nil converts every field.
	names map[string]bool
}

// Options configures an Engine.
type Options struct {
	// PolicyDirs adds users' rule directories to the built-in rules.
	PolicyDirs []string
}

// New loads, compiles and prepares the rules.
func New(ctx context.Context, opt Options) (*Engine, error) {
	files, err := loadFiles(opt.PolicyDirs, false, false)
	if err != nil {
		return nil, err
	}
	mods, err := parseModules(files)
	if err != nil {
		return nil, fmt.Errorf("parse policies: %w", err)
	}
	builtin := map[string]bool{}
	for _, f := range files {
		builtin[f.name] = f.builtin
	}
	isBuiltin := func(name string) bool { return builtin[name] }
	parts := shards(mods)
	prepared := make([]rego.PreparedEvalQuery, len(parts))
	compilers := make([]*ast.Compiler, len(parts))
	catalogs := make([]map[string]Rule, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() {
			prepared[i], compilers[i], catalogs[i], errs[i] = prepare(ctx, part, len(opt.PolicyDirs) == 0, isBuiltin)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rules := map[string]Rule{}
	compilerOf := map[string]*ast.Compiler{}
	byCode := map[string]string{}
	for i, c := range catalogs {
		for pkg, r := range c {
			if other, dup := byCode[r.Code]; dup && other != pkg {
				return nil, fmt.Errorf("rule catalog: rule code %s is used by %s and %s", r.Code, other, pkg)
			}
			byCode[r.Code] = pkg
			rules[pkg] = r
			compilerOf[pkg] = compilers[i]
		}
	}
	named := namesOf(rules, compilerOf, builtin)
	return &Engine{shards: prepared, rules: rules, compilerOf: compilerOf, named: named, names: named.union()}, nil
}

// prepare compiles one shard, reads its catalog and prepares its query.
func prepare(ctx context.Context, mods map[string]*ast.Module, trusted bool, builtin func(file string) bool) (rego.PreparedEvalQuery, *ast.Compiler, map[string]Rule, error) {
	c, err := compile(mods, trusted)
	if err != nil {
		return rego.PreparedEvalQuery{}, nil, nil, fmt.Errorf("compile policies: %w", err)
	}
	rules, err := catalog(c, builtin)
	if err != nil {
		return rego.PreparedEvalQuery{}, nil, nil, fmt.Errorf("rule catalog: %w", err)
	}
	pq, err := rego.New(rego.Compiler(c), rego.Query(query)).PrepareForEval(ctx)
	if err != nil {
		return rego.PreparedEvalQuery{}, nil, nil, fmt.Errorf("prepare query: %w", err)
	}
	return pq, c, rules, nil
}

// Rules returns the catalog ordered by code.
func (e *Engine) Rules() []Rule {
	rs := slices.Collect(maps.Values(e.rules))
	slices.SortFunc(rs, func(a, b Rule) int { return strings.Compare(a.Code, b.Code) })
	return rs
}

// violation is what lib/result.fail builds.
type violation struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Fix is the remediation computed from the finding's facts; it
	// replaces the rule's generic one.
	Fix string `json:"fix"`
	// Severity, when set, is this finding's: what Istio does with a
	// setting can depend on the data-plane mode or version at hand.
	Severity Severity       `json:"severity"`
	Cluster  string         `json:"cluster"`
	At       model.Source   `json:"at"`
	Related  []model.Source `json:"related"`
}

// Evaluate runs every rule on the fleet and returns the findings, sorted.
// Severities are the rules' own; settings and exemptions apply afterwards.
func (e *Engine) Evaluate(ctx context.Context, f *model.Fleet) ([]Finding, error) {
	in, err := inputOf(f, e.names)
	if err != nil {
		return nil, err
	}
	results := make([]rego.ResultSet, len(e.shards))
	err = fanOut(ctx, len(e.shards), func(i int) (err error) {
		results[i], err = e.shards[i].Eval(ctx, rego.EvalParsedInput(in))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("evaluate rules: %w", err)
	}
	var out []Finding
	for _, r := range slices.Concat(results...) {
		pkg := fmt.Sprintf("%s.%s.%s", rulesPrefix, r.Bindings["group"], r.Bindings["name"])
		v, err := e.decode(pkg, r.Bindings["v"])
		if err != nil {
			return nil, err
		}
		out = append(out, e.finding(e.rules[pkg], v, f))
	}
	out = dedupe(out)
	Sort(out)
	return out, nil
}

// decode reads one violation of the rule of package pkg.
func (e *Engine) decode(pkg string, binding any) (violation, error) {
	rule, ok := e.rules[pkg]
	if !ok {
		return violation{}, fmt.Errorf("package %s defines violation but has no METADATA", strings.TrimPrefix(pkg, "data."))
	}
	var v violation
	b, _ := json.Marshal(binding)
	if err := json.Unmarshal(b, &v); err != nil {
		// A field of the wrong type, such as a severity other than error,
		// warning or info: say which.
		return violation{}, fmt.Errorf("rule %s: violation %s: %w", rule.Code, b, err)
	}
	if v.Message == "" {
		return violation{}, fmt.Errorf("rule %s: a violation must be built with result.fail and have a message, got %s", rule.Code, b)
	}
	return v, nil
}

func (e *Engine) finding(r Rule, v violation, f *model.Fleet) Finding {
	fd := Finding{
		Rule: r.Code, Severity: cmp.Or(v.Severity, r.Severity), Title: r.Title, Message: v.Message,
		Remediation: cmp.Or(v.Fix, r.Remediation), Docs: r.Docs,
		Cluster: cmp.Or(v.Cluster, v.At.Cluster),
		Object:  v.At.Object,
		Path:    v.At.Path, File: v.At.File, Line: v.At.Line, Column: v.At.Column,
	}
	if c := f.Clusters[fd.Cluster]; c != nil && c.ID != nil && c.ID.Value != fd.Cluster {
		fd.ClusterID = c.ID.Value
	}
	for _, s := range v.Related {
		s.ResourceVersion = ""
		fd.Related = append(fd.Related, s)
	}
	return fd
}

// dedupe drops identical findings, which a rule may produce when two paths
// in its body lead to the same conclusion.
func dedupe(fs []Finding) []Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := fmt.Sprint(f.Rule, "\x00", f.Cluster, "\x00", f.File, "\x00", f.Line, "\x00", f.Object, "\x00", f.Message)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}
