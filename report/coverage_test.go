package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/model"
)

func coverageFleet() *model.Fleet {
	return &model.Fleet{Clusters: map[string]*model.Cluster{
		"east": {
			ControlPlanes:   []*model.ControlPlane{{}},
			NetworkGateways: []*model.NetworkGateway{{}},
			RemoteSecrets:   []*model.RemoteSecret{{}, {}},
			CASecrets:       []*model.CASecret{{}},
		},
		"edge": {},
	}}
}

// Text ends with what was understood; a clean run over inputs that were
// not read says so.
func TestTextEndsWithCoverage(t *testing.T) {
	var b bytes.Buffer
	r := Result{Fleet: coverageFleet(), NotEvaluated: []InputError{{File: "chart/templates/a.yaml", Message: "a Helm chart template"}}}
	if err := writeText(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := "understood: 1 control plane, 1 network gateway, 2 remote secrets, 1 CA secret in 2 clusters; 1 input not evaluated"
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
}

func TestJSONCarriesCoverage(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, Result{Fleet: coverageFleet()}, Options{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Coverage Coverage `json:"coverage"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Coverage
	if len(c.Clusters) != 2 || c.Clusters[0].Name != "east" || c.Clusters[0].RemoteSecrets != 2 || c.Clusters[1].Name != "edge" || c.Clusters[1].ControlPlanes != 0 {
		t.Errorf("coverage = %+v", c)
	}
}
