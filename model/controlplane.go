package model

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// Control-plane roles.
const (
	RolePrimary  = "primary"
	RoleRemote   = "remote"
	RoleExternal = "external"
	RoleUnknown  = "unknown"
)

// defaultClusterID is what istiod calls its cluster when clusterName is not
// set (istio-discovery templates/deployment.yaml).
const defaultClusterID = "Kubernetes"

// defaultTrustDomain is the chart's meshConfig.trustDomain default.
const defaultTrustDomain = "cluster.local"

// buildControlPlanes groups contributions by system namespace and revision
// and merges each group into one control plane, or takes the one reads
// merged from the same contributions.
// The notes say which settings are unknown, and why.
func buildControlPlanes(cs []*contribution, reads *Reads) ([]*ControlPlane, []*Error) {
	var cps []*ControlPlane
	var notes []*Error
	for k, g := range groups(cs) {
		cp, n := reads.plane(g)
		if cp == nil {
			cp, n = mergeControlPlane(k[0], k[1], g)
		}
		notes = append(notes, n...)
		cps = append(cps, cp)
	}
	slices.SortFunc(cps, func(a, b *ControlPlane) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Revision, b.Revision))
	})
	slices.SortFunc(notes, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Source.File, b.Source.File), cmp.Compare(a.Source.Line, b.Source.Line), cmp.Compare(a.Err.Error(), b.Err.Error()))
	})
	return cps, notes
}

// groups groups contributions by system namespace and revision, each group
// in precedence order.
func groups(cs []*contribution) map[[2]string][]*contribution {
	out := map[[2]string][]*contribution{}
	for _, c := range cs {
		k := [2]string{c.namespace, c.revision}
		out[k] = append(out[k], c)
	}
	for _, g := range out {
		slices.SortStableFunc(g, func(a, b *contribution) int { return cmp.Compare(a.rank, b.rank) })
	}
	return out
}

// first returns the first non-nil fact that get finds, in precedence order.
func first[T any](g []*contribution, get func(*contribution) *Fact[T]) *Fact[T] {
	for _, c := range g {
		if f := get(c); f != nil {
			return f
		}
	}
	return nil
}

func mergeControlPlane(ns, rev string, g []*contribution) (*ControlPlane, []*Error) {
	g, settings := settingsOnly(g)
	unknown, notes := findUnknowns(g)
	cp := &ControlPlane{Namespace: ns, Revision: rev, Env: map[string]*Fact[string]{}, Values: map[string]any{}, MeshConfig: map[string]any{}}
	cp.Profile = first(g, func(c *contribution) *Fact[string] {
		return cmp.Or(c.profile, c.values.str("profile"))
	})
	// Env: lower precedence first so that higher precedence overwrites.
	for _, c := range slices.Backward(g) {
		for k, v := range c.env {
			cp.Env[k] = v
		}
		mergeInto(cp.Values, c.values.data)
		mergeInto(cp.MeshConfig, c.mesh.data)
	}
	for _, c := range g {
		cp.Sources = append(cp.Sources, sourceAt(c.obj, c.cluster, "", false))
	}
	cp.Unknown = unknown.paths()
	for k := range unknown {
		switch k.tree {
		case "values":
			forget(cp.Values, k.path)
			name, ok := strings.CutPrefix(k.path, "pilot.env.")
			if !ok {
				name, ok = strings.CutPrefix(k.path, "env.")
			}
			// What a running istiod's Deployment shows stays known.
			if f := cp.Env[unescapeKey(name)]; ok && f != nil && f.Source.Object.Kind != "Deployment" {
				delete(cp.Env, unescapeKey(name))
			}
		case "mesh":
			forget(cp.MeshConfig, k.path)
		}
	}
	str := func(path string) *Fact[string] {
		if unknown.values(path) {
			return nil
		}
		return first(g, func(c *contribution) *Fact[string] { return c.values.str(path) })
	}
	boolean := func(path string) *Fact[bool] {
		if unknown.values(path) {
			return nil
		}
		return first(g, func(c *contribution) *Fact[bool] { return c.values.boolean(path) })
	}
	mesh := func(path string) *Fact[string] {
		if unknown.mesh(path) {
			return nil
		}
		return first(g, func(c *contribution) *Fact[string] { return c.mesh.str(path) })
	}
	meshList := func(path string) *Fact[[]any] {
		if unknown.mesh(path) {
			return nil
		}
		return first(g, func(c *contribution) *Fact[[]any] { return c.mesh.list(path) })
	}

	remoteEnabled := boolean("istiodRemote.enabled")
	remote := profileName(cp.Profile) == "remote" || (remoteEnabled != nil && remoteEnabled.Value)
	cp.Ambient = ambientFact(cp.Profile)
	cp.ClusterName = str("global.multiCluster.clusterName")
	cp.ExternalIstiod = cmp.Or(envBool(cp.Env, "EXTERNAL_ISTIOD"), boolean("global.externalIstiod"))
	cp.ConfigCluster = boolean("global.configCluster")
	cp.RemotePilotAddress = str("global.remotePilotAddress")
	cp.InjectionURL = str("istiodRemote.injectionURL")
	cp.InjectionPath = str("istiodRemote.injectionPath")
	cp.LocalInjectorIstiod = boolean("istiodRemote.enabledLocalInjectorIstiod")
	cp.IstioNamespace = str("global.istioNamespace")
	cp.MeshID = cmp.Or(str("global.meshID"), mesh("defaultConfig.meshId"))
	if !unknown.mesh("trustDomainAliases") {
		cp.TrustDomainAliases = first(g, func(c *contribution) *Fact[[]string] { return c.mesh.strings("trustDomainAliases") })
	}
	cp.DiscoveryAddress = mesh("defaultConfig.discoveryAddress")
	cp.DiscoverySelectors = meshList("discoverySelectors")
	cp.MultiRoot = envBool(cp.Env, "ISTIO_MULTIROOT_MESH")
	if f := meshList("caCertificates"); f != nil {
		cp.CACertificates = &Fact[int]{Value: len(f.Value), Source: f.Source}
		cp.CACertificateFingerprints = &Fact[[]string]{Value: pemFingerprints(f.Value), Source: f.Source}
	}
	if f := first(g, func(c *contribution) *Fact[[]any] {
		return cmp.Or(c.values.list("revisionTags"), c.values.list("global.revisionTags"))
	}); f != nil {
		cp.RevisionTags = &Fact[[]string]{Value: stringList(f.Value), Source: f.Source}
	}
	cp.MeshNetworks = meshNetworks(g)

	cp.InjectionCluster, cp.InjectionNetwork = injectionParams(cmp.Or(cp.InjectionURL, cp.InjectionPath))

	cp.Istiod = istiodFact(g, remote, cp.LocalInjectorIstiod)
	switch {
	case remote:
		cp.Role = RoleRemote
	case envIs(cp.Env, "LOCAL_CLUSTER_SECRET_WATCHER", "true"):
		// An istiod that watches secrets locally but reads config from
		// another cluster is an external control plane.
		cp.Role = RoleExternal
	default:
		cp.Role = RolePrimary
	}

	// Istio's precedence for what the proxies are told: the istiod env,
	// then injection URL parameters (remote), then values, then defaults.
	cp.ClusterID = cmp.Or(cp.Env["CLUSTER_ID"], cp.InjectionCluster, cp.ClusterName)
	if id := cp.Env["CLUSTER_ID"]; settings != nil && id != nil && id.Value == defaultClusterID && !setsClusterID(settings.values) {
		// The istiod chart renders CLUSTER_ID from clusterName, "Kubernetes"
		// when none is set: with none among the values the user set, the
		// rendered env is Istio's default, not a chosen ID.
		cp.ClusterID = &Fact[string]{Value: id.Value, Source: id.Source, Default: true}
	}
	cp.Network = cmp.Or(cp.InjectionNetwork, str("global.network"))
	anchor := g[len(g)-1]
	// Istio's defaults apply where nothing sets the value: one set to what
	// the files do not show (a template action, the wrong type) is unknown.
	idUnknown := slices.ContainsFunc(clusterIDPaths, unknown.values) || slices.ContainsFunc(g, func(c *contribution) bool { return setsUnread(c.values, clusterIDPaths...) })
	if cp.ClusterID == nil && !remote && !idUnknown {
		cp.ClusterID = &Fact[string]{Value: defaultClusterID, Default: true, Source: anchor.values.source("global.multiCluster.clusterName")}
	}
	cp.TrustDomain = mesh("trustDomain")
	if t := cp.TrustDomain; settings != nil && t != nil && t.Value == defaultTrustDomain && t.Source.Object.Kind == "ConfigMap" {
		// The istiod chart's mesh config starts from trustDomain
		// cluster.local; without meshConfig.trustDomain among the values
		// the user set, that is the chart's default, not a choice.
		if _, set := settings.values.get("meshConfig.trustDomain"); !set {
			cp.TrustDomain = &Fact[string]{Value: t.Value, Source: t.Source, Default: true}
		}
	}
	tdUnknown := unknown.mesh("trustDomain") || slices.ContainsFunc(g, func(c *contribution) bool { return setsUnread(c.mesh, "trustDomain") })
	if cp.TrustDomain == nil && !remote && anchorHasMesh(g) && !tdUnknown {
		cp.TrustDomain = &Fact[string]{Value: defaultTrustDomain, Default: true, Source: anchor.mesh.source("trustDomain")}
	}
	return cp, notes
}

// settingsOnly returns g without the values of the injector ConfigMap
// (istio-sidecar-injector: the values merged with every chart default) when
// a values ConfigMap shows original-values, what the user set; otherwise the
// chart defaults would read as settings (global.externalIstiod and
// global.configCluster false on every rendered primary). It returns that
// values ConfigMap as well, or nil. Without original-values (Istio before
// 1.26, or a values ConfigMap with merged-values only) the injector's
// values are all there is and are kept.
func settingsOnly(g []*contribution) ([]*contribution, *contribution) {
	i := slices.IndexFunc(g, func(c *contribution) bool { return c.originalValues })
	if i < 0 {
		return g, nil
	}
	out := make([]*contribution, len(g))
	for j, c := range g {
		out[j] = c
		if c.rank == rankInjectorConfigMap {
			// A copy: the contribution is shared with the scope checks.
			cc := *c
			cc.values = tree{obj: c.obj, cluster: c.cluster, prefix: c.values.prefix}
			cc.env = map[string]*Fact[string]{}
			out[j] = &cc
		}
	}
	return out, g[i]
}

// clusterIDPaths are where values set the cluster ID: clusterName, or
// CLUSTER_ID in the env the istiod chart passes to istiod.
var clusterIDPaths = []string{"global.multiCluster.clusterName", "pilot.env.CLUSTER_ID", "env.CLUSTER_ID"}

// setsClusterID reports whether values set the cluster ID.
func setsClusterID(values tree) bool {
	for _, path := range clusterIDPaths {
		if _, ok := values.get(path); ok {
			return true
		}
	}
	return false
}

// setsUnread reports whether t sets one of paths to a value that is not
// empty (Istio's charts read "" as unset) and that t.str cannot read: a
// template action or a value of the wrong type. The value there is
// unknown, so no default takes its place.
func setsUnread(t tree, paths ...string) bool {
	for _, path := range paths {
		if v, ok := t.get(path); ok && v != "" && t.str(path) == nil {
			return true
		}
	}
	return false
}

// anchorHasMesh reports whether any input describes a whole mesh config, so
// that the trust-domain default applies (a lone Deployment does not say).
func anchorHasMesh(g []*contribution) bool {
	for _, c := range g {
		if c.rank == rankInstall || c.rank == rankMeshConfigMap {
			return true
		}
	}
	return false
}

func istiodFact(g []*contribution, remote bool, localInjector *Fact[bool]) *Fact[bool] {
	for _, c := range g {
		if c.rank == rankDeployment {
			return c.istiod
		}
	}
	if remote {
		// The remote profile renders no istiod unless a local injector is asked for.
		if localInjector != nil && localInjector.Value {
			return localInjector
		}
		for _, c := range g {
			if c.rank == rankInstall {
				return &Fact[bool]{Value: false, Default: true, Source: c.values.source("profile")}
			}
		}
		return nil
	}
	return first(g, func(c *contribution) *Fact[bool] { return c.istiod })
}

func ambientFact(profile *Fact[string]) *Fact[bool] {
	if profile == nil {
		return nil
	}
	return &Fact[bool]{Value: profile.Value == "ambient", Source: profile.Source}
}

func meshNetworks(g []*contribution) *Fact[any] {
	for _, c := range g {
		if c.meshNetworks.ok() {
			if nets, ok := c.meshNetworks.get("networks"); ok {
				return &Fact[any]{Value: nets, Source: c.meshNetworks.source("networks")}
			}
		}
		if nets, ok := c.values.get("global.meshNetworks"); ok {
			return &Fact[any]{Value: nets, Source: c.values.source("global.meshNetworks")}
		}
	}
	return nil
}

// injectionParams parses the cluster and net parameters of an injection
// path or URL: /inject/cluster/<c>/net/<n> (pkg/kube/inject/webhook.go), and
// the legacy /inject/:ENV:cluster=<c>:ENV:net=<n> form. "--slash--" stands
// for "/" in cluster names.
func injectionParams(f *Fact[string]) (cluster, network *Fact[string]) {
	if f == nil {
		return nil, nil
	}
	p := f.Value
	if u, err := url.Parse(p); err == nil && u.Path != "" {
		p = u.Path
	}
	at := func(v string) *Fact[string] {
		if v == "" {
			return nil
		}
		return &Fact[string]{Value: strings.ReplaceAll(v, "--slash--", "/"), Source: f.Source}
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		switch parts[i] {
		case "cluster":
			cluster = at(parts[i+1])
		case "net":
			network = at(parts[i+1])
		}
	}
	for _, kv := range strings.Split(p, ":ENV:") {
		k, v, ok := strings.Cut(strings.Trim(kv, "/"), "=")
		switch {
		case !ok:
		case k == "cluster":
			cluster = at(v)
		case k == "net":
			network = at(v)
		}
	}
	return cluster, network
}

func envBool(env map[string]*Fact[string], name string) *Fact[bool] {
	f := env[name]
	if f == nil {
		return nil
	}
	b, ok := asBool(f.Value)
	if !ok {
		return nil
	}
	return &Fact[bool]{Value: b, Source: f.Source}
}

func envIs(env map[string]*Fact[string], name, want string) bool {
	return env[name] != nil && strings.EqualFold(env[name].Value, want)
}

// mergeInto deep-merges src into dst, src winning, the way Helm merges -f files.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			mergeInto(dm, sm)
			continue
		}
		if sok {
			cp := map[string]any{}
			mergeInto(cp, sm)
			dst[k] = cp
			continue
		}
		dst[k] = v
	}
}
