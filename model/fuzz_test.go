package model

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// FuzzBuild feeds arbitrary manifests, split over two clusters, to the model
// builder: it must never panic, and the model must always encode.
func FuzzBuild(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/corpus/*/iop/*/*.yaml")
	more, _ := filepath.Glob("../testdata/mistakes/*/*/*.yaml")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
			f.Add(string(b), "")
		}
	}
	f.Add(primary, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata: {mesh: '{'}\n")
	f.Add("apiVersion: v1\nkind: Secret\nmetadata: {name: cacerts}\ndata: {root-cert.pem: '!!'}\n", "networkGateway: [1]\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		var in []ClusterInput
		for i, text := range []string{a, b} {
			objs, _ := source.Read(strings.NewReader(text), "f.yaml", source.DefaultLimits())
			in = append(in, ClusterInput{Name: []string{"c1", "c2"}[i], Objects: objs})
		}
		fleet, _ := Build(in, Options{Meshes: [][]string{{"c1", "c2"}}})
		if len(fleet.Clusters) != 2 {
			t.Fatalf("clusters = %d", len(fleet.Clusters))
		}
		if _, err := json.Marshal(fleet); err != nil {
			t.Fatalf("model does not encode: %v", err)
		}
	})
}
