package model

import (
	"net/netip"
	"slices"

	"github.com/meshcheck/meshcheck/source"
)

// addPodCIDRs adds a Node's pod ranges (spec.podCIDRs, else the older
// spec.podCIDR) to the cluster's pod_cidrs, kept sorted and deduplicated.
// The fact's source is the first Node that gave a range; values that are
// not CIDRs are ignored, so rules can compare what remains.
func addPodCIDRs(c *Cluster, obj *source.Object, cluster string) {
	path := "spec.podCIDRs"
	cidrs := stringList(lookup(obj.Data, path))
	if len(cidrs) == 0 {
		path = "spec.podCIDR"
		if s, ok := lookup(obj.Data, path).(string); ok {
			cidrs = []string{s}
		}
	}
	for _, s := range cidrs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			continue
		}
		s = p.Masked().String()
		if c.PodCIDRs == nil {
			c.PodCIDRs = &Fact[[]string]{Value: []string{}, Source: sourceAt(obj, cluster, path, false)}
		}
		if i, found := slices.BinarySearch(c.PodCIDRs.Value, s); !found {
			c.PodCIDRs.Value = slices.Insert(c.PodCIDRs.Value, i, s)
		}
	}
}
