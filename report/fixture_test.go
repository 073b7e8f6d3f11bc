package report

import (
	"path/filepath"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	goldenfile "github.com/meshcheck/meshcheck/internal/golden"
	"github.com/meshcheck/meshcheck/model"
)

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

// Fixture findings, one per shape a writer must handle. Indexes are used by
// tests that look at one finding's rendering.
const (
	fxFull       = iota // cluster, file, line, column, object
	fxRelated           // related locations, line without column
	fxSuppressed        // suppressed with a reason
	fxNoFile            // live cluster: object only
	fxFileOnly          // file without line
	fxFleet             // no cluster, no file, no object
)

func fixtureFindings() []checks.Finding {
	iop := model.ObjectRef{APIVersion: "install.istio.io/v1alpha1", Kind: "IstioOperator", Namespace: "istio-system", Name: "installed-state"}
	fs := []checks.Finding{
		fxFull: {Rule: "NW001", Severity: checks.Error, Title: "Network label matches values",
			Message:     `istio-system is labelled topology.istio.io/network=net1 but values.global.network is "net2"`,
			Remediation: "Set the namespace label and values.global.network to the same network.",
			Docs:        "https://meshcheck.io/rules/NW001", Cluster: "east", Object: iop,
			Path: "spec.values.global.network", File: "manifests/east/istio.yaml", Line: 12, Column: 7},
		fxRelated: {Rule: "CL002", Severity: checks.Error, Title: "Cluster names are unique",
			Message: `clusterName "east" is also used by cluster west`, Remediation: "Give every cluster its own clusterName.",
			Cluster: "east", Object: iop, File: "manifests/east/istio.yaml", Line: 4,
			Related: []model.Source{
				{Cluster: "west", Object: iop, File: "manifests/west/istio.yaml", Line: 4, Column: 5},
				{Cluster: "west", Object: model.ObjectRef{Kind: "Deployment", Namespace: "istio-system", Name: "istiod"}},
			}},
		fxSuppressed: {Rule: "MS002", Severity: checks.Info, Title: "Mesh ID is explicit",
			Message: "meshID is not set; it defaults to the trust domain", Cluster: "east", Object: iop,
			File: "manifests/east/istio.yaml", Line: 2, Column: 1,
			Suppressed: true, SuppressedBy: "meshcheck.io/exempt=MS002: single mesh, migration tracked in OPS-12"},
		fxNoFile: {Rule: "CP002", Severity: checks.Warning, Title: "Remote cluster runs no istiod",
			Message: "remote cluster runs Deployment istiod for revision default", Remediation: "Delete the local istiod.",
			Cluster: "west", ClusterID: "cluster-west",
			Object: model.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "istio-system", Name: "istiod"}},
		fxFileOnly: {Rule: "NW001", Severity: checks.Error, Title: "Network label matches values",
			Message: "values.global.network is empty", Cluster: "west",
			Object: model.ObjectRef{Kind: "ConfigMap", Namespace: "istio-system", Name: "istio"},
			File:   "manifests/west/values.yaml"},
		fxFleet: {Rule: "MS006", Severity: checks.Error, Title: "Trust domains agree",
			Message:     "trust domains differ: cluster.local (east), corp.example (west)",
			Remediation: "Use one trust domain, or alias each in trustDomainAliases.",
			Related: []model.Source{
				{Cluster: "east", Object: iop, Path: "spec.meshConfig.trustDomain"},
				{Cluster: "west", Object: iop, Path: "spec.meshConfig.trustDomain"},
			}},
	}
	return fs
}

func fixtureRules() []checks.Rule {
	return []checks.Rule{
		{Code: "CL002", Title: "Cluster names are unique", Description: "Every cluster of a mesh needs its own clusterName.",
			Severity: checks.Error, Dimensions: []string{"cluster", "mesh"}, Scope: "fleet",
			Remediation: "Give every cluster its own clusterName.", Docs: "https://meshcheck.io/rules/CL002", Builtin: true},
		{Code: "CP002", Title: "Remote cluster runs no istiod", Severity: checks.Error, Dimensions: []string{"control-plane"},
			Scope: "cluster", Docs: "docs/rules/CP002.md"},
		{Code: "MS002", Title: "Mesh ID is explicit", Severity: checks.Warning, Dimensions: []string{"mesh"}, Scope: "object"},
		{Code: "MS006", Title: "Trust domains agree", Severity: checks.Error, Dimensions: []string{"mesh", "security"}, Scope: "fleet"},
		{Code: "NW001", Title: "Network label matches values", Description: "The namespace label and values.global.network must agree.",
			Severity: checks.Error, Dimensions: []string{"network"}, Scope: "cluster",
			Remediation: "Set both to the same network.", Docs: "https://meshcheck.io/rules/NW001"},
		{Code: "NW004", Title: "Network gateway exposes 15443", Severity: checks.Error, Dimensions: []string{"network"}, Scope: "object"},
	}
}

// fixture is a lint run over three clusters with every finding shape and
// both kinds of input error.
func fixture() Result {
	fs := fixtureFindings()
	checks.Sort(fs)
	return Result{
		Tool: "meshcheck", Version: "v0.1.0-test", Command: "lint",
		Findings: fs, Rules: fixtureRules(), Summary: checks.Summarize(fs, 3, 4),
		Errors: []InputError{
			{File: "manifests/bad.yaml", Line: 3, Column: 9, Message: "yaml: mapping values are not allowed in this context"},
			{Cluster: "north", Message: "list namespaces: Get \"https://10.0.0.1:443/api/v1/namespaces\": dial tcp 10.0.0.1:443: connect: connection refused"},
		},
	}
}

// clean is an audit run that found nothing.
func clean() Result {
	return Result{Tool: "meshcheck", Version: "v0.1.0-test", Command: "audit",
		Rules: fixtureRules(), Summary: checks.Summarize(nil, 2, 0)}
}
