package model

import "testing"

func TestLookupWalksDotPaths(t *testing.T) {
	m := map[string]any{
		"metadata": map[string]any{
			"annotations": map[string]any{"topology.istio.io/controlPlaneClusters": "east"},
			"name":        "istio-system",
			"":            map[string]any{"": "empty keys"},
		},
		"spec": "not a map",
	}
	tests := []struct {
		path string
		want any
	}{
		{"metadata.name", "istio-system"},
		{`metadata.annotations.topology\.istio\.io/controlPlaneClusters`, "east"},
		{"metadata.annotations.topology.istio.io/controlPlaneClusters", nil},
		{"metadata..", "empty keys"},
		{"metadata.missing.name", nil},
		{"spec.ports", nil},
		{"metadata.name.more", nil},
	}
	for _, tt := range tests {
		if got := lookup(m, tt.path); got != tt.want {
			t.Errorf("lookup(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if got, ok := lookup(m, "").(map[string]any); !ok || len(got) != 2 {
		t.Errorf(`lookup("") = %v, want the whole map`, got)
	}
}

func TestLookupAllocatesNothingWithoutEscapes(t *testing.T) {
	m := map[string]any{"spec": map[string]any{"values": map[string]any{"global": map[string]any{"network": "n1"}}}}
	if n := testing.AllocsPerRun(100, func() { lookup(m, "spec.values.global.network") }); n != 0 {
		t.Errorf("lookup allocated %v times", n)
	}
}
