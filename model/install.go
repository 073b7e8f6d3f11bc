package model

import (
	"fmt"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// defaultNamespace is Istio's system namespace unless values say otherwise.
const defaultNamespace = "istio-system"

// Precedence of the inputs that describe one control plane, highest first:
// what runs (the istiod Deployment) beats what the charts rendered (the
// values ConfigMaps), which beats what was asked for (IOP, Sail, Helm values).
const (
	rankDeployment = iota
	rankValuesConfigMap
	rankInjectorConfigMap
	rankMeshConfigMap
	rankInstall
)

// contribution is one input that describes (part of) a control plane.
type contribution struct {
	rank      int
	cluster   string
	obj       *source.Object
	namespace string
	revision  string
	profile   *Fact[string]
	values    tree
	mesh      tree
	// meshNetworks is the meshNetworks document of an istio ConfigMap.
	meshNetworks tree
	env          map[string]*Fact[string]
	// istiod says whether this input shows an istiod running (a
	// Deployment) or asks for one (pilot component enabled).
	istiod *Fact[bool]
	// originalValues is set on a values ConfigMap read from original-values:
	// its values are what the user set, nothing else.
	originalValues bool
}

// isHelmValues recognizes a values file of the istiod chart: a document
// without apiVersion/kind whose top level has one of the chart's sections.
func isHelmValues(obj *source.Object) bool {
	if obj.APIVersion() != "" || obj.Kind() != "" {
		return false
	}
	for _, k := range []string{"global", "meshConfig", "pilot", "istiodRemote"} {
		if _, ok := obj.Data[k]; ok {
			return true
		}
	}
	return false
}

// isGatewayValues recognizes a values file of the istio/gateway chart used
// as a network gateway (`--set networkGateway=...`).
func isGatewayValues(obj *source.Object) bool {
	if obj.APIVersion() != "" || obj.Kind() != "" {
		return false
	}
	_, ok := obj.Data["networkGateway"]
	return ok
}

func isIstioOperator(obj *source.Object) bool {
	return obj.Kind() == "IstioOperator" && strings.HasPrefix(obj.APIVersion(), "install.istio.io/")
}

// isSailIstio recognizes Sail's Istio resource and its RemoteIstio
// (sailoperator.io/v1alpha1), which installs the remote profile on a cluster
// served by an istiod elsewhere.
func isSailIstio(obj *source.Object) bool {
	return (obj.Kind() == "Istio" || obj.Kind() == sailRemoteIstio) && strings.HasPrefix(obj.APIVersion(), "sailoperator.io/")
}

const sailRemoteIstio = "RemoteIstio"

// contributionOf returns what obj says about a control plane, if anything.
func contributionOf(obj *source.Object, cluster string) (*contribution, error) {
	switch {
	case isIstioOperator(obj):
		return fromIstioOperator(obj, cluster), nil
	case isSailIstio(obj):
		return fromSail(obj, cluster), nil
	case isHelmValues(obj):
		return fromHelmValues(obj, cluster), nil
	case obj.Kind() == "ConfigMap" && obj.APIVersion() == "v1":
		return fromConfigMap(obj, cluster)
	case obj.Kind() == "Deployment" && isIstiodDeployment(obj):
		return fromIstiodDeployment(obj, cluster), nil
	}
	return nil, nil
}

func fromIstioOperator(obj *source.Object, cluster string) *contribution {
	spec := newTree(obj, cluster, "spec")
	profile := spec.str("profile")
	pilot := spec.boolean("components.pilot.enabled")
	// A gateway-only IOP (gen-eastwest-gateway.sh: profile empty, no pilot)
	// installs no control plane; neither does one that disables pilot,
	// except the remote profile, whose pilot component renders no istiod.
	if profileName(profile) != "remote" {
		if pilot != nil && !pilot.Value {
			return nil
		}
		if profileName(profile) == "empty" && pilot == nil {
			return nil
		}
	}
	c := &contribution{
		rank:    rankInstall,
		obj:     obj,
		profile: profile,
		values:  newTree(obj, cluster, "spec.values"),
		mesh:    newTree(obj, cluster, "spec.meshConfig"),
		env:     map[string]*Fact[string]{},
	}
	c.revision = scalarString(lookup(obj.Data, "spec.revision"))
	c.namespace = firstNonEmpty(scalarString(c.values.get1("global.istioNamespace")), obj.Namespace(), defaultNamespace)
	c.istiod = pilot
	if c.istiod == nil {
		c.istiod = &Fact[bool]{Value: true, Source: spec.source("components.pilot.enabled"), Default: true}
	}
	addValuesEnv(c)
	if envs, ok := lookup(obj.Data, "spec.components.pilot.k8s.env").([]any); ok {
		addEnvList(c, envs, "spec.components.pilot.k8s.env", cluster)
	}
	return c
}

func fromSail(obj *source.Object, cluster string) *contribution {
	values := newTree(obj, cluster, "spec.values")
	spec := newTree(obj, cluster, "spec")
	profile := spec.str("profile")
	if profile == nil && obj.Kind() == sailRemoteIstio {
		// A RemoteIstio is the remote profile: its kind says so.
		profile = &Fact[string]{Value: "remote", Source: newTree(obj, cluster, "").source("kind")}
	}
	c := &contribution{
		rank:    rankInstall,
		obj:     obj,
		profile: profile,
		values:  values,
		mesh:    newTree(obj, cluster, "spec.values.meshConfig"),
		env:     map[string]*Fact[string]{},
	}
	// Sail names the revision after the Istio resource, "default" meaning
	// the unrevisioned istiod; spec.values.revision overrides it.
	c.revision = scalarString(values.get1("revision"))
	if c.revision == "" && obj.Name() != "default" {
		c.revision = obj.Name()
	}
	c.namespace = firstNonEmpty(scalarString(lookup(obj.Data, "spec.namespace")), defaultNamespace)
	c.istiod = &Fact[bool]{Value: true, Source: values.source(""), Default: true}
	addValuesEnv(c)
	return c
}

func fromHelmValues(obj *source.Object, cluster string) *contribution {
	values := newTree(obj, cluster, "")
	c := &contribution{
		rank:    rankInstall,
		obj:     obj,
		profile: values.str("profile"),
		values:  values,
		mesh:    newTree(obj, cluster, "meshConfig"),
		env:     map[string]*Fact[string]{},
	}
	c.revision = scalarString(values.get1("revision"))
	c.namespace = firstNonEmpty(scalarString(values.get1("global.istioNamespace")), defaultNamespace)
	c.istiod = &Fact[bool]{Value: true, Source: values.source(""), Default: true}
	addValuesEnv(c)
	return c
}

// fromConfigMap reads the ConfigMaps the istiod chart renders: values[-rev]
// (merged Helm values, Istio ≥1.26), istio-sidecar-injector[-rev] (values
// used by injection) and istio[-rev] (mesh config).
func fromConfigMap(obj *source.Object, cluster string) (*contribution, error) {
	name := obj.Name()
	data, _ := obj.Data["data"].(map[string]any)
	if data == nil {
		return nil, nil
	}
	c := &contribution{
		obj: obj, namespace: firstNonEmpty(obj.Namespace(), defaultNamespace), env: map[string]*Fact[string]{},
		// Trees default to empty ones anchored at the object, so provenance
		// of defaults still points at it.
		values: tree{obj: obj, cluster: cluster, prefix: "data"},
		mesh:   tree{obj: obj, cluster: cluster, prefix: "data"},
	}
	var err error
	switch {
	case revisioned(name, "values") && (data["merged-values"] != nil || data["original-values"] != nil):
		// original-values is what the user set (-f, --set, the IOP's values);
		// merged-values adds every chart default (istiodRemote.injectionPath
		// "/inject" among them), which would read as choices the user made.
		// Istio's own defaults are the model's to apply (CLUSTER_ID, trust
		// domain), so the defaults are not read at all when both are there.
		key := "original-values"
		if data[key] == nil {
			key = "merged-values"
		}
		c.rank = rankValuesConfigMap
		c.originalValues = key == "original-values"
		c.values, err = embeddedTree(obj, cluster, "data."+key)
		c.revision = revisionOf(obj, "values", c.values)
	case revisioned(name, "istio-sidecar-injector") && data["values"] != nil:
		c.rank = rankInjectorConfigMap
		c.values, err = embeddedTree(obj, cluster, "data.values")
		c.revision = revisionOf(obj, "istio-sidecar-injector", c.values)
	case revisioned(name, "istio") && data["mesh"] != nil:
		c.rank = rankMeshConfigMap
		c.mesh, err = embeddedTree(obj, cluster, "data.mesh")
		if err == nil && data["meshNetworks"] != nil {
			c.meshNetworks, err = embeddedTree(obj, cluster, "data.meshNetworks")
		}
		c.revision = revisionOf(obj, "istio", tree{})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	addValuesEnv(c)
	return c, nil
}

func isIstiodDeployment(obj *source.Object) bool {
	return revisioned(obj.Name(), "istiod") || labelValue(obj, "app") == "istiod"
}

func fromIstiodDeployment(obj *source.Object, cluster string) *contribution {
	c := &contribution{
		rank:      rankDeployment,
		obj:       obj,
		values:    tree{obj: obj, cluster: cluster, prefix: "spec"},
		mesh:      tree{obj: obj, cluster: cluster, prefix: "spec"},
		namespace: firstNonEmpty(obj.Namespace(), defaultNamespace),
		env:       map[string]*Fact[string]{},
		istiod:    &Fact[bool]{Value: true, Source: sourceAt(obj, cluster, "metadata.name", false)},
	}
	containers, _ := lookup(obj.Data, "spec.template.spec.containers").([]any)
	for i, ct := range containers {
		m, _ := ct.(map[string]any)
		if m == nil || (m["name"] != "discovery" && len(containers) > 1) {
			continue
		}
		if envs, ok := m["env"].([]any); ok {
			addEnvList(c, envs, fmt.Sprintf("spec.template.spec.containers[%d].env", i), cluster)
		}
	}
	c.revision = normalizeRevision(labelValue(obj, "istio.io/rev"))
	if c.revision == "" && c.env["REVISION"] != nil {
		c.revision = normalizeRevision(c.env["REVISION"].Value)
	}
	if c.revision == "" {
		c.revision = strings.TrimPrefix(strings.TrimPrefix(obj.Name(), "istiod"), "-")
	}
	return c
}

// revisioned reports whether name is base or base-<revision>.
func revisioned(name, base string) bool {
	return name == base || strings.HasPrefix(name, base+"-")
}

// revisionOf reads a rendered object's revision: the istio.io/rev label,
// the values' revision, or the name suffix.
func revisionOf(obj *source.Object, base string, values tree) string {
	if r, ok := obj.Label("istio.io/rev"); ok {
		return normalizeRevision(r)
	}
	if r := scalarString(values.get1("revision")); r != "" {
		return normalizeRevision(r)
	}
	return strings.TrimPrefix(strings.TrimPrefix(obj.Name(), base), "-")
}

// normalizeRevision maps the label value "default" to the empty revision,
// as the charts do the other way round.
func normalizeRevision(r string) string {
	if r == "default" {
		return ""
	}
	return r
}

func embeddedTree(obj *source.Object, cluster, path string) (tree, error) {
	s, _ := lookup(obj.Data, path).(string)
	objs, errs := source.Read(strings.NewReader(s), obj.Origin.File, source.DefaultLimits())
	if len(errs) > 0 {
		return tree{}, fmt.Errorf("%s %s/%s: %s is not valid YAML: %w", obj.Kind(), obj.Namespace(), obj.Name(), path, errs[0].Err)
	}
	t := tree{obj: obj, cluster: cluster, prefix: path, embedded: true, data: map[string]any{}}
	if len(objs) > 0 {
		t.data = objs[0].Data
	}
	return t, nil
}

// addValuesEnv adds pilot.env from Helm values (a map of name to value).
// The istiod chart also reads a top-level env (zzy_descope_legacy.yaml copies
// everything under pilot to the top, pilot winning), which is what the
// ambient multi-network doc sets: --set env.AMBIENT_ENABLE_MULTI_NETWORK=true.
func addValuesEnv(c *contribution) {
	for name := range c.values.mapAt("env") {
		if f := c.values.str("env." + escapeKey(name)); f != nil {
			c.env[name] = f
		}
	}
	for name := range c.values.mapAt("pilot.env") {
		if f := c.values.str("pilot.env." + escapeKey(name)); f != nil {
			c.env[name] = f
		}
	}
}

// addEnvList adds a Kubernetes env list ([{name, value}]) found at path.
func addEnvList(c *contribution, envs []any, path, cluster string) {
	for i, e := range envs {
		m, _ := e.(map[string]any)
		name, _ := m["name"].(string)
		if name == "" {
			continue
		}
		if _, ok := m["value"]; !ok {
			continue // valueFrom: not a literal we can know from files
		}
		c.env[name] = &Fact[string]{
			Value:  scalarString(m["value"]),
			Source: sourceAt(c.obj, cluster, fmt.Sprintf("%s[%d].value", path, i), false),
		}
	}
}

func escapeKey(k string) string { return strings.ReplaceAll(k, ".", `\.`) }

func unescapeKey(k string) string { return strings.ReplaceAll(k, `\.`, ".") }

func profileName(f *Fact[string]) string {
	if f == nil {
		return ""
	}
	return f.Value
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// get1 is get without the ok flag, for optional scalars.
func (t tree) get1(path string) any {
	v, _ := t.get(path)
	return v
}
