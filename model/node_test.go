package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPodCIDRsFromNodes(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       any
		file       string // source of the first Node that gave a range
		line       int
	}{
		{"no Node is unknown", primary, "<unknown>", "", 0},
		{"Nodes without ranges are unknown", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {providerID: aws:///i-1}\n", "<unknown>", "", 0},
		{"podCIDRs over podCIDR, sorted and deduplicated", `apiVersion: v1
kind: Node
metadata: {name: n2}
spec:
  podCIDR: 10.244.2.0/24
  podCIDRs: [10.244.2.0/24, "fd00:10:244:2::/64"]
---
apiVersion: v1
kind: Node
metadata: {name: n1}
spec:
  podCIDR: 10.244.1.0/24
---
apiVersion: v1
kind: Node
metadata: {name: n3}
spec:
  podCIDRs: [10.244.1.0/24, not-a-cidr]
`, []string{"10.244.1.0/24", "10.244.2.0/24", "fd00:10:244:2::/64"}, "c.yaml", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, map[string]string{"c": tt.yaml}).Clusters["c"]
			if diff := cmp.Diff(tt.want, value(c.PodCIDRs)); diff != "" {
				t.Errorf("pod_cidrs (-want +got):\n%s", diff)
			}
			if c.PodCIDRs == nil {
				return
			}
			if s := c.PodCIDRs.Source; s.File != tt.file || s.Line != tt.line || s.Object.Name != "n2" {
				t.Errorf("source = %+v, want %s:%d of n2", s, tt.file, tt.line)
			}
		})
	}
}
