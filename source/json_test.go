package source

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadJSON(t *testing.T) {
	in := `{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "svc", "labels": {"app.kubernetes.io/name": "x"}},
  "spec": {
	"ports": [
	  {"port": 80, "name": "http", "weight": 0.5}
	]
  }
}
`
	objs, errs := Read(strings.NewReader(in), "svc.json", Limits{})
	if len(errs) != 0 || len(objs) != 1 {
		t.Fatalf("Read: %d objects, errors %v", len(objs), errs)
	}
	o := objs[0]
	if diff := cmp.Diff(Origin{File: "svc.json", Line: 2, Column: 3}, o.Origin); diff != "" {
		t.Errorf("origin (-want +got):\n%s", diff)
	}
	wantData := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "svc", "labels": map[string]any{"app.kubernetes.io/name": "x"}},
		"spec":     map[string]any{"ports": []any{map[string]any{"port": int64(80), "name": "http", "weight": 0.5}}},
	}
	if diff := cmp.Diff(wantData, o.Data); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
	positions := []struct {
		path      string
		line, col int
	}{
		{"spec.ports[0].port", 7, 13},
		{"spec.ports[0].name", 7, 25},
		{`metadata.labels.app\.kubernetes\.io/name`, 4, 68},
		{"spec.ports[0].missing", 7, 4},
	}
	for _, p := range positions {
		if line, col := o.Position(p.path); line != p.line || col != p.col {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", p.path, line, col, p.line, p.col)
		}
	}
}

func TestReadJSONArrayAndList(t *testing.T) {
	in := `[{"kind": "Pod"}]`
	if objs, errs := Read(strings.NewReader(in), "a.json", Limits{}); len(objs) != 0 || len(errs) != 0 {
		t.Errorf("top-level array: got %d objects, %v", len(objs), errs)
	}
	in = `{"apiVersion": "v1", "kind": "List", "items": [
  {"kind": "Pod", "metadata": {"name": "p1"}},
  {"kind": "Pod", "metadata": {"name": "p2"}}]}`
	objs, errs := Read(strings.NewReader(in), "l.json", Limits{})
	want := summary{Objects: []string{"p1@2:4#0", "p2@3:4#0"}}
	if diff := cmp.Diff(want, summarize(objs, errs)); diff != "" {
		t.Errorf("JSON List (-want +got):\n%s", diff)
	}
}
