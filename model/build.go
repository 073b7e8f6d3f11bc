package model

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// ClusterInput is what was read for one cluster.
type ClusterInput struct {
	Name    string
	Objects []*source.Object
	// Complete lists kinds (e.g. "Secret") whose every object in the cluster
	// is among Objects, so that a missing one is known to be absent.
	Complete []string
	// Credentials are what a live audit learned by connecting to other
	// clusters with the kubeconfigs of this cluster's remote secrets; only
	// the keys it tried.
	Credentials []CredentialCheck
	// Reads, when set, are objects already read for this cluster: Build
	// takes their records instead of reading them again.
	Reads *Reads
}

// Options carries what configuration adds to the inputs.
type Options struct {
	// Meshes declares groups of clusters (meshcheck names) meant to be one
	// mesh, for fleets whose files do not link them (no secrets in Git).
	Meshes [][]string
}

// Error is a problem with one input object that the model could not read;
// the rest of the fleet is still built.
type Error struct {
	Cluster string
	Source  Source
	Err     error
}

func (e *Error) Error() string {
	loc := source.Position(e.Source.File, e.Source.Line, e.Source.Column)
	if loc == "" {
		loc = e.Cluster
	}
	return fmt.Sprintf("%s: %v", loc, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Build derives the fleet model from the objects of each cluster.
func Build(in []ClusterInput, opt Options) (*Fleet, []*Error) {
	f := &Fleet{APIVersion: APIVersion, Kind: "Fleet", Clusters: map[string]*Cluster{}}
	var errs []*Error
	// One target's kubeconfig is usually held, the same, by every primary
	// of the mesh: read once per fleet, not once per holder.
	kcs := kubeconfigs{}
	for _, ci := range in {
		c, e := buildCluster(ci, kcs)
		f.Clusters[ci.Name] = c
		errs = append(errs, e...)
	}
	linkFleet(f, opt)
	return f, errs
}

func newCluster(name string) *Cluster {
	return &Cluster{
		Name: name, Role: RoleUnknown, SystemNamespace: defaultNamespace,
		Complete: map[string]bool{}, Namespaces: map[string]*Namespace{},
		ControlPlanes: []*ControlPlane{}, NetworkGateways: []*NetworkGateway{},
		Workloads: []*Workload{}, Gateways: []*Gateway{}, VirtualServices: []*VirtualService{},
		RemoteSecrets: []*RemoteSecret{}, CASecrets: []*CASecret{},
		InjectorWebhooks: []*InjectorWebhook{}, ZTunnels: []Source{}, TLSRoutes: []Source{},
		Objects: []RawObject{},
	}
}

func buildCluster(in ClusterInput, kcs kubeconfigs) (*Cluster, []*Error) {
	c := newCluster(in.Name)
	c.Objects = make([]RawObject, 0, len(in.Objects))
	for _, k := range in.Complete {
		c.Complete[k] = true
	}
	var contribs []*contribution
	var errs []*Error
	for _, obj := range in.Objects {
		if r := in.Reads.of(obj, in.Name); r != nil {
			r.addTo(c)
			errs = append(errs, r.errs...)
			if r.contrib != nil {
				contribs = append(contribs, r.contrib)
			}
			continue
		}
		c.Objects = append(c.Objects, rawObject(obj, in.Name))
		readObject(c, obj, kcs)
		contrib, cerrs := readContribution(obj, in.Name)
		errs = append(errs, cerrs...)
		if contrib != nil {
			contribs = append(contribs, contrib)
		}
	}
	contribs = scopeConfigMaps(c, contribs)
	var notes []*Error
	c.ControlPlanes, notes = buildControlPlanes(contribs, in.Reads.forCluster(in.Name))
	errs = append(errs, notes...)
	// The scope depends on other objects (the istiods), so it is applied to
	// this build's lists, never to the records Reads shares.
	scopeSecrets(c, contribs)
	markExternal(c)
	checkCredentials(c, in.Credentials)
	identify(c)
	return c, errs
}

// readObject adds what one object says to the cluster, by kind.
func readObject(c *Cluster, obj *source.Object, kcs kubeconfigs) {
	apiVersion, kind := obj.APIVersion(), obj.Kind()
	group, _, _ := strings.Cut(apiVersion, "/")
	switch {
	case kind == "Namespace" && apiVersion == "v1":
		c.Namespaces[obj.Name()] = namespace(obj, c.Name)
	case kind == "Node" && apiVersion == "v1":
		addPodCIDRs(c, obj, c.Name)
	case kind == "Secret" && apiVersion == "v1":
		switch {
		case IsRemoteSecret(obj) || obj.Name() == configSecretName:
			// istiod reads istio-kubeconfig by name, label or not: the
			// chart mounts it and points KUBECONFIG at its key config.
			c.RemoteSecrets = append(c.RemoteSecrets, remoteSecret(obj, c.Name, kcs))
		case obj.Name() == secretPlugInCA || obj.Name() == secretSelfSignedCA:
			c.CASecrets = append(c.CASecrets, caSecret(obj, c.Name))
		}
	case kind == "Service" && apiVersion == "v1":
		if g := gatewayService(obj, c.Name); g != nil {
			c.NetworkGateways = append(c.NetworkGateways, g)
		}
	case isIstioOperator(obj):
		gws, wls := iopGateways(obj, c.Name)
		c.NetworkGateways = append(c.NetworkGateways, gws...)
		c.Workloads = append(c.Workloads, wls...)
	case isGatewayValues(obj) || isLabelledGatewayValues(obj):
		if g, w := chartGateway(obj, c.Name); g != nil {
			c.NetworkGateways = append(c.NetworkGateways, g)
			c.Workloads = append(c.Workloads, w)
		}
	case kind == "Gateway" && group == "gateway.networking.k8s.io":
		if g := kubeGateway(obj, c.Name); g != nil {
			c.NetworkGateways = append(c.NetworkGateways, g)
		}
	case kind == "Gateway" && group == "networking.istio.io":
		c.Gateways = append(c.Gateways, istioGateway(obj, c.Name))
	case kind == "VirtualService" && group == "networking.istio.io":
		c.VirtualServices = append(c.VirtualServices, virtualService(obj, c.Name))
	case slices.Contains([]string{"Deployment", "StatefulSet", "DaemonSet", "Pod"}, kind):
		if w := workload(obj, c.Name); w != nil {
			c.Workloads = append(c.Workloads, w)
		}
		if isZTunnelDaemonSet(obj) {
			c.ZTunnels = append(c.ZTunnels, sourceAt(obj, c.Name, "metadata.name", false))
		}
	case kind == "ZTunnel" && group == "sailoperator.io":
		c.ZTunnels = append(c.ZTunnels, sourceAt(obj, c.Name, "metadata.name", false))
	case kind == "TLSRoute" && group == "gateway.networking.k8s.io":
		c.TLSRoutes = append(c.TLSRoutes, sourceAt(obj, c.Name, "metadata.name", false))
	case kind == "MutatingWebhookConfiguration":
		if w := injectorWebhook(obj, c.Name); w != nil {
			c.InjectorWebhooks = append(c.InjectorWebhooks, w)
		}
	}
}

func namespace(obj *source.Object, cluster string) *Namespace {
	ns := &Namespace{
		Name: obj.Name(), Labels: obj.Labels(), Annotations: obj.Annotations(),
		Network:   labelFact(obj, cluster, LabelNetwork),
		Revision:  labelFact(obj, cluster, LabelRevision),
		Injection: labelFact(obj, cluster, "istio-injection"),
		Source:    sourceAt(obj, cluster, "metadata.name", false),
	}
	const key = "topology.istio.io/controlPlaneClusters"
	if v, ok := ns.Annotations[key]; ok {
		var ids []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				ids = append(ids, s)
			}
		}
		ns.ControlPlaneClusters = &Fact[[]string]{Value: ids, Source: sourceAt(obj, cluster, "metadata.annotations."+escapeKey(key), false)}
	}
	return ns
}

// injectorWebhook recognizes Istio's sidecar injector webhooks, revisioned
// or tagged (revision-tags-mwc.yaml).
func injectorWebhook(obj *source.Object, cluster string) *InjectorWebhook {
	labels := obj.Labels()
	rev, hasRev := labels[LabelRevision]
	tag := labels["istio.io/tag"]
	if !hasRev && tag == "" && !strings.HasPrefix(obj.Name(), "istio-sidecar-injector") && !strings.HasPrefix(obj.Name(), "istio-revision-tag-") {
		return nil
	}
	return &InjectorWebhook{Name: obj.Name(), Revision: rev, Tag: tag, Source: sourceAt(obj, cluster, "metadata.name", false)}
}

// markExternal makes an istiod whose namespace holds istio-kubeconfig an
// external control plane: the istiod chart mounts that secret and sets
// KUBECONFIG=/var/run/secrets/remote/config (istio-discovery
// templates/deployment.yaml), so istiod reads its configuration from the
// cluster the kubeconfig reaches, not from the cluster it runs in (Istio's
// external control plane CI sets no other marker).
func markExternal(c *Cluster) {
	for _, cp := range c.ControlPlanes {
		if cp.Role != RolePrimary {
			continue
		}
		for _, rs := range c.RemoteSecrets {
			if rs.Type == "config" && (rs.Namespace == cp.Namespace || rs.Namespace == "") {
				cp.Role = RoleExternal
				break
			}
		}
	}
}

// identify derives the cluster's own identity from its control planes: a
// remote's comes from its remote install, a primary's from its istiod. An
// external control plane's cluster ID names the cluster it serves, not the
// one it runs in, so it never identifies its host.
func identify(c *Cluster) {
	var self *ControlPlane
	roles := map[string]bool{}
	for _, cp := range c.ControlPlanes {
		roles[cp.Role] = true
		if cp.Role == RoleExternal {
			continue
		}
		if self == nil || rankSelf(cp) < rankSelf(self) {
			self = cp
		}
	}
	switch {
	case roles[RoleRemote]:
		c.Role = RoleRemote
	case roles[RoleExternal]:
		c.Role = RoleExternal
	case roles[RolePrimary]:
		c.Role = RolePrimary
	}
	if self == nil {
		return
	}
	c.ID = self.ClusterID
	c.Network = self.Network
	c.SystemNamespace = self.Namespace
	c.ConfigCluster = self.ConfigCluster != nil && self.ConfigCluster.Value
}

// rankSelf orders the control planes that could speak for the cluster:
// remote installs first, then explicit cluster IDs, then istio-system, then
// the default revision.
func rankSelf(cp *ControlPlane) int {
	r := 0
	if cp.Role != RoleRemote {
		r += 8
	}
	if cp.ClusterID == nil || cp.ClusterID.Default {
		r += 4
	}
	if cp.Namespace != defaultNamespace {
		r += 2
	}
	if cp.Revision != "" {
		r++
	}
	return r
}

func rawObject(obj *source.Object, cluster string) RawObject {
	return RawObject{Source: sourceAt(obj, cluster, "", false), Object: rawData(obj)}
}

// rawData is obj's data for the raw view: a Secret loses its values and
// the copies of them (Redact's withoutCopies) altogether; rules read its
// facts, not its data.
func rawData(obj *source.Object) map[string]any {
	if obj.Kind() != "Secret" {
		return obj.Data
	}
	out := withoutCopies(obj.Data)
	delete(out, "data")
	delete(out, "stringData")
	if md, ok := out["metadata"].(map[string]any); ok {
		// The annotations the model reads (strings), if any.
		delete(md, "annotations")
		if a := obj.Annotations(); len(a) > 0 {
			keep := make(map[string]any, len(a))
			for k, v := range a {
				if k != lastApplied {
					keep[k] = v
				}
			}
			md["annotations"] = keep
		}
	}
	return out
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// isZTunnelDaemonSet reports whether obj is the DaemonSet the ztunnel chart
// renders (helm template, istioctl's ambient profile): it carries the chart's
// labels app.kubernetes.io/name ztunnel and part-of istio.
func isZTunnelDaemonSet(obj *source.Object) bool {
	if obj.Kind() != "DaemonSet" || !strings.HasPrefix(obj.APIVersion(), "apps/") {
		return false
	}
	name, _ := obj.Label("app.kubernetes.io/name")
	partOf, _ := obj.Label("app.kubernetes.io/part-of")
	return name == "ztunnel" && partOf == "istio"
}
