package clusterreport

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/report"
)

// Snapshot is one review of the cluster as a whole, with the peers it saw.
type Snapshot struct {
	// Generation identifies the reviewed state (Source.Generation).
	Generation uint64
	// Cluster is this cluster's name in findings.
	Cluster string
	// Peers are the other clusters the review included.
	Peers  []string
	Review *checks.Review
	// Rules are the rules the engine evaluated, for pass results, and
	// Settings the configuration's (disabled rules, severities).
	Rules    []checks.Rule
	Settings map[string]checks.RuleSetting
}

// Report is one PolicyReport (Namespace set) or the ClusterPolicyReport.
type Report struct {
	Namespace string
	Results   []report.PolicyResult
	Summary   report.PolicySummary
}

// Reports are what one snapshot gives.
type Reports struct {
	Cluster Report
	// Namespaced are the PolicyReports, by namespace; a namespace without
	// results has none.
	Namespaced map[string]*Report
	// Current counts the unsuppressed findings by rule and severity.
	Current map[Count]int
}

// Count is a key of Reports.Current.
type Count struct{ Rule, Severity string }

// Build sorts a snapshot's findings into reports, all stamped with now.
//
//   - A finding of this cluster on a namespaced object, of a rule that is
//     not fleet-scoped, goes to the PolicyReport of the object's namespace.
//   - Other findings of this cluster (cluster-scoped objects such as
//     Namespaces, fleet rules), findings of the fleet as a whole, and
//     findings of a peer that name this cluster among their related places
//     go to the ClusterPolicyReport. A peer's own findings are left to its
//     own report.
//   - Each rule with no finding here passes, in the ClusterPolicyReport:
//     rules disabled by the configuration and rules that only a live audit
//     can fire are not evaluated here and get no result, and fleet-scoped
//     rules pass only when the review saw a peer (alone, they compare
//     nothing).
//   - Problems reading the cluster's objects are error results: a pass on
//     input that was not understood is not a pass.
func Build(s Snapshot, now time.Time) Reports {
	ts := report.TimestampOf(now)
	out := Reports{Namespaced: map[string]*Report{}, Current: map[Count]int{}}
	rules := map[string]checks.Rule{}
	for _, r := range s.Rules {
		rules[r.Code] = r
	}
	found := map[string]bool{}
	add := func(rep *Report, res report.PolicyResult) {
		res.Timestamp = ts
		rep.Results = append(rep.Results, res)
		rep.Summary.Count(res.Result)
	}
	var findings []checks.Finding
	if s.Review != nil {
		findings = s.Review.Findings
	}
	for _, f := range findings {
		if !involves(f, s.Cluster) {
			continue
		}
		rule := rules[f.Rule]
		category := ""
		if len(rule.Dimensions) > 0 {
			category = rule.Dimensions[0]
		}
		res := report.PolicyResultOf(f, category)
		if f.Cluster != s.Cluster {
			res.Properties["cluster"] = f.Cluster
			if f.Cluster == "" {
				res.Properties["cluster"] = "fleet"
			}
		}
		found[f.Rule] = true
		if !f.Suppressed {
			out.Current[Count{f.Rule, f.Severity.String()}]++
		}
		ns := f.Object.Namespace
		if f.Cluster != s.Cluster || ns == "" || rule.Scope == "fleet" {
			add(&out.Cluster, res)
			continue
		}
		rep := out.Namespaced[ns]
		if rep == nil {
			rep = &Report{Namespace: ns}
			out.Namespaced[ns] = rep
		}
		add(rep, res)
	}
	if s.Review != nil {
		for _, err := range s.Review.Errors {
			add(&out.Cluster, report.PolicyResult{
				Source: "meshcheck", Policy: "meshcheck", Rule: "input", Severity: "high",
				Result: "error", Message: err.Error(),
			})
		}
	}
	for _, code := range slices.Sorted(maps.Keys(rules)) {
		r := rules[code]
		set := s.Settings[code]
		if found[code] || set.Disabled || r.LiveOnly || r.Scope == "fleet" && len(s.Peers) == 0 {
			continue
		}
		sev := r.Severity
		if set.Severity != 0 {
			sev = set.Severity
		}
		msg := fmt.Sprintf("no finding in cluster %s", s.Cluster)
		if r.Scope == "fleet" {
			msg = fmt.Sprintf("no finding between cluster %s and %s", s.Cluster, strings.Join(s.Peers, ", "))
		}
		add(&out.Cluster, report.PassResult(r, sev, msg))
	}
	return out
}

// involves says whether f belongs in cluster's report: it is about the
// cluster, about the fleet as a whole, or a peer's finding that names the
// cluster among its related places.
func involves(f checks.Finding, cluster string) bool {
	if f.Cluster == cluster || f.Cluster == "" {
		return true
	}
	for _, l := range f.Related {
		if l.Cluster == cluster {
			return true
		}
	}
	return false
}
