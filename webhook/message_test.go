package webhook

import "testing"

func TestEqualIgnoringMetaSkipsOnlyWhatEveryWriteChanges(t *testing.T) {
	obj := func(meta map[string]any, spec any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}
	}
	base := func() map[string]any {
		return obj(map[string]any{"name": "eastwest", "labels": map[string]any{"topology.istio.io/network": "n1"}, "resourceVersion": "1"}, map[string]any{"type": "LoadBalancer"})
	}
	tests := []struct {
		name   string
		change func(map[string]any)
		equal  bool
	}{
		{"same", func(map[string]any) {}, true},
		{"resourceVersion, generation and managed fields", func(o map[string]any) {
			md := o["metadata"].(map[string]any)
			md["resourceVersion"], md["generation"], md["managedFields"] = "2", int64(3), []any{"x"}
		}, true},
		{"a label", func(o map[string]any) {
			o["metadata"].(map[string]any)["labels"] = map[string]any{"topology.istio.io/network": "n2"}
		}, false},
		{"an added annotation", func(o map[string]any) {
			o["metadata"].(map[string]any)["annotations"] = map[string]any{"a": "b"}
		}, false},
		{"a removed name", func(o map[string]any) { delete(o["metadata"].(map[string]any), "name") }, false},
		{"the spec", func(o map[string]any) { o["spec"] = map[string]any{"type": "ClusterIP"} }, false},
		{"a new top-level field", func(o map[string]any) { o["status"] = map[string]any{} }, false},
		{"metadata that is not a map", func(o map[string]any) { o["metadata"] = "x" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := base()
			tt.change(changed)
			if got := equalIgnoringMeta(base(), changed); got != tt.equal {
				t.Errorf("equalIgnoringMeta = %v, want %v", got, tt.equal)
			}
			if got := equalIgnoringMeta(changed, base()); got != tt.equal {
				t.Errorf("equalIgnoringMeta, reversed = %v, want %v", got, tt.equal)
			}
		})
	}
}
