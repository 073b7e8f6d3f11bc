package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// realExpect is a fleet's EXPECT file under testdata/real: what linting it
// must give and what the model must hold, as the fleet's source sets it.
type realExpect struct {
	// Result is "clean" (no error or warning finding, no input error) or
	// "findings" (exactly Findings at error and warning level).
	Result   string `json:"result"`
	Findings []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
	} `json:"findings"`
	// Reader names a form meshcheck must read for this fleet to be
	// understood (terraform, kustomize, flux-substitute); informative.
	Reader   string                     `json:"reader"`
	Clusters map[string]realClusterWant `json:"clusters"`
}

// realClusterWant is what the model must say of one cluster. An empty ID or
// network means the model must not know one (the source does not set it).
type realClusterWant struct {
	ID              string `json:"id"`
	Network         string `json:"network"`
	Role            string `json:"role"`
	ControlPlanes   int    `json:"control_planes"`
	NetworkGateways int    `json:"network_gateways"`
	RemoteSecrets   int    `json:"remote_secrets"`
	CASecrets       int    `json:"ca_secrets"`
}

// realFleets lists testdata/real/*/EXPECT from the repository root.
func realFleets(t *testing.T, root string) []string {
	t.Helper()
	expects, err := filepath.Glob(filepath.Join(root, "testdata/real/*/EXPECT"))
	if err != nil {
		t.Fatal(err)
	}
	var fleets []string
	for _, e := range expects {
		rel, _ := filepath.Rel(root, filepath.Dir(e))
		fleets = append(fleets, rel)
	}
	return fleets
}

// realModel is what the test reads of the model and the report.
type realModel struct {
	Clusters map[string]struct {
		ID      *struct{ Value string } `json:"id"`
		Network *struct{ Value string } `json:"network"`
		Role    string                  `json:"role"`
	} `json:"clusters"`
}

type realReport struct {
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Cluster  string `json:"cluster"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Message  string `json:"message"`
	} `json:"findings"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Coverage struct {
		Clusters []struct {
			Name            string `json:"name"`
			ControlPlanes   int    `json:"control_planes"`
			NetworkGateways int    `json:"network_gateways"`
			RemoteSecrets   int    `json:"remote_secrets"`
			CASecrets       int    `json:"ca_secrets"`
		} `json:"clusters"`
	} `json:"coverage"`
}

// Every fleet of testdata/real (modelled on a public repository, see its
// SOURCE) lints as its EXPECT says, and the model holds the clusters,
// networks, control planes, gateways, remote secrets and CA material the
// source sets: a fleet that is silently not understood fails here.
func TestRealFleets(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fleets := realFleets(t, root)
	if len(fleets) < 10 {
		t.Fatalf("found %d fleets under testdata/real; the test data moved", len(fleets))
	}
	for _, fleet := range fleets {
		t.Run(filepath.Base(fleet), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(root, fleet, "EXPECT"))
			if err != nil {
				t.Fatal(err)
			}
			var want realExpect
			if err := yaml.UnmarshalStrict(raw, &want); err != nil {
				t.Fatalf("EXPECT: %v", err)
			}
			if _, err := os.Stat(filepath.Join(root, fleet, "SOURCE")); err != nil {
				t.Errorf("no SOURCE note: %v", err)
			}
			if len(want.Clusters) == 0 {
				t.Fatal("EXPECT names no cluster: the model would not be checked")
			}

			_, out, stderr := runCLI(t, root, "", "lint", "--no-config", "-o", "json", "--fleet", fleet)
			var rep realReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			for _, e := range rep.Errors {
				t.Errorf("input error: %s:%d: %s", e.File, e.Line, e.Message)
			}
			var got []string
			var detail []string
			for _, f := range rep.Findings {
				if f.Severity != "error" && f.Severity != "warning" {
					continue
				}
				got = append(got, f.Rule+" "+f.Severity)
				detail = append(detail, fmt.Sprintf("%s %s %s %s:%d %s", f.Rule, f.Severity, f.Cluster, f.File, f.Line, f.Message))
			}
			var wantCodes []string
			for _, f := range want.Findings {
				wantCodes = append(wantCodes, f.Code+" "+f.Severity)
			}
			switch want.Result {
			case "clean":
				if len(want.Findings) != 0 {
					t.Fatal("EXPECT: a clean fleet lists findings")
				}
			case "findings":
				if len(want.Findings) == 0 {
					t.Fatal("EXPECT: result findings lists none")
				}
			default:
				t.Fatalf("EXPECT: result %q, want clean or findings", want.Result)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			slices.Sort(wantCodes)
			if !slices.Equal(got, wantCodes) {
				t.Errorf("findings at error and warning level:\n%s\nwant codes %v", strings.Join(detail, "\n"), wantCodes)
			}

			_, modelOut, stderr := runCLI(t, root, "", "lint", "--no-config", "--show-model", "--fleet", fleet)
			var m realModel
			if err := json.Unmarshal([]byte(modelOut), &m); err != nil {
				t.Fatalf("--show-model: %v: %s", err, stderr)
			}
			coverage := map[string]realClusterWant{}
			for _, c := range rep.Coverage.Clusters {
				coverage[c.Name] = realClusterWant{ControlPlanes: c.ControlPlanes, NetworkGateways: c.NetworkGateways, RemoteSecrets: c.RemoteSecrets, CASecrets: c.CASecrets}
			}
			var names []string
			for name := range m.Clusters {
				names = append(names, name)
			}
			slices.Sort(names)
			var wantNames []string
			for name := range want.Clusters {
				wantNames = append(wantNames, name)
			}
			slices.Sort(wantNames)
			if !slices.Equal(names, wantNames) {
				t.Errorf("model clusters %v, want %v", names, wantNames)
			}
			for name, w := range want.Clusters {
				c, ok := m.Clusters[name]
				if !ok {
					continue
				}
				g := coverage[name]
				if c.ID != nil {
					g.ID = c.ID.Value
				}
				if c.Network != nil {
					g.Network = c.Network.Value
				}
				g.Role = c.Role
				if w.Role == "" {
					g.Role = ""
				}
				if g != w {
					t.Errorf("cluster %s: model %+v, want %+v", name, g, w)
				}
			}
		})
	}
}
