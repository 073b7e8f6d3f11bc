package source

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
)

func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		gateway,
		billionLaughs(),
		"apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n---\n" +
			"apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      <<: &g {meshID: m}\n      network: n\n",
		`{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}}`,
		"a: 1\n---\nb: [\n---\n...\n%YAML 1.1\n--- |\n  x\n",
		"a: &a {b: *a}\n? [x]\n: 1\n1: !!int 0x1F\n",
	} {
		f.Add([]byte(seed))
	}
	lim := Limits{MaxFileBytes: 1 << 20, MaxNodes: 20_000, MaxDepth: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, errs := Read(bytes.NewReader(data), "fuzz.yaml", lim)
		for _, e := range errs {
			if e.File != "fuzz.yaml" || e.Err == nil {
				t.Fatalf("error without file or cause: %#v", e)
			}
		}
		for _, o := range objs {
			if o.Data == nil {
				t.Fatal("object with nil Data")
			}
			if o.Origin.Line < 1 || o.Origin.Column < 1 {
				t.Fatalf("object at %d:%d", o.Origin.Line, o.Origin.Column)
			}
			if _, err := json.Marshal(o.Data); err != nil {
				t.Fatalf("Data is not JSON-compatible: %v", err)
			}
			_, _, _, _ = o.Kind(), o.Name(), o.Labels(), o.Annotations()
			checkPaths(t, o, "", o.Data, new(int))
		}
	})
}

// checkPaths asserts that every path built from Data with PathJoin and [N]
// is found by Get and located by Position, visiting at most 200 values.
func checkPaths(t *testing.T, o *Object, path string, v any, budget *int) {
	if *budget++; *budget > 200 {
		return
	}
	if _, ok := o.Get(path); !ok {
		t.Fatalf("Get(%q) found nothing", path)
	}
	if line, col := o.Position(path); line < 1 || col < 1 {
		t.Fatalf("Position(%q) = %d:%d", path, line, col)
	}
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := PathJoin(k)
			if path != "" {
				p = path + "." + p
			}
			if path == "" && k == "" {
				continue // a lone empty key is the root path
			}
			checkPaths(t, o, p, child, budget)
		}
	case []any:
		for i, child := range v {
			checkPaths(t, o, path+"["+strconv.Itoa(i)+"]", child, budget)
		}
	}
}
