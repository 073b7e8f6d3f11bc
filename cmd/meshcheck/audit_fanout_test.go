package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/live"
)

func targetsNamed(names ...string) []live.Target {
	var out []live.Target
	for _, n := range names {
		out = append(out, live.Target{Name: n})
	}
	return out
}

// crossCluster names the findings that involve another cluster than their
// own: what no single job of a fan-out can find alone.
func crossCluster(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		for _, r := range f.Related {
			if r.Cluster != "" && r.Cluster != f.Cluster {
				out = append(out, f.Cluster+"/"+f.Rule+" (with "+r.Cluster+")")
				break
			}
		}
	}
	return out
}

// lintJoined joins the snapshots below root and lints them, as the gather
// step of docs/audit.md ("Auditing thousands of clusters") does.
func lintJoined(t *testing.T, root string) []checks.Finding {
	t.Helper()
	if code, _, errs := runCLI(t, "", "", "audit", "--join-snapshots", root); code != exitClean {
		t.Fatalf("join: exit %d: %s", code, errs)
	}
	code, out, errs := runCLI(t, "", "", "lint", "--config", filepath.Join(root, config.FileName), "-o", "json")
	if code != exitFindings {
		t.Fatalf("lint of the joined snapshots: exit %d: %s\n%s", code, errs, out)
	}
	r := decodeAudit(t, out)
	if len(r.Errors) > 0 {
		t.Fatalf("lint errors: %+v", r.Errors)
	}
	return r.Findings
}

// The fan-out: three real API servers audited one by one, each into its
// own snapshot (one audit per context, as one job each), then joined and
// linted on one machine, give exactly the findings of one audit of all
// three, cross-cluster findings included. So do shards of the contexts.
func TestAuditFanOutMatchesOneAudit(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	code, out, errs := runCLI(t, "", "", auditArgs(kc, "-o", "json")...)
	if code != exitFindings {
		t.Fatalf("audit of all: exit %d: %s", code, errs)
	}
	whole := decodeAudit(t, out)
	if len(whole.Errors) > 0 {
		t.Fatalf("audit errors: %+v", whole.Errors)
	}
	cross := crossCluster(whole.Findings)
	if len(cross) == 0 {
		t.Fatalf("the fleet has no cross-cluster finding to lose: %v", codes(whole.Findings))
	}
	t.Logf("cross-cluster findings: %v", cross)

	// One job per context, each with its own snapshot directory (as CI
	// artifacts are downloaded: one directory per job, one level down).
	perContext := t.TempDir()
	for _, n := range auditFleetNames {
		code, out, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--context", n,
			"--snapshot", filepath.Join(perContext, "snapshot-"+n, "snap"), "--fail-on", "none", "-o", "json")
		if code != exitClean {
			t.Fatalf("audit of %s: exit %d: %s", n, code, errs)
		}
		if e := decodeAudit(t, out).Errors; len(e) > 0 {
			t.Fatalf("audit of %s: %+v", n, e)
		}
	}
	if d := cmp.Diff(comparable(whole.Findings), comparable(lintJoined(t, perContext))); d != "" {
		t.Errorf("lint of the per-context snapshots differs from one audit (-audit +fan-out):\n%s", d)
	}

	// Shards of one kubeconfig (an Indexed Job's pods), written side by
	// side in one parent: every context in exactly one shard.
	shards := t.TempDir()
	const n = 2
	for i := range n {
		shard := fmt.Sprintf("%d/%d", i, n)
		code, _, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--all-contexts", "--shard", shard,
			"--snapshot", filepath.Join(shards, fmt.Sprint("shard-", i)), "--fail-on", "none", "-o", "json")
		if code != exitClean {
			t.Fatalf("audit of shard %s: exit %d: %s", shard, code, errs)
		}
	}
	cfg, err := config.Load(filepath.Join(shards, "shard-1", config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Clusters) != 1 {
		t.Errorf("shard 1/2 of 3 contexts holds %d clusters, want 1", len(cfg.Clusters))
	}
	if d := cmp.Diff(comparable(whole.Findings), comparable(lintJoined(t, shards))); d != "" {
		t.Errorf("lint of the shards' snapshots differs from one audit (-audit +fan-out):\n%s", d)
	}

	// A shard beyond the contexts audits nothing and still writes a
	// snapshot, so that a gather step counting snapshots sees every job.
	empty := filepath.Join(t.TempDir(), "shard-7")
	if code, _, errs := runCLI(t, "", "", "audit", "--no-config", "--kubeconfig", kc, "--all-contexts", "--shard", "7/8",
		"--snapshot", empty, "--fail-on", "none", "-o", "json"); code != exitClean {
		t.Fatalf("empty shard: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(empty, config.FileName)); err != nil {
		t.Errorf("empty shard wrote no snapshot: %v", err)
	}
}

func TestShardOf(t *testing.T) {
	names := []string{"e", "a", "d", "c", "b"}
	seen := map[string]int{}
	for i := range 3 {
		for _, tg := range shardOf(targetsNamed(names...), i, 3) {
			seen[tg.Name]++
		}
	}
	for _, n := range names {
		if seen[n] != 1 {
			t.Errorf("%s in %d shards", n, seen[n])
		}
	}
	var got []string
	for _, tg := range shardOf(targetsNamed(names...), 1, 3) {
		got = append(got, tg.Name)
	}
	if !slices.Equal(got, []string{"b", "e"}) {
		t.Errorf("shard 1/3 = %v, want [b e] (sorted names, dealt in turn)", got)
	}
}

func TestAuditFanOutUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "2/2"}, "want I/N with 0 <= I < N"},
		{[]string{"--shard", "1"}, "want I/N"},
		{[]string{"--shard", "-1/2"}, "want I/N"},
		{[]string{"--shard", "0/2", "--from-remote-secrets"}, "shards would reach the same peers"},
		{[]string{"--join-snapshots", "x", "--context", "a"}, "give it alone"},
		{[]string{"--join-snapshots", "x", "--snapshot", "y"}, "give it alone"},
	} {
		code, _, errs := runCLI(t, "", "", append([]string{"audit", "--no-config"}, tt.args...)...)
		if code != exitError || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}
