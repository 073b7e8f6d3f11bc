package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/topology"
)

func TestTopologyFormats(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{"text", []string{"Install model: multi-primary with remote clusters on different networks (mesh mesh1)", "Clusters: multiple (3)", "! WARNING NW001"}},
		{"ascii", []string{"+-- network network1 ", "| | edge-1 [remote]", "3: edge-1 ===> us-east  edge-1 is served by us-east"}},
		{"mermaid", []string{"flowchart LR", `subgraph net_network2["network network2"]`, "c_edge_1 ==>|"}},
		{"dot", []string{"digraph fleet {", "subgraph cluster_net_network3", "c_us_east -> c_edge_1"}},
		{"html", []string{"<!DOCTYPE html>", `<svg xmlns="http://www.w3.org/2000/svg" id="topology"`, `data-element="cluster/us-west"`}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, out, errs := runCLI(t, "../..", "", "topology", "--no-config", "--fleet", "examples/fleet", "-o", tt.format)
			if code != exitClean {
				t.Fatalf("exit %d, want %d (findings do not fail topology): %s", code, exitClean, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestTopologyInputsAndErrors(t *testing.T) {
	dir := brokenFleet(t, map[string]string{".meshcheck.yaml": "fleet: fleet\n"})
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout, or in stderr for errors
	}{
		{"default is text", []string{"topology", "--no-config", "--fleet", "fleet"}, exitClean, "Clusters: single (1)"},
		{"config declares the fleet", []string{"topology"}, exitClean, "cluster1: role primary"},
		{"cluster assignment", []string{"topology", "--no-config", "--cluster", "east=fleet/cluster1"}, exitClean, "east: role primary"},
		{"paths", []string{"topology", "--no-config", "fleet/cluster1/istio.yaml"}, exitClean, "network network1"},
		{"unknown format", []string{"topology", "--no-config", "--fleet", "fleet", "-o", "svg"}, exitError, `--output "svg"`},
		{"nothing to show", []string{"topology", "--no-config"}, exitError, "nothing to read"},
		{"bad assignment", []string{"topology", "--no-config", "--cluster", "east"}, exitError, "want NAME=PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, dir, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, errs)
			}
			if !strings.Contains(out+errs, tt.want) {
				t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", tt.want, out, errs)
			}
		})
	}
}

func TestTopologyOutputFile(t *testing.T) {
	dir := brokenFleet(t, nil)
	file := filepath.Join(dir, "fleet.html")
	code, out, errs := runCLI(t, dir, "", "topology", "--no-config", "--fleet", "fleet", "-o", "html", "--output-file", file)
	if code != exitClean || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), "</html>") {
		t.Fatalf("no page written: %v", err)
	}
}

// Topology and lint -o markdown draw remote secrets: the credentials must
// not reach the picture.
func TestTopologyHoldsNoSecretData(t *testing.T) {
	dir := brokenFleet(t, map[string]string{
		"fleet/cluster1/remote-secret.yaml":        remoteSecretWithToken("istio-remote-secret-cluster2", "    token: "+plantedToken+"\n"),
		"fleet/cluster1/remote-secret-broken.yaml": remoteSecretWithToken("istio-remote-secret-broken", "    token: [\""+plantedToken+"\n"),
	})
	var runs [][]string
	for _, f := range topology.Formats() {
		runs = append(runs, []string{"topology", "--fleet", "fleet", "-o", f})
	}
	runs = append(runs, []string{"lint", "--fleet", "fleet", "-o", "markdown", "--show-suppressed"})
	for _, args := range runs {
		_, out, errs := runCLI(t, dir, "", args...)
		for _, secret := range []string{plantedToken, "PLANTED-SECRET", base64.StdEncoding.EncodeToString([]byte(plantedToken))} {
			if strings.Contains(out, secret) || strings.Contains(errs, secret) {
				t.Errorf("%v leaks %q", args, secret)
			}
		}
		// The secrets are really drawn: the link to the unknown cluster2.
		if args[0] == "topology" && !strings.Contains(out, "cluster2") {
			t.Errorf("%v does not show the remote secret's cluster:\n%s", args, out)
		}
	}
}

func TestLintMarkdown(t *testing.T) {
	code, out, errs := runCLI(t, "../..", "", "lint", "--no-config", "--fleet", "examples/fleet", "-o", "markdown")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d: %s", code, exitFindings, errs)
	}
	for _, w := range []string{"## meshcheck lint: 1 error, 2 warnings", "```mermaid\nflowchart LR", "class c_us_west error", "| 🟠 warning | [NW001]("} {
		if !strings.Contains(out, w) {
			t.Errorf("markdown lacks %q:\n%s", w, out)
		}
	}
}

// Topology reads live clusters as audit does, in every format, and draws
// the same fleet as from the example fleet's files.
func TestTopologyLiveInputs(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, nil)
	args := []string{"topology", "--no-config", "--kubeconfig", kc}
	for _, n := range auditFleetNames {
		args = append(args, "--context", n)
	}
	for _, format := range topology.Formats() {
		t.Run(format, func(t *testing.T) {
			code, out, errs := runCLI(t, t.TempDir(), "", append(args, "-o", format)...)
			if code != exitClean {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, c := range auditFleetNames {
				if !strings.Contains(out, c) {
					t.Errorf("live topology does not show %s:\n%s", c, out)
				}
			}
			assertNoSecrets(t, "topology -o "+format, out+errs)
		})
	}
	// The picture of the live fleet names the same clusters, networks and
	// roles as the picture of its files.
	_, live, _ := runCLI(t, t.TempDir(), "", append(args, "-o", "ascii")...)
	_, files, _ := runCLI(t, "", "", "topology", "--no-config", "--fleet", f.scenario, "-o", "ascii")
	for _, line := range strings.Split(files, "\n") {
		if strings.Contains(line, "[primary]") || strings.Contains(line, "[remote]") || strings.HasPrefix(line, "+-- network") {
			if !strings.Contains(live, strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "|+"))) {
				t.Errorf("live picture lacks %q from the files' picture\nlive:\n%s", line, live)
			}
		}
	}
	code, _, errs := runCLI(t, "", "", "topology", "--no-config", "--fleet", f.scenario, "--context", "us-east")
	if code != exitError || !strings.Contains(errs, "not both") {
		t.Errorf("files and live inputs together: exit %d, %s", code, errs)
	}
}
