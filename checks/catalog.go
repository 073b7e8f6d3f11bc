package checks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// docsBase is where rule pages live when METADATA gives no docs link.
const docsBase = "https://github.com/meshcheck/meshcheck/blob/main/docs/rules/"

var (
	codePattern = regexp.MustCompile(`^[A-Z]{2,8}[0-9]{3,4}$`)
	scopes      = []string{"object", "cluster", "fleet"}
)

// catalog reads the METADATA of every rule package (a package under
// meshcheck.rules that defines `violation`) and checks it is complete.
func catalog(c *ast.Compiler, builtinFile func(string) bool) (map[string]Rule, error) {
	rules := map[string]Rule{}
	byCode := map[string]string{}
	var errs []error
	for name, m := range c.Modules {
		pkg := m.Package.Path.String()
		if !strings.HasPrefix(pkg, rulesPrefix+".") || !definesViolation(m) {
			continue
		}
		if r, seen := rules[pkg]; seen {
			// A package split over several files is built in only if all are.
			r.Builtin = r.Builtin && builtinFile(name)
			rules[pkg] = r
			continue
		}
		r, err := ruleFromAnnotations(c.GetAnnotationSet().GetPackageScope(m.Package))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: package %s: %w", name, strings.TrimPrefix(pkg, "data."), err))
			continue
		}
		r.Package = pkg
		r.Builtin = builtinFile(name)
		if other, dup := byCode[r.Code]; dup {
			errs = append(errs, fmt.Errorf("%s: rule code %s is already used by %s", name, r.Code, other))
			continue
		}
		byCode[r.Code] = pkg
		rules[pkg] = r
	}
	return rules, errors.Join(errs...)
}

func definesViolation(m *ast.Module) bool {
	for _, r := range m.Rules {
		if r.Head.Name.String() == "violation" || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.String() == "violation") {
			return true
		}
	}
	return false
}

// ruleFromAnnotations maps a package METADATA block to a Rule.
func ruleFromAnnotations(a *ast.Annotations) (Rule, error) {
	if a == nil {
		return Rule{}, errors.New("no package METADATA block (see docs/writing-rules.md)")
	}
	custom := a.Custom
	str := func(k string) string { s, _ := custom[k].(string); return strings.TrimSpace(s) }
	r := Rule{
		Code:        str("code"),
		Title:       strings.TrimSpace(a.Title),
		Description: strings.TrimSpace(a.Description),
		Scope:       str("scope"),
		Remediation: str("remediation"),
		Docs:        str("docs"),
	}
	r.LiveOnly, _ = custom["live_only"].(bool)
	if ref, ok := custom["referee"].(map[string]any); ok {
		note, _ := ref["note"].(string)
		r.Referee = &Referee{Fleets: asList(ref["fleets"]), Note: strings.TrimSpace(note)}
	}
	if g, ok := custom["istio"].(map[string]any); ok {
		field := func(k string) string { s, _ := g[k].(string); return strings.TrimSpace(s) }
		r.Istio = &Grounding{Component: field("component"), Source: field("source"), Versions: field("versions"), Modes: field("modes")}
	}
	for _, d := range asList(custom["dimensions"]) {
		r.Dimensions = append(r.Dimensions, d)
	}
	var missing []string
	if !codePattern.MatchString(r.Code) {
		missing = append(missing, fmt.Sprintf("custom.code (like NW001, got %q)", r.Code))
	}
	if r.Title == "" {
		missing = append(missing, "title")
	}
	if r.Description == "" {
		missing = append(missing, "description")
	}
	sev, err := ParseSeverity(str("severity"))
	if err != nil {
		missing = append(missing, "custom.severity (error, warning or info)")
	}
	r.Severity = sev
	if !slices.Contains(scopes, r.Scope) {
		missing = append(missing, "custom.scope (object, cluster or fleet)")
	}
	if len(r.Dimensions) == 0 {
		missing = append(missing, "custom.dimensions")
	}
	if r.Remediation == "" {
		missing = append(missing, "custom.remediation")
	}
	if len(missing) > 0 {
		return r, fmt.Errorf("METADATA lacks %s", strings.Join(missing, ", "))
	}
	if r.Docs == "" {
		r.Docs = docsBase + r.Code + ".md"
	}
	return r, nil
}

func asList(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{x}
	}
	return nil
}
