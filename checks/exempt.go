package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// AnnotationPrefix starts the per-object exemption annotation:
// ignore-check.meshcheck.io/NW001: "<reason>". The value is the reason and
// must not be empty, so every exemption says why.
const AnnotationPrefix = "ignore-check.meshcheck.io/"

// Exemption suppresses findings of one rule. Empty fields match anything.
type Exemption struct {
	Rule      string
	Cluster   string
	Kind      string
	Namespace string
	Name      string
	Reason    string
	// Origin says where the exemption was declared, for the output.
	Origin string
}

func (e Exemption) matches(f Finding) bool {
	return e.Rule == f.Rule &&
		(e.Cluster == "" || e.Cluster == f.Cluster) &&
		(e.Kind == "" || e.Kind == f.Object.Kind) &&
		(e.Namespace == "" || e.Namespace == f.Object.Namespace) &&
		(e.Name == "" || e.Name == f.Object.Name)
}

// annotationExemptions collects the exemption annotations of the fleet's
// objects. An annotation without a reason is reported and not honoured.
func annotationExemptions(f *model.Fleet) ([]Exemption, []error) {
	var out []Exemption
	var errs []error
	for _, name := range sortedClusterNames(f) {
		for _, o := range f.Clusters[name].Objects {
			md, _ := o.Object["metadata"].(map[string]any)
			ann, _ := md["annotations"].(map[string]any)
			for k, v := range ann {
				code, ok := strings.CutPrefix(k, AnnotationPrefix)
				if !ok {
					continue
				}
				reason, _ := v.(string)
				ref := o.Source.Object
				where := ref.String()
				if o.Source.File != "" {
					where = fmt.Sprintf("%s (%s)", source.Position(o.Source.File, o.Source.Line, 0), where)
				}
				if strings.TrimSpace(reason) == "" {
					errs = append(errs, fmt.Errorf("%s: annotation %s has no reason; the exemption is not applied", where, k))
					continue
				}
				out = append(out, Exemption{
					Rule: code, Cluster: name, Kind: ref.Kind, Namespace: ref.Namespace, Name: ref.Name,
					Reason: reason, Origin: "annotation on " + where,
				})
			}
		}
	}
	return out, errs
}

// RuleSetting overrides a rule's catalog entry for one run.
type RuleSetting struct {
	Disabled bool
	// Severity replaces the rule's severity when non-zero.
	Severity Severity
}

// applySettings drops findings of disabled rules, applies severity overrides and
// marks findings matched by an exemption as suppressed (kept, and counted).
func applySettings(fs []Finding, settings map[string]RuleSetting, exemptions []Exemption) []Finding {
	out := fs[:0]
	for _, f := range fs {
		s := settings[f.Rule]
		if s.Disabled {
			continue
		}
		if s.Severity != 0 {
			f.Severity = s.Severity
		}
		for _, e := range exemptions {
			if e.matches(f) {
				f.Suppressed = true
				f.SuppressedBy = e.Reason + " (" + e.Origin + ")"
				break
			}
		}
		out = append(out, f)
	}
	return out
}

func sortedClusterNames(f *model.Fleet) []string {
	return slices.Sorted(maps.Keys(f.Clusters))
}
