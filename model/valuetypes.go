package model

import (
	"fmt"

	"github.com/meshcheck/meshcheck/source"
)

// valueKind is the type Istio reads an install value as.
type valueKind int

const (
	kindString valueKind = iota // a scalar: Helm renders numbers and booleans as text
	kindBool                    // a boolean, or "true"/"false" as --set and env give it
	kindList
)

func (k valueKind) String() string {
	return [...]string{"a string", "a boolean", "a list"}[k]
}

// accepts says whether v can be read as k.
func (k valueKind) accepts(v any) bool {
	switch k {
	case kindBool:
		_, ok := asBool(v)
		return ok
	case kindList:
		_, ok := v.([]any)
		return ok
	}
	switch v.(type) {
	case string, bool, int, int64, float64:
		return true
	}
	return false
}

// valueFields and meshFields are the install values and mesh config fields
// the model reads, with the type Istio's charts and istiod read them as.
var (
	valueFields = []struct {
		path string
		kind valueKind
	}{
		{"global.multiCluster.clusterName", kindString},
		{"global.network", kindString},
		{"global.meshID", kindString},
		{"global.remotePilotAddress", kindString},
		{"global.istioNamespace", kindString},
		{"global.externalIstiod", kindBool},
		{"global.configCluster", kindBool},
		{"istiodRemote.enabled", kindBool},
		{"istiodRemote.enabledLocalInjectorIstiod", kindBool},
		{"istiodRemote.injectionURL", kindString},
		{"istiodRemote.injectionPath", kindString},
		{"revision", kindString},
		{"profile", kindString},
		{"revisionTags", kindList},
	}
	meshFields = []struct {
		path string
		kind valueKind
	}{
		{"trustDomain", kindString},
		{"trustDomainAliases", kindList},
		{"defaultConfig.meshId", kindString},
		{"defaultConfig.discoveryAddress", kindString},
		{"caCertificates", kindList},
		{"discoverySelectors", kindList},
	}
)

// typeErrors reports each value of c whose type is not the one Istio reads
// it as, at the value's place. The model reads such a value as unknown
// (tree.str and the others return nil for it), so the rest of the install
// is still checked.
func typeErrors(c *contribution) []*Error {
	var errs []*Error
	check := func(t tree, path string, want valueKind) {
		v, ok := t.get(path)
		if !ok || want.accepts(v) {
			return
		}
		errs = append(errs, &Error{Cluster: c.cluster, Source: t.source(path), Err: fmt.Errorf("%s is %s, but Istio reads it as %s%s", path, describe(v), want, templateHint(v))})
	}
	for _, f := range valueFields {
		check(c.values, f.path, f.kind)
	}
	for _, f := range meshFields {
		check(c.mesh, f.path, f.kind)
	}
	return errs
}

func describe(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

// templateHint recognises `key: {{ .Values.x }}`, which YAML reads as a
// mapping whose only key is another one.
func templateHint(v any) string {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return ""
	}
	for k := range m {
		if len(k) > 0 && (k[0] == '{' || k[0] == '.') {
			return " (an unquoted template action: the file is not YAML until rendered)"
		}
	}
	return ""
}

// readContribution reads what obj says about a control plane, with the
// errors of its values: values that do not parse lose the contribution;
// a value of the wrong type is an error at its place and reads as unknown.
func readContribution(obj *source.Object, cluster string) (*contribution, []*Error) {
	contrib, err := contributionOf(obj, cluster)
	if err != nil {
		return nil, []*Error{{Cluster: cluster, Source: sourceAt(obj, cluster, "data", false), Err: err}}
	}
	if contrib == nil {
		return nil, nil
	}
	contrib.cluster = cluster
	return contrib, typeErrors(contrib)
}
