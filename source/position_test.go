package source

import (
	"fmt"
	"strings"
	"testing"
)

const gateway = `# east-west gateway of cluster1
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: cross-network-gateway
  namespace: istio-system
  labels:
    topology.istio.io/network: network1
spec:
  selector:
    istio: eastwestgateway
  servers:
  - port:
      number: 15443
      name: tls
      protocol: TLS
    tls:
      mode: AUTO_PASSTHROUGH
    hosts:
    - "*.local"
`

func TestPosition(t *testing.T) {
	// The same object after another document: positions are file lines.
	in := "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n---\n" + gateway
	objs, errs := Read(strings.NewReader(in), "gw.yaml", Limits{})
	if len(errs) != 0 || len(objs) != 2 {
		t.Fatalf("Read: %d objects, errors %v", len(objs), errs)
	}
	o := objs[1]
	const off = 4 // lines before the gateway document
	tests := []struct {
		path      string
		line, col int
	}{
		{"", 2 + off, 1},
		{"metadata.name", 5 + off, 9},
		{`metadata.labels.topology\.istio\.io/network`, 8 + off, 32},
		{PathJoin("metadata", "labels", "topology.istio.io/network"), 8 + off, 32},
		{"spec.servers", 13 + off, 3},
		{"spec.servers[0]", 13 + off, 5},
		{"spec.servers[0].port.number", 14 + off, 15},
		{"spec.servers[0].tls.mode", 18 + off, 13},
		{"spec.servers[0].hosts[0]", 20 + off, 7},
		// Missing fields point at the closest ancestor that exists.
		{"spec.servers[0].tls.credentialName", 18 + off, 7},
		{"spec.servers[3].tls", 13 + off, 3},
		{"spec.servers.tls", 13 + off, 3},
		{"metadata.labels.topology.istio.io/network", 8 + off, 5},
		{"spec.selector[0]", 11 + off, 5},
		{"status.conditions", 2 + off, 1},
	}
	for _, tt := range tests {
		if line, col := o.Position(tt.path); line != tt.line || col != tt.col {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", tt.path, line, col, tt.line, tt.col)
		}
	}
}

func TestPositionAliasesAndMerges(t *testing.T) {
	in := `defaults: &defaults
  network: net1
  meshID: mesh1
extra: &extra
  network: ignored
  clusterName: c1
global:
  <<: [*defaults, *extra]
  meshID: override
copy: *defaults
`
	objs, errs := Read(strings.NewReader(in), "values.yaml", Limits{})
	if len(errs) != 0 || len(objs) != 1 {
		t.Fatalf("Read: %d objects, errors %v", len(objs), errs)
	}
	o := objs[0]
	tests := []struct {
		path      string
		line, col int
	}{
		{"global.meshID", 9, 11},      // explicit key beats merged ones
		{"global.network", 2, 12},     // earlier merge source wins
		{"global.clusterName", 6, 16}, // later source fills the gap
		{"global.missing", 8, 3},      // the mapping starts at its merge key
		{"copy", 10, 7},               // the alias itself
		{"copy.meshID", 3, 11},        // through the alias, into the anchor
	}
	for _, tt := range tests {
		if line, col := o.Position(tt.path); line != tt.line || col != tt.col {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", tt.path, line, col, tt.line, tt.col)
		}
	}
}

func TestPositionWithoutNode(t *testing.T) {
	o := &Object{Data: map[string]any{"kind": "Pod"}}
	if line, col := o.Position("kind"); line != 0 || col != 0 {
		t.Errorf("Position on a built object = %d:%d, want 0:0", line, col)
	}
}

// Objects of a large document keep its text, not its node tree: the tree
// is parsed again only when a field other than the object's start or name
// is located. A small document keeps the tree it was read from, which costs
// less to hold than to parse again.
func TestTreeIsParsedOnDemand(t *testing.T) {
	var big strings.Builder
	for i := range keptTreeNodes {
		fmt.Fprintf(&big, "    k%d: v\n", i)
	}
	objs, errs := Read(strings.NewReader("---\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n"+big.String()+
		"---\nkind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: b}\n  data:\n"+big.String()+
		"---\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n"), "f.yaml", Limits{})
	if len(errs) > 0 || len(objs) != 3 {
		t.Fatalf("objects %d, errors %v", len(objs), errs)
	}
	a, b, small := objs[0], objs[1], objs[2]
	if a.doc.root != nil || b.doc.root != nil {
		t.Fatal("no tree of a large document should be held after reading")
	}
	if small.doc.root == nil {
		t.Error("a small document should keep its tree")
	}
	if l, c := a.Position("metadata.name"); l != 4 || c != 9 {
		t.Errorf("a metadata.name at %d:%d, want 4:9", l, c)
	}
	bStart := 5 + keptTreeNodes + 4
	if l, c := b.Position(""); l != bStart || c != 3 {
		t.Errorf("b at %d:%d, want %d:3", l, c, bStart)
	}
	if a.doc.root != nil || b.doc.root != nil {
		t.Error("locating an object's start or name should not parse its tree")
	}
	if l, c := b.Position("data.k1"); l != bStart+4 || c != 9 {
		t.Errorf("b data.k1 at %d:%d, want %d:9", l, c, bStart+4)
	}
	if b.doc.root == nil || a.doc.root != nil {
		t.Error("only b's document should have been parsed again")
	}
	if l, c := small.Position("stringData.k"); l != 2*keptTreeNodes+15 || c != 17 {
		t.Errorf("small stringData.k at %d:%d, want %d:17", l, c, 2*keptTreeNodes+15)
	}
}
