package topology_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
	"github.com/meshcheck/meshcheck/topology"
)

// Every official install model is named in Istio's words, whatever the form.
func TestInstallModels(t *testing.T) {
	want := map[string]string{
		"multi-primary":                "multi-primary on the same network",
		"multi-primary-multi-network":  "multi-primary on different networks",
		"primary-remote":               "primary-remote on the same network",
		"primary-remote-multi-network": "primary-remote on different networks",
		"external-control-plane":       "external control plane on different networks",
		"multiple-control-planes":      "multiple control planes in one cluster",
		"ambient-multi-network":        "ambient multi-primary on different networks",
	}
	dirs, err := filepath.Glob("../testdata/corpus/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if !isDir(dir) {
			continue
		}
		model := filepath.Base(filepath.Dir(dir))
		t.Run(model+"/"+filepath.Base(dir), func(t *testing.T) {
			w, ok := want[model]
			if model+"/"+filepath.Base(dir) == "external-control-plane/sail" {
				w = "external control plane on the same network" // Sail's example keeps both on network1
			}
			if !ok {
				t.Fatalf("no expected install model for corpus %s", model)
			}
			v := view(t, dir)
			if len(v.Meshes) != 1 || v.Meshes[0].Model != w {
				var got []string
				for _, m := range v.Meshes {
					got = append(got, m.Model)
				}
				t.Errorf("install model %q, want %q", got, w)
			}
			if fs := v.AllFindings(); len(fs) > 0 {
				t.Errorf("corpus fleet shows findings: %+v", fs)
			}
		})
	}
}

// What the inputs do not show is shown as unknown, not guessed.
func TestUnknownFacts(t *testing.T) {
	ns := &source.Object{Data: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "istio-system"}}}
	fleet, errs := model.Build([]model.ClusterInput{{Name: "lonely", Objects: []*source.Object{ns}}}, model.Options{})
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	v := topology.Build(fleet, nil, nil)
	c := v.Cluster("lonely")
	if c == nil {
		t.Fatal("cluster missing")
	}
	got := []string{c.Role, c.ClusterID, c.Network, v.Networks[0].Name, v.Meshes[0].MeshID, strings.Join(v.Meshes[0].Roots, ",")}
	if diff := cmp.Diff([]string{"unknown", "unknown", "unknown", "unknown", "unknown", "unknown"}, got); diff != "" {
		t.Errorf("unknown facts (-want +got):\n%s", diff)
	}
	if m := v.Meshes[0].Model; m != "single cluster, control plane unknown" {
		t.Errorf("install model %q", m)
	}
}

// Findings are pinned to the element they concern.
func TestFindingsAttach(t *testing.T) {
	tests := []struct {
		fleet, rule, element string
	}{
		{"mistake-05-remote-secret-name-differs-from-injection-path", "CL007", "link/remote-secret/cluster1/remote"},
		{"mistake-03-eastwest-gateway-missing", "NW007", "network/network2"},
		{"example-fleet", "NW001", "cluster/us-west"},
		{"example-fleet", "MS006", "cp/us-west/istio-system/default"},
		{"example-fleet", "CP007", "cp/edge-1/istio-system/default"},
	}
	for _, tt := range tests {
		t.Run(tt.fleet+"/"+tt.rule, func(t *testing.T) {
			v := view(t, fleets(t)[tt.fleet])
			var got []string
			for _, f := range v.AllFindings() {
				if f.Rule == tt.rule {
					got = append(got, f.Element)
				}
			}
			if diff := cmp.Diff([]string{tt.element}, got); diff != "" {
				t.Errorf("%s pinned to (-want +got):\n%s", tt.rule, diff)
			}
		})
	}
}

// Suppressed findings stay off the picture.
func TestSuppressedFindingsNotDrawn(t *testing.T) {
	v := view(t, "../examples/fleet")
	n := len(v.AllFindings())
	fleet, _ := model.Build(nil, model.Options{})
	v2 := topology.Build(fleet, []checks.Finding{{Rule: "X", Severity: checks.Error, Suppressed: true}}, nil)
	if len(v2.AllFindings()) != 0 || n != 3 {
		t.Errorf("drawn %d suppressed, %d example findings (want 0, 3)", len(v2.AllFindings()), n)
	}
}
