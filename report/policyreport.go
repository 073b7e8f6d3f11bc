package report

import (
	"fmt"
	"io"
	"slices"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// PolicyReports follow the wg-policy format (wgpolicyk8s.io/v1alpha2), which
// Policy Reporter and the OpenReports tools read.
const (
	PolicyReportAPIVersion = "wgpolicyk8s.io/v1alpha2"
	policyReportName       = "meshcheck-audit"
	policyReportNamespace  = "istio-system"
)

type policyReport struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Metadata   policyReportMeta `json:"metadata"`
	Summary    PolicySummary    `json:"summary"`
	Results    []PolicyResult   `json:"results"`
}

type policyReportMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// PolicySummary counts a report's results by outcome.
type PolicySummary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// Count adds a result with outcome result (pass, fail, warn, error, skip).
func (s *PolicySummary) Count(result string) {
	switch result {
	case "pass":
		s.Pass++
	case "fail":
		s.Fail++
	case "warn":
		s.Warn++
	case "error":
		s.Error++
	case "skip":
		s.Skip++
	}
}

// PolicyResult is one result of a PolicyReport or ClusterPolicyReport.
type PolicyResult struct {
	Source     string            `json:"source"`
	Policy     string            `json:"policy"`
	Rule       string            `json:"rule"`
	Category   string            `json:"category,omitempty"`
	Severity   string            `json:"severity"`
	Result     string            `json:"result"`
	Scored     bool              `json:"scored"`
	Message    string            `json:"message"`
	Resources  []model.ObjectRef `json:"resources,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// Timestamp is when the result was found: set by the in-cluster
	// report, left out of the CLI's (the file is applied later).
	Timestamp *PolicyTimestamp `json:"timestamp,omitempty"`
}

// PolicyTimestamp is a protobuf Timestamp, as the CRD's schema has it.
type PolicyTimestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// TimestampOf returns t as a PolicyTimestamp.
func TimestampOf(t time.Time) *PolicyTimestamp {
	return &PolicyTimestamp{Seconds: t.Unix(), Nanos: int32(t.Nanosecond())}
}

// writePolicyReport writes one PolicyReport per audited cluster, each to be
// applied to its cluster, with one result per finding and one error result
// per problem reading it (an unreachable or partly read cluster must not
// look clean). Clusters without either get an empty report, so that
// applying it clears an old one.
func writePolicyReport(w io.Writer, r Result, _ Options) error {
	clusters := slices.Clone(r.Clusters)
	for _, f := range r.Findings {
		if !slices.Contains(clusters, f.Cluster) {
			clusters = append(clusters, f.Cluster)
		}
	}
	for _, e := range r.Errors {
		if e.Cluster != "" && !slices.Contains(clusters, e.Cluster) {
			clusters = append(clusters, e.Cluster)
		}
	}
	category := map[string]string{}
	for _, rule := range r.Rules {
		if len(rule.Dimensions) > 0 {
			category[rule.Code] = rule.Dimensions[0]
		}
	}
	for i, c := range clusters {
		rep := policyReport{
			APIVersion: PolicyReportAPIVersion, Kind: "PolicyReport",
			Metadata: policyReportMeta{
				Name: policyReportName, Namespace: policyReportNamespace,
				Labels:      map[string]string{"app.kubernetes.io/managed-by": r.Tool},
				Annotations: map[string]string{"meshcheck.io/cluster": c, "meshcheck.io/version": r.Version},
			},
			Results: []PolicyResult{},
		}
		head := fmt.Sprintf("# cluster %s: apply to that cluster (kubectl --context <its context> apply -f -)\n", c)
		if c == "" {
			// Findings about the fleet as a whole belong to no one cluster.
			rep.Metadata.Name += "-fleet"
			delete(rep.Metadata.Annotations, "meshcheck.io/cluster")
			head = "# findings about the whole fleet: apply to the cluster where you keep them\n"
		}
		for _, e := range r.Errors {
			if e.Cluster == c && c != "" { // errors of no cluster are about files, not a live cluster
				rep.Results = append(rep.Results, PolicyResult{
					Source: "meshcheck", Policy: "audit", Rule: "cluster read", Severity: "high",
					Result: "error", Message: e.Message,
				})
				rep.Summary.Error++
			}
		}
		for _, f := range r.Findings {
			if f.Cluster != c {
				continue
			}
			res := PolicyResultOf(f, category[f.Rule])
			rep.Results = append(rep.Results, res)
			rep.Summary.Count(res.Result)
		}
		b, err := yaml.Marshal(rep)
		if err != nil {
			return err
		}
		sep := ""
		if i > 0 {
			sep = "---\n"
		}
		if _, err := fmt.Fprintf(w, "%s%s%s", sep, head, b); err != nil {
			return err
		}
	}
	return nil
}

// PolicyResultOf is the result of one finding: fail for an error, warn
// for a warning or info, skip when an exemption suppressed it; category is
// the rule's first dimension.
func PolicyResultOf(f checks.Finding, category string) PolicyResult {
	res := PolicyResult{
		Source: "meshcheck", Policy: f.Rule, Rule: f.Title, Category: category,
		Scored: true, Message: f.Message, Severity: PolicySeverity(f.Severity),
		Properties: map[string]string{},
	}
	res.Result = "warn"
	if f.Severity == checks.Error {
		res.Result = "fail"
	}
	if f.Suppressed {
		res.Result = "skip"
		res.Properties["suppressed_by"] = f.SuppressedBy
	}
	if f.Object.Kind != "" {
		res.Resources = []model.ObjectRef{f.Object}
	}
	for k, v := range map[string]string{"cluster_id": f.ClusterID, "path": f.Path, "remediation": f.Remediation, "docs": f.Docs} {
		if v != "" {
			res.Properties[k] = v
		}
	}
	return res
}

// PassResult is the result of a rule evaluated without findings: message
// says where.
func PassResult(r checks.Rule, severity checks.Severity, message string) PolicyResult {
	res := PolicyResult{
		Source: "meshcheck", Policy: r.Code, Rule: r.Title, Severity: PolicySeverity(severity),
		Result: "pass", Scored: true, Message: message,
	}
	if len(r.Dimensions) > 0 {
		res.Category = r.Dimensions[0]
	}
	if r.Docs != "" {
		res.Properties = map[string]string{"docs": r.Docs}
	}
	return res
}

// PolicySeverity is the report's severity of a finding's: high for an
// error, medium for a warning, info otherwise.
func PolicySeverity(s checks.Severity) string {
	switch s {
	case checks.Error:
		return "high"
	case checks.Warning:
		return "medium"
	default:
		return "info"
	}
}
