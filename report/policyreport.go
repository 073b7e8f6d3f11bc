package report

import (
	"fmt"
	"io"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
)

// PolicyReports follow the wg-policy format (wgpolicyk8s.io/v1alpha2), which
// Policy Reporter and the OpenReports tools read.
const (
	policyReportAPIVersion = "wgpolicyk8s.io/v1alpha2"
	policyReportName       = "meshcheck-audit"
	policyReportNamespace  = "istio-system"
)

type policyReport struct {
	APIVersion string              `json:"apiVersion"`
	Kind       string              `json:"kind"`
	Metadata   policyReportMeta    `json:"metadata"`
	Summary    policyReportSummary `json:"summary"`
	Results    []policyResult      `json:"results"`
}

type policyReportMeta struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

type policyReportSummary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

type policyResult struct {
	Source     string             `json:"source"`
	Policy     string             `json:"policy"`
	Rule       string             `json:"rule"`
	Category   string             `json:"category,omitempty"`
	Severity   string             `json:"severity"`
	Result     string             `json:"result"`
	Scored     bool               `json:"scored"`
	Message    string             `json:"message"`
	Resources  []checks.ObjectRef `json:"resources,omitempty"`
	Properties map[string]string  `json:"properties,omitempty"`
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
			APIVersion: policyReportAPIVersion, Kind: "PolicyReport",
			Metadata: policyReportMeta{
				Name: policyReportName, Namespace: policyReportNamespace,
				Labels:      map[string]string{"app.kubernetes.io/managed-by": r.Tool},
				Annotations: map[string]string{"meshcheck.io/cluster": c, "meshcheck.io/version": r.Version},
			},
			Results: []policyResult{},
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
				rep.Results = append(rep.Results, policyResult{
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
			res := policyResultOf(f, category[f.Rule])
			rep.Results = append(rep.Results, res)
			switch res.Result {
			case "fail":
				rep.Summary.Fail++
			case "warn":
				rep.Summary.Warn++
			case "skip":
				rep.Summary.Skip++
			}
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

func policyResultOf(f checks.Finding, category string) policyResult {
	res := policyResult{
		Source: "meshcheck", Policy: f.Rule, Rule: f.Title, Category: category,
		Scored: true, Message: f.Message,
		Properties: map[string]string{},
	}
	switch f.Severity {
	case checks.Error:
		res.Severity, res.Result = "high", "fail"
	case checks.Warning:
		res.Severity, res.Result = "medium", "warn"
	default:
		res.Severity, res.Result = "info", "warn"
	}
	if f.Suppressed {
		res.Result = "skip"
		res.Properties["suppressed_by"] = f.SuppressedBy
	}
	if f.Object.Kind != "" {
		res.Resources = []checks.ObjectRef{f.Object}
	}
	for k, v := range map[string]string{"cluster_id": f.ClusterID, "path": f.Path, "remediation": f.Remediation, "docs": f.Docs} {
		if v != "" {
			res.Properties[k] = v
		}
	}
	return res
}
