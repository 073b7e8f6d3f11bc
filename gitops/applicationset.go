package gitops

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/meshcheck/meshcheck/source"
)

// An Argo CD ApplicationSet is read as the Applications its generators
// give, each read as an Application is (argoApplication), as Argo CD's
// ApplicationSet controller makes them (applicationset/generators and
// utils in argoproj/argo-cd):
//
//   - list: one parameter set per element (its keys; in the default
//     syntax the element's values map as values.<key>), and elementsYaml;
//   - clusters: one per Argo CD cluster Secret among the cluster's objects
//     (label argocd.argoproj.io/secret-type: cluster) that the selector
//     matches, giving name, nameNormalized, server, project,
//     metadata.labels.<key>, metadata.annotations.<key> and values.<key>
//     (with goTemplate: metadata.labels and metadata.annotations maps), and
//     the in-cluster one when the selector is empty and no Secret is for it;
//   - matrix and merge of those, as Argo CD combines them;
//   - every other generator (git, scmProvider, pullRequest,
//     clusterDecisionResource, plugin) reads what the files do not hold:
//     the ApplicationSet is listed as not evaluated.
//
// The template is rendered with each parameter set in either syntax:
// fasttemplate ({{name}}) or goTemplate ({{.name}}, with
// goTemplateOptions). A parameter the generator does not give leaves the
// fields that use it unknown (never the text Argo CD leaves there), and is
// listed. When Argo CD would stop (missingkey=error, a template that does
// not parse, conflicting matrix parameters), it applies none of the
// ApplicationSet's Applications: none is read, and that is listed.
//
// Where a value comes from: a field whose template is one parameter alone
// ('{{name}}', "{{ index .metadata.labels "network" }}", and a line of
// helm.values that sets one) points at where the generator's value is
// written (the list element's value, the cluster Secret's label), which is
// what a user edits to change it for one cluster; every other field points
// at its line in the template.

// Argo CD's names.
const (
	clusterSecretType = "argocd.argoproj.io/secret-type"
	inClusterServer   = "https://kubernetes.default.svc"
	inClusterName     = "in-cluster"
)

// Bounds on what one ApplicationSet may make meshcheck do.
const (
	maxApplications   = 1000
	maxGeneratorDepth = 3
	// maxRenderedTotal bounds the text all of an ApplicationSet's
	// Applications render to.
	maxRenderedTotal = 32 << 20
)

// paramSet is one set of parameters a generator gives, with where each
// value is written (keyed as paramRef returns them).
type paramSet struct {
	vals map[string]any
	locs map[string]loc
}

// loc is where a value is written.
type loc struct {
	file      string
	line, col int
}

func locOf(o *source.Object, path string) loc {
	file, line, col := o.Locate(path)
	return loc{file: file, line: line, col: col}
}

// appSet is one ApplicationSet being read.
type appSet struct {
	x    *expander
	o    *source.Object
	objs []*source.Object
	r    *renderer
	// unmatched say which clusters generators matched no cluster Secret.
	unmatched []string
	// budget is what the ApplicationSet may still render, in bytes.
	budget int
	// redirect locates the values of a matrix's second generator that are
	// parameters of the first, by their path in the ApplicationSet.
	redirect map[string]loc
}

// loc is where the value at path of the ApplicationSet is written.
func (s *appSet) loc(path string) loc {
	if l, ok := s.redirect[path]; ok {
		return l
	}
	return locOf(s.o, path)
}

// notRun says why a generator's parameters are not known.
type notRun struct{ why string }

func (e *notRun) Error() string { return e.why }

func notRunf(format string, a ...any) error { return &notRun{why: fmt.Sprintf(format, a...)} }

// applicationSet returns the values documents of the Applications o
// generates for this cluster; those for other clusters go to x.elsewhere.
func (x *expander) applicationSet(o *source.Object, objs []*source.Object) []*source.Object {
	tmpl := o.Part("spec.template")
	if tmpl == nil || !mayInstallIstio(tmpl) && !patchMaySetChart(o) {
		return nil // another chart's, whatever its generators give
	}
	goTemplate, _ := o.Get("spec.goTemplate")
	var options []string
	if v, ok := o.Get("spec.goTemplateOptions"); ok {
		list, _ := v.([]any)
		for _, e := range list {
			options = append(options, fmt.Sprint(e))
		}
	}
	r, err := newRenderer(goTemplate == true, options)
	if err != nil {
		x.note(o, "spec.goTemplateOptions", "an Argo CD ApplicationSet that Argo CD cannot render: "+err.Error())
		return nil
	}
	patch := newTemplatePatch(o, r)
	if patch != nil && !r.goTemplate {
		x.note(o, "spec.templatePatch", "an Argo CD ApplicationSet with a templatePatch and no goTemplate: read as Argo CD's controller applies it, rendered with fasttemplate ({{param}}), although Argo CD's documentation says templatePatch needs goTemplate: true")
	}
	s := &appSet{x: x, o: o, objs: objs, r: r, budget: maxRenderedTotal}
	v, _ := o.Get("spec.generators")
	gens, _ := v.([]any)
	var sets []paramSet
	for i, g := range gens {
		at := fmt.Sprintf("spec.generators[%d]", i)
		m, _ := g.(map[string]any)
		ps, err := s.generate(m, at, 0, nil)
		if err != nil {
			if _, ok := err.(*notRun); ok {
				x.note(o, at, "an Argo CD ApplicationSet whose Applications are not known: "+err.Error())
				return nil
			}
			x.note(o, at, "an Argo CD ApplicationSet that Argo CD does not apply (it stops at an error, creating and updating none of its Applications): "+err.Error())
			return nil
		}
		sets = append(sets, ps...)
		if len(sets) > maxApplications {
			x.note(o, at, fmt.Sprintf("an Argo CD ApplicationSet of more than %d Applications is not read", maxApplications))
			return nil
		}
	}
	if len(sets) == 0 && len(s.unmatched) > 0 {
		x.note(o, "spec.generators", "an Argo CD ApplicationSet whose Applications are not known: "+s.unmatched[0])
		return nil
	}
	type app struct {
		obj   *source.Object
		texts map[string]map[int]lineLoc
	}
	var apps []app
	missing := map[string][]string{}      // parameter -> Applications
	patchMissing := map[string][]string{} // the same, in the templatePatch
	for _, p := range sets {
		st := &renderState{r: r, p: p, texts: map[string]map[int]lineLoc{}, budget: &s.budget}
		data, _ := st.value(tmpl.Data, nil).(map[string]any)
		if s.budget < 0 {
			x.note(o, "spec.template", fmt.Sprintf("an Argo CD ApplicationSet whose Applications render to more than %d MiB is not read", maxRenderedTotal>>20))
			return nil
		}
		if st.fail != nil {
			x.note(o, "spec.template", "an Argo CD ApplicationSet that Argo CD does not apply (it stops rendering its template, creating and updating none of its Applications): "+st.fail.Error())
			return nil
		}
		layers := st.layers
		if patch != nil {
			pd := patch.apply(data, p, &s.budget)
			switch {
			case pd.fail != nil:
				x.note(o, "spec.templatePatch", "an Argo CD ApplicationSet that Argo CD does not apply (its templatePatch fails, so it creates and updates none of its Applications): "+pd.fail.Error())
				return nil
			case pd.unknown != "":
				x.note(o, "spec.templatePatch", "an Argo CD ApplicationSet whose Applications are not known: what its templatePatch changes is not evaluated ("+pd.unknown+")")
				return nil
			case s.budget < 0:
				x.note(o, "spec.templatePatch", fmt.Sprintf("an Argo CD ApplicationSet whose Applications render to more than %d MiB is not read", maxRenderedTotal>>20))
				return nil
			}
			data = pd.data
			layers = append(slices.Clip(layers), pd.layers...)
			for path := range st.texts {
				for _, r := range pd.replaced {
					if path == r || strings.HasPrefix(path, r+".") || strings.HasPrefix(path, r+"[") {
						delete(st.texts, path)
					}
				}
			}
			maps.Copy(st.texts, pd.texts)
			for _, m := range pd.missing {
				patchMissing[m] = append(patchMissing[m], firstNonEmpty(str(&source.Object{Data: data}, "metadata.name"), "?"))
			}
		}
		c := *tmpl
		c.Data = data
		obj := &c
		if len(layers) > 0 {
			obj = c.WithLayers(layers...)
		}
		for _, u := range st.unknown {
			x.note(o, "spec.template", fmt.Sprintf("a field of the ApplicationSet's template is not evaluated (%s): it is unknown", u))
		}
		for _, m := range st.missing {
			missing[m] = append(missing[m], firstNonEmpty(obj.Name(), "?"))
		}
		apps = append(apps, app{obj: obj, texts: st.texts})
	}
	for _, m := range slices.Sorted(maps.Keys(missing)) {
		x.note(o, "spec.template", fmt.Sprintf("the ApplicationSet's template uses the parameter %q, which its generators do not give for %s (%s): the fields that use it are unknown", m, strings.Join(missing[m], ", "), r.whatMissingGives(m)))
	}
	for _, m := range slices.Sorted(maps.Keys(patchMissing)) {
		x.note(o, "spec.templatePatch", fmt.Sprintf("the ApplicationSet's templatePatch uses the parameter %q, which its generators do not give for %s (%s): the fields it decides are unknown", m, strings.Join(patchMissing[m], ", "), r.whatMissingGives(m)))
	}
	var out []*source.Object
	names := map[string]bool{}
	for _, a := range apps {
		name := a.obj.Name()
		if names[name] {
			x.note(o, "spec.template.metadata.name", fmt.Sprintf("the ApplicationSet generates two Applications named %q: Argo CD applies the first only (validateGeneratedApplications)", name))
			continue
		}
		names[name] = true
		if len(a.texts) > 0 {
			x.texts[a.obj] = a.texts
		}
		out = append(out, x.application(o, a.obj, objs, true)...)
	}
	return out
}

// mayInstallIstio says whether an Application template has a source that
// is one of Istio's charts, or may be once rendered.
func mayInstallIstio(tmpl *source.Object) bool {
	var prefixes []string
	if _, ok := tmpl.Get("spec.source"); ok {
		prefixes = append(prefixes, "spec.source")
	}
	v, _ := tmpl.Get("spec.sources")
	list, _ := v.([]any)
	for i := range list {
		prefixes = append(prefixes, fmt.Sprintf("spec.sources[%d]", i))
	}
	for _, p := range prefixes {
		chart, path := str(tmpl, p+".chart"), str(tmpl, p+".path")
		if ChartOf(chart) != "" || ChartOf(path) != "" || templated(chart) || templated(path) {
			return true
		}
	}
	return false
}

// generate returns the parameter sets of the generator gen at path at.
// outer are the parameters of a matrix's first generator, which the second
// is rendered with (nil otherwise).
func (s *appSet) generate(gen map[string]any, at string, depth int, outer *paramSet) ([]paramSet, error) {
	if depth > maxGeneratorDepth {
		return nil, notRunf("generators nested deeper than %d", maxGeneratorDepth)
	}
	if outer != nil {
		// A clusters generator's values keep what the first does not give:
		// they are rendered again with each cluster's parameters
		// (utils.Render.RenderGeneratorParams).
		keep := func(path []seg) bool {
			return len(path) == 3 && path[0].key == "clusters" && path[1].key == "values"
		}
		st := &renderState{r: s.r, p: *outer, refs: map[string]loc{}, budget: &s.budget, keepMissing: keep}
		gen, _ = st.value(gen, nil).(map[string]any)
		// A value of the second generator that is a parameter of the first
		// alone points where the first's is written.
		saved := s.redirect
		s.redirect = map[string]loc{}
		for p, l := range st.refs {
			s.redirect[at+"."+p] = l
		}
		defer func() { s.redirect = saved }()
		if st.fail != nil {
			return nil, st.fail
		}
		if s.budget < 0 {
			return nil, notRunf("its generators render to more than %d MiB", maxRenderedTotal>>20)
		}
		// A parameter the first does not give leaves what uses it unknown
		// (its place holds unknownValue), as in the template.
		for _, m := range st.missing {
			s.x.note(s.o, at, fmt.Sprintf("the matrix's second generator uses the parameter %q, which the first does not give for every parameter set (%s): what uses it is unknown", m, s.r.whatMissingGives(m)))
		}
		for _, u := range st.unknown {
			s.x.note(s.o, at, fmt.Sprintf("a field of the matrix's second generator is not evaluated (%s): it is unknown", u))
		}
	}
	var kinds []string
	for k := range gen {
		if k != "selector" {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return nil, notRunf("a generator with %d kinds (%s) is not run", len(kinds), strings.Join(slices.Sorted(slices.Values(kinds)), ", "))
	}
	kind := kinds[0]
	spec, _ := gen[kind].(map[string]any)
	if t, ok := spec["template"]; ok && !emptyTemplate(t) {
		return nil, notRunf("its %s generator has a template of its own, which meshcheck does not merge", kind)
	}
	sub := at + "." + kind
	var ps []paramSet
	var err error
	switch kind {
	case "list":
		ps, err = s.list(spec, sub)
	case "clusters":
		ps, err = s.clusters(spec, sub)
	case "matrix":
		ps, err = s.matrix(spec, sub, depth)
	case "merge":
		ps, err = s.merge(spec, sub, depth)
	case "git":
		return nil, notRunf("its git generator reads a Git repository's directories or files when Argo CD runs it")
	case "scmProvider", "pullRequest":
		return nil, notRunf("its %s generator asks an SCM provider's API when Argo CD runs it", kind)
	case "clusterDecisionResource":
		return nil, notRunf("its clusterDecisionResource generator reads a resource in the cluster when Argo CD runs it")
	case "plugin":
		return nil, notRunf("its plugin generator asks a plugin service when Argo CD runs it")
	default:
		return nil, notRunf("Argo CD knows no %q generator", kind)
	}
	if err != nil {
		return nil, err
	}
	sel, _ := gen["selector"].(map[string]any)
	if len(sel) == 0 {
		return ps, nil
	}
	var out []paramSet
	for _, p := range ps {
		ok, err := matches(sel, flatten(p.vals))
		if err != nil {
			return nil, fmt.Errorf("selector: %w", err)
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// emptyTemplate says whether a generator's template sets nothing (the
// CRD's defaulting leaves an empty one).
func emptyTemplate(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if !emptyTemplate(e) {
				return false
			}
		}
		return true
	case []any:
		return len(t) == 0
	case string:
		return t == ""
	case nil:
		return true
	}
	return false
}

// list is the list generator (generators/list.go).
func (s *appSet) list(spec map[string]any, at string) ([]paramSet, error) {
	elems, _ := spec["elements"].([]any)
	var out []paramSet
	for i, e := range elems {
		el, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("element %d is not a mapping", i)
		}
		ep := fmt.Sprintf("%s.elements[%d]", at, i)
		p := paramSet{vals: map[string]any{}, locs: map[string]loc{}}
		if s.r.goTemplate {
			p.vals = el
			s.recordLocs(p.locs, el, ep, nil)
			out = append(out, p)
			continue
		}
		for k, v := range el {
			kp := ep + "." + source.PathJoin(k)
			if k == "values" {
				vm, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("element %d: values is not a mapping", i)
				}
				for vk, vv := range vm {
					str, ok := vv.(string)
					if !ok {
						return nil, fmt.Errorf("element %d: values.%s is not a string", i, vk)
					}
					p.vals["values."+vk] = str
					p.locs["values."+vk] = s.loc(kp + "." + source.PathJoin(vk))
				}
				continue
			}
			str, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("element %d: %s is not a string", i, k)
			}
			p.vals[k] = str
			p.locs[k] = s.loc(kp)
		}
		out = append(out, p)
	}
	if text, ok := spec["elementsYaml"].(string); ok && text != "" {
		var elems []map[string]any
		if err := yaml.Unmarshal([]byte(text), &elems); err != nil {
			return nil, fmt.Errorf("elementsYaml: %w", err)
		}
		where := s.loc(at + ".elementsYaml")
		for _, el := range elems {
			p := paramSet{vals: el, locs: map[string]loc{}}
			for k := range el {
				p.locs[k] = where
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// recordLocs records where each value of a goTemplate element is written.
func (s *appSet) recordLocs(locs map[string]loc, v any, at string, path []string) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			s.recordLocs(locs, e, at+"."+source.PathJoin(k), append(slices.Clip(path), k))
		}
	default:
		if len(path) > 0 {
			locs[goKey(path...)] = s.loc(at)
		}
	}
}

// clusterSecret is an Argo CD cluster Secret among the objects.
type clusterSecret struct {
	o                     *source.Object
	name, server, project string
	hasProject            bool
}

// clusterSecrets returns the Argo CD cluster Secrets in the namespace of
// the ApplicationSet (Argo CD's; any, when either says none).
func clusterSecrets(objs []*source.Object, ns string) []clusterSecret {
	var out []clusterSecret
	for _, c := range objs {
		if c.Kind() != "Secret" || c.APIVersion() != "v1" {
			continue
		}
		if t, _ := c.Label(clusterSecretType); t != "cluster" {
			continue
		}
		if ns != "" && c.Namespace() != "" && c.Namespace() != ns {
			continue
		}
		cs := clusterSecret{o: c}
		cs.name, _, _, _ = dataAt(c, "name")
		cs.server, _, _, _ = dataAt(c, "server")
		cs.project, _, _, cs.hasProject = dataAt(c, "project")
		out = append(out, cs)
	}
	return out
}

// dataLoc locates a Secret's data key.
func dataLoc(o *source.Object, key string) loc {
	for _, f := range []string{"stringData", "data"} {
		p := f + "." + source.PathJoin(key)
		if _, ok := o.Get(p); ok {
			return locOf(o, p)
		}
	}
	return locOf(o, "")
}

// clusters is the cluster generator (generators/cluster.go).
func (s *appSet) clusters(spec map[string]any, at string) ([]paramSet, error) {
	sel, _ := spec["selector"].(map[string]any)
	if flat, _ := spec["flatList"].(bool); flat {
		return nil, notRunf("its clusters generator gives one flat list of clusters, which the template ranges over")
	}
	ignoreLocal := false
	if ml, _ := sel["matchLabels"].(map[string]any); len(ml) > 0 {
		ignoreLocal = true
	}
	if me, _ := sel["matchExpressions"].([]any); len(me) > 0 {
		ignoreLocal = true
	}
	all := clusterSecrets(s.objs, s.o.Namespace())
	byName := map[string]clusterSecret{}
	for _, c := range all {
		labels := c.o.Labels()
		ok, err := matches(sel, labels)
		if err != nil {
			return nil, fmt.Errorf("clusters selector: %w", err)
		}
		if ok {
			byName[c.name] = c // Argo CD keys them by name: the last wins
		}
	}
	values, _ := spec["values"].(map[string]any)
	var out []paramSet
	inCluster := false
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		c := byName[name]
		inCluster = inCluster || c.server == inClusterServer
		p := paramSet{vals: map[string]any{}, locs: map[string]loc{}}
		nl := dataLoc(c.o, "name")
		p.vals["name"], p.locs["name"] = c.name, nl
		p.vals["nameNormalized"], p.locs["nameNormalized"] = sanitizeName(c.name), nl
		p.vals["server"], p.locs["server"] = c.server, dataLoc(c.o, "server")
		p.vals["project"] = c.project
		if c.hasProject {
			p.locs["project"] = dataLoc(c.o, "project")
		}
		labels, annotations := c.o.Labels(), c.o.Annotations()
		if s.r.goTemplate {
			meta := map[string]any{}
			if len(annotations) > 0 {
				meta["annotations"] = annotations
			}
			if len(labels) > 0 {
				meta["labels"] = labels
			}
			p.vals["metadata"] = meta
		}
		for kind, m := range map[string]map[string]string{"labels": labels, "annotations": annotations} {
			for k, v := range m {
				l := locOf(c.o, "metadata."+kind+"."+source.PathJoin(k))
				if s.r.goTemplate {
					p.locs[goKey("metadata", kind, k)] = l
				} else {
					p.vals["metadata."+kind+"."+k] = v
					p.locs["metadata."+kind+"."+k] = l
				}
			}
		}
		if err := s.clusterValues(&p, values, at+".values"); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(byName) == 0 {
		what := "the linted files hold no Argo CD cluster Secret"
		if len(all) > 0 {
			what = fmt.Sprintf("none of the %d Argo CD cluster Secrets in the linted files matches its selector", len(all))
		}
		if ignoreLocal {
			// No parameters: in a merge, overrides for no known cluster;
			// if the ApplicationSet gives no Application at all, listed.
			s.unmatched = append(s.unmatched, fmt.Sprintf("its clusters generator (%s) makes one Application per Argo CD cluster Secret its selector matches, and %s (a cluster added with argocd cluster add is not in Git)", at, what))
		} else {
			s.x.note(s.o, at, fmt.Sprintf("an Argo CD ApplicationSet's clusters generator makes one Application per cluster Argo CD knows, and %s: only the in-cluster one is read", what))
		}
	}
	if !ignoreLocal && !inCluster {
		// Argo CD's own cluster, which needs no Secret (generated last).
		p := paramSet{vals: map[string]any{"name": inClusterName, "nameNormalized": inClusterName, "server": inClusterServer, "project": ""}, locs: map[string]loc{}}
		if err := s.clusterValues(&p, values, at+".values"); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// clusterValues adds a clusters generator's values, rendered with the
// cluster's parameters, as values.<key> (generators/value_interpolation.go).
func (s *appSet) clusterValues(p *paramSet, values map[string]any, at string) error {
	if len(values) == 0 {
		return nil
	}
	rendered := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v, ok := values[k].(string)
		if !ok {
			v = fmt.Sprint(values[k])
		}
		rr := s.r.render(v, p.vals)
		if rr.fail != nil {
			return rr.fail
		}
		for _, m := range rr.missing {
			s.x.note(s.o, at+"."+source.PathJoin(k), fmt.Sprintf("the clusters generator's value %s uses the parameter %q, which the cluster %s does not give (%s): what uses it is unknown", k, m, firstNonEmpty(fmt.Sprint(p.vals["name"]), "?"), s.r.whatMissingGives(m)))
		}
		key := "values." + k
		if s.r.goTemplate {
			key = goKey("values", k)
		}
		if ref, ok := s.r.paramRef(v); ok && len(rr.missing) == 0 {
			if l, ok := p.locs[ref]; ok {
				p.locs[key] = l
			}
		}
		if _, ok := p.locs[key]; !ok {
			p.locs[key] = s.loc(at + "." + source.PathJoin(k))
		}
		rendered[k] = rr.out
	}
	if s.r.goTemplate {
		p.vals["values"] = rendered
		return nil
	}
	for k, v := range rendered {
		p.vals["values."+k] = v
	}
	return nil
}

// nested returns the child generators of a matrix or merge.
func nested(spec map[string]any, at string) ([]map[string]any, []string) {
	list, _ := spec["generators"].([]any)
	var gens []map[string]any
	var paths []string
	for i, g := range list {
		m, _ := g.(map[string]any)
		gens = append(gens, m)
		paths = append(paths, fmt.Sprintf("%s.generators[%d]", at, i))
	}
	return gens, paths
}

// matrix is the matrix generator (generators/matrix.go): every parameter
// set of the first generator with every set of the second, rendered with
// the first's.
func (s *appSet) matrix(spec map[string]any, at string, depth int) ([]paramSet, error) {
	gens, paths := nested(spec, at)
	if len(gens) != 2 {
		return nil, fmt.Errorf("a matrix generator needs exactly two generators, not %d", len(gens))
	}
	first, err := s.generate(gens[0], paths[0], depth+1, nil)
	if err != nil {
		return nil, err
	}
	var out []paramSet
	for _, a := range first {
		second, err := s.generate(gens[1], paths[1], depth+1, &a)
		if err != nil {
			return nil, err
		}
		for _, b := range second {
			p := paramSet{locs: map[string]loc{}}
			maps.Copy(p.locs, b.locs)
			maps.Copy(p.locs, a.locs)
			if s.r.goTemplate {
				p.vals = deepMerge(deepMerge(map[string]any{}, b.vals), a.vals)
			} else {
				p.vals = map[string]any{}
				for k, v := range a.vals {
					p.vals[k] = fmt.Sprint(v)
				}
				for k, v := range b.vals {
					if cur, ok := p.vals[k]; ok && cur != fmt.Sprint(v) {
						return nil, fmt.Errorf("the matrix's generators both give %s, as %q and %q", k, cur, fmt.Sprint(v))
					}
					p.vals[k] = fmt.Sprint(v)
				}
			}
			out = append(out, p)
			if len(out) > maxApplications {
				return nil, notRunf("a matrix of more than %d parameter sets", maxApplications)
			}
		}
	}
	return out, nil
}

// merge is the merge generator (generators/merge.go): the first
// generator's parameter sets, each overridden by the sets of the others
// with the same values at mergeKeys.
func (s *appSet) merge(spec map[string]any, at string, depth int) ([]paramSet, error) {
	gens, paths := nested(spec, at)
	if len(gens) < 2 {
		return nil, fmt.Errorf("a merge generator needs two generators or more, not %d", len(gens))
	}
	kl, _ := spec["mergeKeys"].([]any)
	var keys []string
	for _, k := range kl {
		if str, ok := k.(string); ok && !slices.Contains(keys, str) {
			keys = append(keys, str)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("a merge generator needs mergeKeys")
	}
	var base map[string]*paramSet
	for i, g := range gens {
		ps, err := s.generate(g, paths[i], depth+1, nil)
		if err != nil {
			return nil, err
		}
		byKey := map[string]*paramSet{}
		for j := range ps {
			k := mergeKey(keys, ps[j].vals)
			if _, dup := byKey[k]; dup {
				return nil, fmt.Errorf("the merge's generator %d gives two parameter sets with %s", i+1, k)
			}
			byKey[k] = &ps[j]
		}
		if i == 0 {
			base = byKey
			continue
		}
		for k, b := range base {
			o, ok := byKey[k]
			if !ok {
				continue
			}
			merged := paramSet{locs: maps.Clone(b.locs)}
			maps.Copy(merged.locs, o.locs)
			if s.r.goTemplate {
				merged.vals = deepMerge(deepMerge(map[string]any{}, b.vals), o.vals)
			} else {
				merged.vals = maps.Clone(b.vals)
				maps.Copy(merged.vals, o.vals)
			}
			base[k] = &merged
		}
	}
	var out []paramSet
	for _, k := range slices.Sorted(maps.Keys(base)) {
		out = append(out, *base[k])
	}
	return out, nil
}

// mergeKey is the JSON of a parameter set's values at keys, as Argo CD
// compares them.
func mergeKey(keys []string, vals map[string]any) string {
	m := map[string]any{}
	for _, k := range keys {
		m[k] = vals[k]
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Sprint(m)
	}
	return string(b)
}

// deepMerge merges src into dst, src winning, into nested maps (as mergo
// with override does for goTemplate parameters).
func deepMerge(dst, src map[string]any) map[string]any {
	for k, v := range src {
		if sm, ok := v.(map[string]string); ok {
			if dm, ok := dst[k].(map[string]string); ok { // labels, annotations, values
				m := maps.Clone(dm)
				maps.Copy(m, sm)
				dst[k] = m
				continue
			}
		}
		if sm, ok := asMap(v); ok {
			if dm, ok := asMap(dst[k]); ok {
				dst[k] = deepMerge(maps.Clone(dm), sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[string]string:
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = e
		}
		return out, true
	}
	return nil, false
}

// flatten gives parameters as a selector sees them: nested keys joined by
// dots, values printed.
func flatten(vals map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := asMap(v); ok {
			for k, e := range m {
				walk(prefix+k+".", e)
			}
			return
		}
		out[strings.TrimSuffix(prefix, ".")] = fmt.Sprint(v)
	}
	for k, v := range vals {
		walk(k+".", v)
	}
	return out
}

// matches says whether labels satisfy a label selector (matchLabels and
// matchExpressions with In, NotIn, Exists, DoesNotExist).
func matches(sel map[string]any, labels map[string]string) (bool, error) {
	ml, _ := sel["matchLabels"].(map[string]any)
	for k, v := range ml {
		got, ok := labels[k]
		if !ok || got != fmt.Sprint(v) {
			return false, nil
		}
	}
	me, _ := sel["matchExpressions"].([]any)
	for _, e := range me {
		m, _ := e.(map[string]any)
		key, _ := m["key"].(string)
		op, _ := m["operator"].(string)
		vl, _ := m["values"].([]any)
		var values []string
		for _, v := range vl {
			values = append(values, fmt.Sprint(v))
		}
		got, has := labels[key]
		switch op {
		case "In":
			if !has || !slices.Contains(values, got) {
				return false, nil
			}
		case "NotIn":
			if has && slices.Contains(values, got) {
				return false, nil
			}
		case "Exists":
			if !has {
				return false, nil
			}
		case "DoesNotExist":
			if has {
				return false, nil
			}
		default:
			return false, fmt.Errorf("operator %q", op)
		}
	}
	return true, nil
}

// renderState renders a template with one parameter set and collects what
// the rendering found.
type renderState struct {
	r      *renderer
	p      paramSet
	layers []*source.Object
	// refs, when set, locate the strings that are one parameter alone.
	refs map[string]loc
	// budget is what may still be rendered (shared by the ApplicationSet).
	budget *int
	// keepMissing, when set, says which strings stay as written when they
	// use a parameter not given.
	keepMissing func([]seg) bool
	texts       map[string]map[int]lineLoc
	missing     []string
	unknown     []string
	fail        error
}

// lineLoc is where the value a line of a text sets comes from: at, if
// the value is value, or whatever it is when any is set (a line of a text
// a templatePatch sets).
type lineLoc struct {
	value string
	at    loc
	any   bool
}

// segment of a path being rendered: a key or an index.
type seg struct {
	key   string
	index int
}

func pathString(path []seg) string {
	var b strings.Builder
	for i, s := range path {
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(source.PathJoin(s.key))
	}
	return b.String()
}

// value renders every string of v (map keys too, as Argo CD does).
func (st *renderState) value(v any, path []seg) any {
	if st.fail != nil || *st.budget < 0 {
		return v
	}
	switch t := v.(type) {
	case string:
		return st.str(t, path)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			nk := k
			if strings.Contains(k, "{{") {
				nk = st.str(k, nil)
			}
			out[nk] = st.value(e, append(slices.Clip(path), seg{key: nk, index: -1}))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = st.value(e, append(slices.Clip(path), seg{index: i}))
		}
		return out
	}
	return v
}

// str renders one string at path (nil for a map key) and records where
// its value comes from.
func (st *renderState) str(s string, path []seg) string {
	rr := st.r.render(s, st.p.vals)
	*st.budget -= len(rr.out)
	if st.keepMissing != nil && st.keepMissing(path) && (len(rr.missing) > 0 || rr.fail != nil) {
		return s
	}
	if rr.fail != nil {
		st.fail = rr.fail
		return s
	}
	for _, m := range rr.missing {
		if !slices.Contains(st.missing, m) {
			st.missing = append(st.missing, m)
		}
	}
	if rr.unknown != "" && !slices.Contains(st.unknown, rr.unknown) {
		st.unknown = append(st.unknown, rr.unknown)
	}
	if path == nil || rr.out == s {
		return rr.out
	}
	if ref, ok := st.r.paramRef(s); ok && len(rr.missing) == 0 && rr.unknown == "" {
		if l, ok := st.p.locs[ref]; ok {
			st.layers = append(st.layers, layer(path, rr.out, l))
			if st.refs != nil {
				st.refs[pathString(path)] = l
			}
		}
		return rr.out
	}
	if strings.Contains(s, "\n") && strings.Count(s, "\n") == strings.Count(rr.out, "\n") {
		// A text (helm.values): a line that sets one parameter alone
		// points at the parameter's value.
		var lines map[int]lineLoc
		outLines := strings.Split(rr.out, "\n")
		for i, line := range strings.Split(s, "\n") {
			ref, ok := st.r.paramRef(lineValue(line))
			if !ok {
				continue
			}
			l, ok := st.p.locs[ref]
			if !ok {
				continue
			}
			if lines == nil {
				lines = map[int]lineLoc{}
			}
			lines[i] = lineLoc{value: lineValue(outLines[i]), at: l}
		}
		if lines != nil {
			st.texts[pathString(path)] = lines
		}
	}
	return rr.out
}

// layer is an object holding v at path alone, located at l: over the
// Application, it makes the field point at l (source.Object.Locate).
func layer(path []seg, v any, l loc) *source.Object {
	var build func(i int) any
	build = func(i int) any {
		if i == len(path) {
			return v
		}
		if path[i].index >= 0 {
			list := make([]any, path[i].index+1)
			list[path[i].index] = build(i + 1)
			return list
		}
		return map[string]any{path[i].key: build(i + 1)}
	}
	data, _ := build(0).(map[string]any)
	return &source.Object{Data: data, Origin: source.Origin{File: l.file, Line: l.line, Column: l.col}}
}

// locateText makes the values documents read from the text at path of a
// generated Application point, for a line that sets one parameter alone,
// at where the parameter's value is written.
func (x *expander) locateText(o *source.Object, path string, docs []*source.Object) []*source.Object {
	lines := x.texts[o][path]
	if len(lines) == 0 || len(docs) == 0 {
		return docs
	}
	text := str(o, path)
	local, _ := source.Read(strings.NewReader(text), o.Origin.File, x.lim)
	if len(local) != len(docs) {
		return docs
	}
	out := make([]*source.Object, len(docs))
	for i, d := range docs {
		offset := d.Origin.Line - local[i].Origin.Line
		var layers []*source.Object
		walkNodes(d.Data, nil, func(p []seg, v any) {
			if len(p) == 0 {
				return
			}
			line, _ := d.Position(pathString(p))
			ll, ok := lines[line-offset-1]
			_, isMap := v.(map[string]any)
			_, isList := v.([]any)
			if ok && (ll.any || !isMap && !isList && scalar(v) == ll.value) {
				layers = append(layers, layer(p, v, ll.at))
			}
		})
		out[i] = d
		if len(layers) > 0 {
			out[i] = d.WithLayers(layers...)
		}
	}
	return out
}

func scalar(v any) string {
	if s, ok := scalarText(v); ok {
		return s
	}
	return ""
}

// application reads one Argo CD Application, given by the input object
// home or generated from it: its values for this cluster are returned;
// those for another cluster of the fleet go to x.elsewhere.
func (x *expander) application(home, app *source.Object, objs []*source.Object, generated bool) []*source.Object {
	values := x.argoApplication(app)
	if len(values) == 0 {
		return nil // not an Istio chart's: wherever it deploys, nothing to read
	}
	target, why := destination(app, objs, generated)
	if why != "" {
		x.note(app, "spec.destination", why)
		return nil
	}
	if target == "" {
		return values
	}
	h := x.homeOf(home)
	x.elsewhere = append(x.elsewhere, Elsewhere{
		Cluster:   target,
		Objects:   values,
		Home:      h,
		Key:       fmt.Sprintf("%s\x00%d\x00%s", h.Origin.File, h.Origin.Index, app.Name()),
		Generated: generated,
		Missing:   note(app, "spec.destination", fmt.Sprintf("an Argo CD Application that deploys to cluster %s, which is not a cluster of the fleet: not read (declare the cluster with --fleet, --cluster or %s, or annotate the Application meshcheck.io/cluster: <fleet cluster>)", target, ".meshcheck.yaml")),
	})
	return nil
}

// destination names the fleet cluster an Application deploys to: "" for
// the cluster that holds it (Argo CD's own, in-cluster), else the
// Application's meshcheck.io/cluster annotation (which an ApplicationSet's
// template may set), else the Argo CD cluster its destination names,
// directly or by the server of an Argo CD cluster Secret among the
// objects. why says when the files do not tell. An annotated Application
// kept in the files is already its cluster's (fileset places it).
func destination(app *source.Object, objs []*source.Object, generated bool) (cluster, why string) {
	if c, ok := app.Annotation("meshcheck.io/cluster"); ok {
		switch {
		case !generated:
			return "", ""
		case templated(c):
			return "", "an Argo CD Application whose meshcheck.io/cluster annotation is not known once rendered"
		}
		return c, ""
	}
	name, server := str(app, "spec.destination.name"), str(app, "spec.destination.server")
	hint := "annotate it meshcheck.io/cluster: <fleet cluster> to have it read as that cluster's"
	if generated {
		hint = "annotate the ApplicationSet's template meshcheck.io/cluster: <fleet cluster>, e.g. '{{name}}', to have each read as its cluster's"
	}
	switch {
	case templated(name) || templated(server):
		return "", "an Argo CD Application whose destination is not known once rendered: not read"
	case name == inClusterName || name == "" && (server == "" || server == inClusterServer):
		return "", ""
	}
	secrets := clusterSecrets(objs, "")
	if name != "" {
		for _, c := range secrets {
			if c.name == name && c.server == inClusterServer {
				return "", "" // Argo CD's own cluster, named by its Secret
			}
		}
		return name, ""
	}
	for _, c := range secrets {
		if c.server == server && c.name != "" {
			if c.server == inClusterServer {
				return "", ""
			}
			return c.name, ""
		}
	}
	return "", fmt.Sprintf("an Argo CD Application that deploys to %s: which cluster of the fleet that is, the files do not say (no Argo CD cluster Secret among them has that server; %s)", server, hint)
}
