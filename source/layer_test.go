package source

import (
	"fmt"
	"strings"
	"testing"
)

// A field a layer holds with the object's value is located in the layer;
// one it holds with another value (overridden later) or not at all, in the
// object's own file; Part keeps the layers.
func TestLocateLayers(t *testing.T) {
	read := func(file, text string) *Object {
		objs, errs := Read(strings.NewReader(text), file, DefaultLimits())
		if len(errs) > 0 || len(objs) != 1 {
			t.Fatalf("%s: %v", file, errs)
		}
		return objs[0]
	}
	base := read("base.yaml", "kind: HelmRelease\nspec:\n  values:\n    global:\n      meshID: mesh1\n      network: network1\n")
	patch := read("patch.yaml", "kind: HelmRelease\nspec:\n  values:\n    global:\n      network: network2\n")
	stale := read("stale.yaml", "kind: HelmRelease\nspec:\n  values:\n    global:\n      meshID: other\n")
	rendered := *base
	rendered.Data = map[string]any{"kind": "HelmRelease", "spec": map[string]any{"values": map[string]any{"global": map[string]any{"meshID": "mesh1", "network": "network2"}}}}
	o := rendered.WithLayers(stale, patch)
	for path, want := range map[string]string{
		"spec.values.global.network": "patch.yaml:5",
		"spec.values.global.meshID":  "base.yaml:5",
		"spec.values.global":         "base.yaml:5",
	} {
		f, l, _ := o.Locate(path)
		if got := fmt.Sprintf("%s:%d", f, l); got != want {
			t.Errorf("%s at %s, want %s", path, got, want)
		}
	}
	f, l, _ := o.Part("spec.values").Locate("global.network")
	if got := fmt.Sprintf("%s:%d", f, l); got != "patch.yaml:5" {
		t.Errorf("Part: network at %s", got)
	}
}
