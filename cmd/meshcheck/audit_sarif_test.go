package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
)

// Every result of audit's SARIF has a physical location (GitHub code
// scanning rejects the upload otherwise): without --snapshot the live
// object's artifact, meshcheck-audit/CLUSTER/KIND/NAMESPACE/NAME; with
// --snapshot DIR the file and line where the snapshot holds the object's
// field, the same place lint of the snapshot reports (docs/audit.md).
func TestAuditSARIFPhysicalLocations(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)

	_, out, errs := runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "sarif")...)
	live := checkSARIF(t, out)
	if len(live) == 0 {
		t.Fatalf("the audit fleet gave no SARIF results: %s", errs)
	}
	for _, r := range live {
		pl := r.Locations[0].PhysicalLocation
		want := "meshcheck-audit"
		if r.Properties.Cluster != "" {
			want += "/" + url.PathEscape(r.Properties.Cluster)
		}
		if uri := pl.ArtifactLocation.URI; uri != want && !strings.HasPrefix(uri, want+"/") || pl.Region != nil {
			t.Errorf("%s in %s: artifact %q, region %v; want %s/... without region", r.RuleID, r.Properties.Cluster, uri, pl.Region, want)
		}
	}

	// With a snapshot, a relative DIR as a workflow gives it in its checkout.
	dir := t.TempDir()
	_, js, _ := runCLI(t, dir, "", auditArgs(kc, "-o", "json", "--snapshot", "snap")...)
	audit := decodeAudit(t, js)
	_, ls, _ := runCLI(t, filepath.Join(dir, "snap"), "", "lint", "-o", "json", "--fail-on", "none")
	lint := decodeAudit(t, ls)
	key := func(f checks.Finding) string {
		return fmt.Sprint(f.Rule, f.Cluster, f.Object, f.Path, f.Message)
	}
	lintAt := map[string]string{}
	for _, f := range lint.Findings {
		if f.File != "" {
			lintAt[key(f)] = fmt.Sprintf("%s:%d:%d", filepath.ToSlash(filepath.Join("snap", f.File)), f.Line, f.Column)
		}
	}
	auditAt := map[string]int{} // SARIF artifact and line -> findings there
	for _, f := range audit.Findings {
		if f.File == "" || f.Line == 0 {
			t.Errorf("%s in %s (%s) has no place in the snapshot", f.Rule, f.Cluster, f.Object)
			continue
		}
		at := fmt.Sprintf("%s:%d:%d", filepath.ToSlash(f.File), f.Line, f.Column)
		if want, ok := lintAt[key(f)]; ok && at != want {
			t.Errorf("%s in %s: audit --snapshot places it at %s, lint of the snapshot at %s", f.Rule, f.Cluster, at, want)
		}
		auditAt[fmt.Sprintf("%s:%d", filepath.ToSlash(f.File), f.Line)]++
	}

	_, out, _ = runCLI(t, t.TempDir(), "", auditArgs(kc, "-o", "sarif", "--snapshot", "snap")...)
	placed := checkSARIF(t, out)
	if len(placed) != len(audit.Findings) {
		t.Errorf("%d SARIF results, %d JSON findings", len(placed), len(audit.Findings))
	}
	for _, r := range placed {
		pl := r.Locations[0].PhysicalLocation
		if !strings.HasPrefix(pl.ArtifactLocation.URI, "snap/") || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" || pl.Region == nil {
			t.Errorf("%s in %s: artifact %+v, region %v; want snap/... in %%SRCROOT%% with a region", r.RuleID, r.Properties.Cluster, pl.ArtifactLocation, pl.Region)
			continue
		}
		if at := fmt.Sprintf("%s:%d", pl.ArtifactLocation.URI, pl.Region.StartLine); auditAt[at] == 0 {
			t.Errorf("%s in %s: SARIF places it at %s, where no JSON finding is", r.RuleID, r.Properties.Cluster, at)
		} else {
			auditAt[at]--
		}
	}
	t.Logf("audit SARIF: %d results at live artifacts, %d at snapshot lines (%d of them checked against lint of the snapshot), all valid against the SARIF 2.1.0 schema",
		len(live), len(placed), len(lintAt))
}
