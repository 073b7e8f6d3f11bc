package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// readFleet reads testdata/terraform/<fleet>/<cluster>/*.tf, one cluster
// per directory, as lint does, and returns the model and the notes.
func readFleet(t *testing.T, fleet string) (*model.Fleet, []*source.Error) {
	t.Helper()
	root := filepath.Join("..", "testdata", "terraform", fleet)
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var in []model.ClusterInput
	var all []*source.Error
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, d.Name(), "*.tf"))
		ci := model.ClusterInput{Name: d.Name()}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			objs, errs := Read(f, b, source.Limits{})
			ci.Objects = append(ci.Objects, objs...)
			all = append(all, errs...)
		}
		in = append(in, ci)
	}
	f, merrs := model.Build(in, model.Options{})
	for _, e := range merrs {
		t.Errorf("model: %v", e)
	}
	return f, all
}

func findings(t *testing.T, f *model.Fleet) []checks.Finding {
	t.Helper()
	e, err := checks.New(t.Context(), checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func factString[T any](f *model.Fact[T]) string {
	if f == nil {
		return "<unknown>"
	}
	return fmt.Sprintf("%v@%s:%d", f.Value, filepath.ToSlash(f.Source.File), f.Source.Line)
}

func TestScratchFleet(t *testing.T) {
	f, notes := readFleet(t, os.Getenv("FLEET"))
	for _, n := range notes {
		t.Log("note", n)
	}
	for name, c := range f.Clusters {
		for _, cp := range c.ControlPlanes {
			t.Log(name, factString(cp.ClusterID), factString(cp.Network), factString(cp.MeshID))
		}
		for _, rs := range c.RemoteSecrets {
			t.Logf("%s rs %s %+v", name, rs.Name, rs.Entries)
		}
		t.Logf("%s gws %d cacerts %d", name, len(c.NetworkGateways), len(c.CASecrets))
	}
	fs := findings(t, f)
	for _, x := range fs {
		t.Log(x.Rule, x.Severity, x.Cluster, x.Message, x.File, x.Line)
	}
	_ = slices.Contains[[]string]
	_ = strings.Contains
}
