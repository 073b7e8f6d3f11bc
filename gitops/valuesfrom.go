package gitops

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// fluxHelmRelease reads a HelmRelease of an Istio chart: its valuesFrom
// ConfigMaps and Secrets, found among the cluster's objects in its
// namespace, merged in order, and spec.values on top (as helm-controller
// merges them). A reference the objects do not hold is noted unless it is
// optional (Flux goes on without it).
func (x *expander) fluxHelmRelease(o *source.Object, objs []*source.Object) []*source.Object {
	chart := ChartOf(str(o, "spec.chart.spec.chart"))
	if chart == "" {
		chart = ChartOf(str(o, "spec.chartRef.name"))
	}
	if chart == "" {
		return nil
	}
	release := str(o, "spec.releaseName")
	if release == "" {
		release = o.Name()
		if ns := str(o, "spec.targetNamespace"); ns != "" {
			release = ns + "-" + o.Name() // Flux's default release name
		}
	}
	var docs []*source.Object
	if v := o.Part("spec.values"); v != nil {
		docs = append(docs, v)
	}
	v, _ := o.Get("spec.valuesFrom")
	refs, _ := v.([]any)
	var from [][]*source.Object
	for i := range refs {
		from = append(from, x.valuesFrom(o, fmt.Sprintf("spec.valuesFrom[%d]", i), chart, objs))
	}
	for i := len(from) - 1; i >= 0; i-- { // later references win
		docs = append(docs, from[i]...)
	}
	id := fmt.Sprintf("Flux HelmRelease %s (%s)", o.Name(), source.Position(o.Origin.File, o.Origin.Line, 0))
	return OfRelease(id, ChartValues(chart, release, docs))
}

// valuesFrom reads one valuesFrom reference as values documents.
func (x *expander) valuesFrom(o *source.Object, at, chart string, objs []*source.Object) []*source.Object {
	kind, name := str(o, at+".kind"), str(o, at+".name")
	key := firstNonEmpty(str(o, at+".valuesKey"), "values.yaml")
	target := str(o, at+".targetPath")
	optional, _ := o.Get(at + ".optional")
	if kind != "ConfigMap" && kind != "Secret" {
		x.note(o, at, fmt.Sprintf("the %s chart's valuesFrom %s %q is not read: Flux reads ConfigMaps and Secrets only", chart, kind, name))
		return nil
	}
	holder := findObject(objs, kind, o.Namespace(), name, o)
	if holder == nil {
		if optional != true {
			x.note(o, at, fmt.Sprintf("the %s chart's valuesFrom %s %s/%s is not read: no such %s among the linted objects, or several equally near (Flux reads it in the cluster)", chart, kind, nsOrDefault(o.Namespace()), name, kind))
		}
		return nil
	}
	text, line, plain, found := dataAt(holder, key)
	if !found {
		if optional != true {
			x.note(o, at, fmt.Sprintf("the %s chart's valuesFrom %s %s has no key %q", chart, kind, name, key))
		}
		return nil
	}
	origin := source.Origin{File: holder.Origin.File, Line: line, Index: holder.Origin.Index}
	if target != "" {
		data, ok := setPath(target, flatValue(text))
		if !ok {
			x.note(o, at, fmt.Sprintf("the %s chart's valuesFrom targetPath %q is not read: meshcheck reads dot paths without list indexes", chart, target))
			return nil
		}
		if kind == "Secret" {
			if data = secretValues(data); data == nil {
				return nil
			}
		}
		return []*source.Object{{Data: data, Origin: origin}}
	}
	var docs []*source.Object
	var errs []*source.Error
	if plain != "" {
		docs, errs = holder.Embedded(plain, x.lim)
		if kind == "Secret" {
			for i, d := range docs {
				c := *d // keeps its place in the file
				c.Data = secretValues(d.Data)
				docs[i] = &c
			}
		}
	} else {
		// Decoded Secret data (or a generated object's) has no place in
		// the file but its key's line.
		var read []*source.Object
		read, errs = source.Read(strings.NewReader(text), holder.Origin.File, x.lim)
		for _, d := range read {
			kept := d.Data
			if kind == "Secret" {
				kept = secretValues(d.Data)
			}
			if kept != nil && d.APIVersion() == "" && d.Kind() == "" {
				docs = append(docs, &source.Object{Data: kept, Origin: origin})
			}
		}
		for _, e := range errs {
			e.Line = line // never the decoded text's own lines or content
		}
	}
	for _, e := range errs {
		x.notes = append(x.notes, Note{File: e.File, Line: e.Line, Message: fmt.Sprintf("the %s chart's valuesFrom %s %s key %q does not parse as values", chart, kind, name, key)})
	}
	var values []*source.Object
	for _, d := range docs {
		if d.Data != nil && d.APIVersion() == "" && d.Kind() == "" {
			values = append(values, d)
		}
	}
	return values
}

// findObject returns the object of kind and name in namespace that the
// referring object from might mean: an object without a namespace (applied
// wherever its Kustomization puts it) matches when none names the
// namespace. Among several, the one whose file is nearest from's (the same
// directory, then the deepest common one) is meant: inputs not yet split
// into clusters hold each cluster's ConfigMap of that name. Equally near
// and different, it is not known which: nil.
func findObject(objs []*source.Object, kind, namespace, name string, from *source.Object) *source.Object {
	var exact, loose []*source.Object
	for _, c := range objs {
		if c.Kind() != kind || c.APIVersion() != "v1" || c.Name() != name {
			continue
		}
		switch {
		case c.Namespace() == namespace:
			exact = append(exact, c)
		case c.Namespace() == "" || namespace == "":
			loose = append(loose, c)
		}
	}
	for _, tier := range [][]*source.Object{exact, loose} {
		if len(tier) > 0 {
			return nearest(tier, from.Origin.File)
		}
	}
	return nil
}

// nearest returns the candidate whose file shares the most directories
// with file, or nil when two differ and are equally near.
func nearest(cands []*source.Object, file string) *source.Object {
	if len(cands) == 1 {
		return cands[0]
	}
	best, bestN, tie := cands[0], -1, false
	for _, c := range cands {
		n := commonDirs(filepath.Dir(c.Origin.File), filepath.Dir(file))
		switch {
		case n > bestN:
			best, bestN, tie = c, n, false
		case n == bestN && !reflect.DeepEqual(c.Data, best.Data):
			tie = true
		}
	}
	if tie {
		return nil
	}
	return best
}

// commonDirs counts the leading path elements a and b share.
func commonDirs(a, b string) int {
	as := strings.Split(filepath.ToSlash(filepath.Clean(a)), "/")
	bs := strings.Split(filepath.ToSlash(filepath.Clean(b)), "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// dataAt returns the text a ConfigMap or Secret holds at key, the line of
// the key, and the path of the text when it is written in the file as is
// (data of a ConfigMap, stringData of a Secret) rather than encoded.
func dataAt(o *source.Object, key string) (text string, line int, plain string, ok bool) {
	k := source.PathJoin(key)
	for _, field := range []string{"stringData", "data"} {
		p := field + "." + k
		v, has := o.Get(p)
		s, isString := v.(string)
		if !has || !isString {
			continue
		}
		line, col := o.Position(p)
		// An object with no text of its own (a kustomize generator's) is
		// located at its start only: its values are placed there, never
		// at lines of a text the file does not hold.
		placedOnly := line == o.Origin.Line && col == o.Origin.Column
		if (o.Kind() == "ConfigMap" || field == "stringData") && !placedOnly {
			return s, line, p, true
		}
		if o.Kind() == "ConfigMap" || field == "stringData" {
			return s, line, "", true
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return "", line, "", false
		}
		return string(b), line, "", true
	}
	return "", 0, "", false
}

// flatValue types a single value as Helm's --set parser does (Flux merges
// a targetPath value with it): true/false, integers and null, quoted text
// as a string.
func flatValue(s string) any {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	return s
}

// setPath builds the mapping that holds v at a dot path ("\." for a dot in
// a key), or false for a path it does not read (list indexes, empty keys).
func setPath(p string, v any) (map[string]any, bool) {
	var keys []string
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && p[i+1] == '.':
			b.WriteByte('.')
			i++
		case p[i] == '.':
			keys = append(keys, b.String())
			b.Reset()
		case p[i] == '[' || p[i] == ']' || p[i] == '=' || p[i] == ',':
			return nil, false
		default:
			b.WriteByte(p[i])
		}
	}
	keys = append(keys, b.String())
	if len(keys) > 64 {
		return nil, false
	}
	root := map[string]any{}
	cur := root
	for i, k := range keys {
		if k == "" {
			return nil, false
		}
		if i == len(keys)-1 {
			cur[k] = v
			break
		}
		next := map[string]any{}
		cur[k] = next
		cur = next
	}
	return root, true
}

func nsOrDefault(ns string) string {
	if ns == "" {
		return "(no namespace)"
	}
	return ns
}

// secretMask are the values of Istio's charts that a Secret's values may
// give the model: mesh, cluster and network identity, what istiod is told
// about them, and how a gateway is named and labelled. Anything else a
// Secret holds (credentials, pull secrets) is left out, so that it is never
// in the model, the findings or --show-model. true keeps the whole subtree.
var secretMask = map[string]any{
	"revision": true, "profile": true, "name": true, "networkGateway": true, "labels": true,
	"global": map[string]any{
		"meshID": true, "network": true, "multiCluster": true, "istioNamespace": true,
		"meshNetworks": true, "remotePilotAddress": true, "externalIstiod": true,
		"configCluster": true, "caAddress": true, "pilotCertProvider": true, "istiod": true,
	},
	"meshConfig":   map[string]any{"trustDomain": true, "trustDomainAliases": true, "defaultConfig": map[string]any{"meshId": true, "proxyMetadata": true}},
	"istiodRemote": true,
	"pilot":        map[string]any{"env": envMask{}},
}

// envMask keeps the istiod environment variables Istio reads for the mesh.
type envMask struct{}

func (envMask) keep(name string) bool {
	for _, p := range []string{"PILOT_", "ISTIO_", "CLUSTER_ID", "EXTERNAL_ISTIOD", "SHARED_MESH_CONFIG", "CA_", "ENABLE_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// masked returns what of v the mask lets through, or nil.
func masked(v any, mask any) any {
	switch m := mask.(type) {
	case bool:
		return v
	case envMask:
		env, _ := v.(map[string]any)
		out := map[string]any{}
		for k, e := range env {
			if m.keep(k) {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case map[string]any:
		data, _ := v.(map[string]any)
		out := map[string]any{}
		for k, sub := range m {
			if e, ok := data[k]; ok {
				if kept := masked(e, sub); kept != nil {
					out[k] = kept
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}

// secretValues keeps of a Secret's values what secretMask lets through.
func secretValues(data map[string]any) map[string]any {
	out, _ := masked(data, secretMask).(map[string]any)
	return out
}
