package live

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Objects of a snapshot are found in its files, field by field, per
// cluster and API group; what it does not hold is not found.
func TestSnapshotIndexLocates(t *testing.T) {
	obj := func(apiVersion, kind, ns, name string, spec map[string]any) *source.Object {
		md := map[string]any{"name": name}
		if ns != "" {
			md["namespace"] = ns
		}
		return &source.Object{Data: map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md, "spec": spec}}
	}
	eks := "arn:aws:eks:us-east-1:123456789012:cluster/prod"
	results := []Result{
		{Input: model.ClusterInput{Name: eks, Objects: []*source.Object{
			obj("v1", "Namespace", "", "istio-system", nil),
			obj("networking.istio.io/v1", "Gateway", "istio-system", "eastwest", map[string]any{"servers": []any{map[string]any{"port": map[string]any{"number": 15443}}}}),
			obj("gateway.networking.k8s.io/v1", "Gateway", "istio-system", "eastwest", map[string]any{"gatewayClassName": "istio"}),
		}}},
		{Input: model.ClusterInput{Name: "west", Objects: []*source.Object{obj("v1", "Namespace", "", "istio-system", nil)}}},
	}
	dir := filepath.Join(t.TempDir(), "snap")
	if err := WriteSnapshot(dir, results, nil); err != nil {
		t.Fatal(err)
	}
	x, err := IndexSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	istioGW := model.ObjectRef{APIVersion: "networking.istio.io/v1", Kind: "Gateway", Namespace: "istio-system", Name: "eastwest"}
	k8sGW := model.ObjectRef{APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway", Namespace: "istio-system", Name: "eastwest"}
	ns := model.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "istio-system"}
	tests := []struct {
		name, cluster string
		ref           model.ObjectRef
		path          string
		wantLine      string // the line the place is on, trimmed; "" for not found
	}{
		{"field", eks, istioGW, "spec.servers[0].port.number", "number: 15443"},
		{"same kind and name, other group", eks, k8sGW, "spec.gatewayClassName", "gatewayClassName: istio"},
		{"missing field points at its parent", eks, k8sGW, "spec.listeners", "gatewayClassName: istio"},
		{"object", "west", ns, "", "apiVersion: v1"},
		{"no apiVersion, one candidate", "west", model.ObjectRef{Kind: "Namespace", Name: "istio-system"}, "metadata.name", "name: istio-system"},
		{"no apiVersion, two candidates", eks, model.ObjectRef{Kind: "Gateway", Namespace: "istio-system", Name: "eastwest"}, "", ""},
		{"other cluster", "west", istioGW, "", ""},
		{"unknown cluster", "east", ns, "", ""},
		{"no object", eks, model.ObjectRef{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, line, _, ok := x.Locate(tt.cluster, tt.ref, tt.path)
			if tt.wantLine == "" {
				if ok {
					t.Errorf("found at %s:%d, want not found", file, line)
				}
				return
			}
			if !ok {
				t.Fatal("not found")
			}
			if !strings.HasPrefix(file, dir+string(filepath.Separator)) {
				t.Errorf("file %s is not in the snapshot %s", file, dir)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			if line < 1 || line > len(lines) {
				t.Fatalf("line %d out of %s", line, file)
			}
			if got := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[line-1]), "- ")); got != tt.wantLine {
				t.Errorf("%s:%d is %q, want %q", file, line, got, tt.wantLine)
			}
		})
	}
	if _, err := IndexSnapshot(t.TempDir()); err == nil {
		t.Error("a directory without a snapshot indexes without error")
	}
}
