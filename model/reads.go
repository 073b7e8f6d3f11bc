package model

import (
	"maps"
	"slices"

	"github.com/meshcheck/meshcheck/source"
)

// Reads are what Build derives from each object on its own, read once for
// objects that many builds share. The webhook builds its cluster as it is
// and as each request would leave it: with the cluster's objects read once
// per cache generation, a request's build reads only the object it
// changes, and the records of the others are the same in both models, so
// that comparing them (checks.Reviewer) skips them.
//
// The objects must not change while their reads are in use. Build never
// modifies the records it takes from Reads.
type Reads struct {
	cluster string
	objs    map[*source.Object]*objectReads
	// planes are the control planes merged from the objects' contributions,
	// by system namespace and revision: a build whose group of
	// contributions is the same takes the same control plane.
	planes map[[2]string]plane
}

type plane struct {
	group []*contribution
	cp    *ControlPlane
	notes []*Error
}

// objectReads is what one object adds to its cluster's model.
type objectReads struct {
	raw RawObject
	// records holds what readObject added to an empty cluster.
	records *Cluster
	contrib *contribution
	errs    []*Error
}

// ReadObjects reads objs as objects of the cluster named cluster.
func ReadObjects(cluster string, objs []*source.Object) *Reads {
	r := &Reads{cluster: cluster, objs: make(map[*source.Object]*objectReads, len(objs)), planes: map[[2]string]plane{}}
	var contribs []*contribution
	for _, obj := range objs {
		if obj.Kind() == "Node" {
			continue // its pod CIDRs merge with the other Nodes'
		}
		o := readAlone(obj, cluster)
		if o.contrib != nil {
			contribs = append(contribs, o.contrib)
		}
		r.objs[obj] = o
	}
	for k, g := range groups(contribs) {
		cp, notes := mergeControlPlane(k[0], k[1], g)
		r.planes[k] = plane{group: g, cp: cp, notes: notes}
	}
	return r
}

// of returns obj's reads for cluster, or nil.
func (r *Reads) of(obj *source.Object, cluster string) *objectReads {
	if r = r.forCluster(cluster); r == nil {
		return nil
	}
	return r.objs[obj]
}

// forCluster returns r if it was read for cluster, or nil.
func (r *Reads) forCluster(cluster string) *Reads {
	if r == nil || r.cluster != cluster {
		return nil
	}
	return r
}

// plane returns the control plane merged from group (sorted as
// buildControlPlanes sorts it) when r merged the very same, or nil.
func (r *Reads) plane(group []*contribution) (*ControlPlane, []*Error) {
	if r == nil || len(group) == 0 {
		return nil, nil
	}
	p := r.planes[[2]string{group[0].namespace, group[0].revision}]
	if !slices.Equal(p.group, group) {
		return nil, nil
	}
	return p.cp, p.notes
}

func readAlone(obj *source.Object, cluster string) *objectReads {
	c := newCluster(cluster)
	readObject(c, obj, nil)
	out := &objectReads{raw: rawObject(obj, cluster), records: c}
	out.contrib, out.errs = readContribution(obj, cluster)
	return out
}

// addTo adds the object's records to c, as readObject would have.
func (o *objectReads) addTo(c *Cluster) {
	r := o.records
	c.Objects = append(c.Objects, o.raw)
	maps.Copy(c.Namespaces, r.Namespaces)
	c.NetworkGateways = append(c.NetworkGateways, r.NetworkGateways...)
	c.Workloads = append(c.Workloads, r.Workloads...)
	c.Gateways = append(c.Gateways, r.Gateways...)
	c.VirtualServices = append(c.VirtualServices, r.VirtualServices...)
	c.RemoteSecrets = append(c.RemoteSecrets, r.RemoteSecrets...)
	c.CASecrets = append(c.CASecrets, r.CASecrets...)
	c.InjectorWebhooks = append(c.InjectorWebhooks, r.InjectorWebhooks...)
	c.ZTunnels = append(c.ZTunnels, r.ZTunnels...)
	c.TLSRoutes = append(c.TLSRoutes, r.TLSRoutes...)
}
