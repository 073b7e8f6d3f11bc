package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// appsetLint lints a fleet and returns its findings at error and warning
// level (code severity file:line) and what it lists as not evaluated.
func appsetLint(t *testing.T, root, fleet string) (int, []string, []string) {
	t.Helper()
	code, out, stderr := runCLI(t, root, "", "lint", "--no-config", "-o", "json", "--fleet", fleet)
	var rep struct {
		Findings []struct {
			Rule, Severity, File string
			Line                 int
		}
		Errors       []struct{ Message string }
		NotEvaluated []struct {
			File    string
			Line    int
			Message string
		} `json:"not_evaluated"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	for _, e := range rep.Errors {
		t.Errorf("%s: input error: %s", fleet, e.Message)
	}
	var findings, notes []string
	for _, f := range rep.Findings {
		if f.Severity == "error" || f.Severity == "warning" {
			findings = append(findings, fmt.Sprintf("%s %s %s:%d", f.Rule, f.Severity, f.File, f.Line))
		}
	}
	for _, n := range rep.NotEvaluated {
		notes = append(notes, fmt.Sprintf("%s:%d: %s", n.File, n.Line, n.Message))
	}
	slices.Sort(findings)
	return code, findings, notes
}

// Argo CD ApplicationSets installing Istio into a hub's spokes: each
// generated Application is read as the Application it is, on the fleet
// cluster it deploys to, and a value from a generator parameter points at
// where the parameter is written (the list element, the cluster Secret's
// label); mistakes in them give the findings they cause.
func TestGitOpsApplicationSets(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const listDir = "testdata/gitops/appset-list/"
	const listBad = "testdata/gitops/appset-list-gateway-network/"
	const clusters = "testdata/gitops/appset-clusters/"
	const missing = "testdata/gitops/appset-clusters-missing-label/"
	const patch = "testdata/gitops/appset-template-patch/"
	for _, tc := range []struct {
		fleet    string
		cps, gws map[string]string // cluster: facts of its control plane; network of its gateway
		findings []string
		notes    []string
	}{
		{
			// The list generator, default syntax, helm.values text.
			fleet: listDir,
			cps: map[string]string{
				"uksouth": "uksouth@" + listDir + "uksouth/argocd/istiod.yaml:10 network1@" + listDir + "uksouth/argocd/istiod.yaml:14 mesh1@" + listDir + "uksouth/argocd/istiod.yaml:35",
				"ukwest":  "ukwest@" + listDir + "uksouth/argocd/istiod.yaml:15 network2@" + listDir + "uksouth/argocd/istiod.yaml:19 mesh1@" + listDir + "uksouth/argocd/istiod.yaml:35",
			},
			gws: map[string]string{
				"uksouth": "network1@" + listDir + "uksouth/argocd/eastwest-gateway.yaml:12",
				"ukwest":  "network2@" + listDir + "uksouth/argocd/eastwest-gateway.yaml:15",
			},
		},
		{
			// The gateway's list copied ukwest's network wrong: the finding
			// is at the element's value.
			fleet: listBad,
			cps: map[string]string{
				"uksouth": "uksouth@" + listBad + "uksouth/argocd/istiod.yaml:10 network1@" + listBad + "uksouth/argocd/istiod.yaml:14 mesh1@" + listBad + "uksouth/argocd/istiod.yaml:35",
				"ukwest":  "ukwest@" + listBad + "uksouth/argocd/istiod.yaml:15 network2@" + listBad + "uksouth/argocd/istiod.yaml:19 mesh1@" + listBad + "uksouth/argocd/istiod.yaml:35",
			},
			gws: map[string]string{
				"uksouth": "network1@" + listBad + "uksouth/argocd/eastwest-gateway.yaml:12",
				"ukwest":  "network1@" + listBad + "uksouth/argocd/eastwest-gateway.yaml:15",
			},
			findings: []string{
				"NW003 error " + listBad + "uksouth/argocd/eastwest-gateway.yaml:15",
				"NW007 error " + listBad + "uksouth/argocd/istiod.yaml:19",
			},
		},
		{
			// The clusters generator (merge of clusters generators),
			// goTemplate with missingkey=error, cluster Secrets in Git, value
			// files rendered and read from the repository.
			fleet: clusters + "clusters",
			cps: map[string]string{
				"hub":     "",
				"spoke-1": "spoke-1@" + clusters + "clusters/hub/clusters/spoke-1.yaml:21 network1@" + clusters + "clusters/hub/clusters/spoke-1.yaml:12 mesh1@" + clusters + "environments/default/addons/istiod/values.yaml:4",
				"spoke-2": "spoke-2@" + clusters + "clusters/hub/clusters/spoke-2.yaml:21 network2@" + clusters + "clusters/hub/clusters/spoke-2.yaml:12 mesh1@" + clusters + "environments/default/addons/istiod/values.yaml:4",
			},
			gws: map[string]string{
				"hub":     "",
				"spoke-1": "network1@" + clusters + "clusters/hub/clusters/spoke-1.yaml:12",
				"spoke-2": "network2@" + clusters + "clusters/hub/clusters/spoke-2.yaml:12",
			},
		},
		{
			// spoke-2's Secret lacks the network label: its istiod's and
			// gateway's networks are unknown (Argo CD renders an empty
			// string), listed, and network2 (its namespace's) has no gateway.
			fleet: missing + "clusters",
			cps: map[string]string{
				"hub":     "",
				"spoke-1": "spoke-1@" + missing + "clusters/hub/clusters/spoke-1.yaml:21 network1@" + missing + "clusters/hub/clusters/spoke-1.yaml:12 mesh1@" + missing + "environments/default/addons/istiod/values.yaml:4",
				"spoke-2": "spoke-2@" + missing + "clusters/hub/clusters/spoke-2.yaml:20 <unknown> mesh1@" + missing + "environments/default/addons/istiod/values.yaml:4",
			},
			gws: map[string]string{
				"hub":     "",
				"spoke-1": "network1@" + missing + "clusters/hub/clusters/spoke-1.yaml:12",
				"spoke-2": "",
			},
			findings: []string{"NW007 error " + missing + "clusters/spoke-2/namespace.yaml:6"},
			notes: []string{
				missing + `clusters/hub/bootstrap/addons-istiod-appset.yaml:43: the ApplicationSet's template uses the parameter "metadata.labels.network", which its generators do not give for addon-spoke-2-istiod`,
				missing + `clusters/hub/bootstrap/addons-istio-eastwestgateway-appset.yaml:27: the ApplicationSet's template uses the parameter "metadata.labels.network", which its generators do not give for addon-spoke-2-istio-eastwestgateway`,
			},
		},
		{
			// goTemplate ApplicationSets whose templatePatch sets each
			// cluster's values (valuesObject): a line of the patch that sets
			// one parameter alone points at the list element's value, any
			// other at its line in the patch; the template's helm.values
			// stays where it is.
			fleet: patch,
			cps: map[string]string{
				"uksouth": "uksouth@" + patch + "uksouth/argocd/istiod.yaml:11 network1@" + patch + "uksouth/argocd/istiod.yaml:13 mesh1@" + patch + "uksouth/argocd/istiod.yaml:34",
				"ukwest":  "ukwest@" + patch + "uksouth/argocd/istiod.yaml:15 network2@" + patch + "uksouth/argocd/istiod.yaml:17 mesh1@" + patch + "uksouth/argocd/istiod.yaml:34",
			},
			gws: map[string]string{
				"uksouth": "network1@" + patch + "uksouth/argocd/eastwest-gateway.yaml:46",
				"ukwest":  "network2@" + patch + "uksouth/argocd/eastwest-gateway.yaml:46",
			},
		},
	} {
		t.Run(filepath.Base(strings.TrimSuffix(strings.TrimSuffix(tc.fleet, "clusters"), "/")), func(t *testing.T) {
			model := gitopsClusters(t, root, tc.fleet)
			got := map[string]string{}
			gws := map[string]string{}
			for name, c := range model {
				var cps, nets []string
				for _, cp := range list(c, "control_planes") {
					cps = append(cps, facts(cp))
				}
				for _, gw := range list(c, "network_gateways") {
					nets = append(nets, fact(gw, "network"))
				}
				got[name], gws[name] = strings.Join(cps, "; "), strings.Join(nets, "; ")
			}
			if diff := cmp.Diff(tc.cps, got); diff != "" {
				t.Errorf("control planes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.gws, gws); diff != "" {
				t.Errorf("network gateways (-want +got):\n%s", diff)
			}
			code, findings, notes := appsetLint(t, root, tc.fleet)
			if diff := cmp.Diff(tc.findings, findings); diff != "" {
				t.Errorf("findings at error and warning level (-want +got):\n%s", diff)
			}
			if want := map[bool]int{true: exitClean, false: exitFindings}[len(tc.findings) == 0]; code != want {
				t.Errorf("exit %d, want %d", code, want)
			}
			for _, w := range tc.notes {
				if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, w) }) {
					t.Errorf("not listed: %s\nlisted:\n%s", w, strings.Join(notes, "\n"))
				}
			}
			if len(tc.notes) == 0 && len(notes) > 0 {
				t.Errorf("listed as not evaluated:\n%s", strings.Join(notes, "\n"))
			}
		})
	}
}

// An ApplicationSet's Applications for clusters the fleet does not declare
// are listed, never read as the hub's; without a declared fleet, meshcheck
// refuses to merge the clusters an ApplicationSet names and says how to
// declare them.
func TestGitOpsApplicationSetClustersNotDeclared(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const listDir = "testdata/gitops/appset-list/"
	_, out, _ := runCLI(t, root, "", "lint", "--no-config", "--show-model", "--cluster", "uksouth="+listDir+"uksouth")
	var m struct {
		Clusters map[string]map[string]any `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if cps := list(m.Clusters["uksouth"], "control_planes"); len(cps) != 1 || fact(cps[0], "cluster_name") != "uksouth@"+listDir+"uksouth/argocd/istiod.yaml:10" || len(m.Clusters) != 1 {
		t.Errorf("clusters %v, want uksouth with its own install alone", m.Clusters)
	}
	_, out, _ = runCLI(t, root, "", "lint", "--no-config", "--cluster", "uksouth="+listDir+"uksouth")
	if !strings.Contains(out, listDir+"uksouth/argocd/istiod.yaml:47: an Argo CD Application that deploys to cluster ukwest, which is not a cluster of the fleet") {
		t.Errorf("ukwest's Application is not listed:\n%s", out)
	}
	code, _, stderr := runCLI(t, root, "", "lint", "--no-config", listDir)
	if code != exitError || !strings.Contains(stderr, "cluster names uksouth, ukwest") || !strings.Contains(stderr, "--fleet DIR") {
		t.Errorf("undeclared: exit %d, want %d and the ways to declare the fleet:\n%s", code, exitError, stderr)
	}
}
