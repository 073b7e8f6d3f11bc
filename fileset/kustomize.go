package fileset

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/meshcheck/meshcheck/source"
)

// kustomizationFiles are the names kustomize looks for in a directory.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// Annotations kustomize adds when asked where each object comes from; they
// are read, then removed: they are not the user's.
const (
	originAnnotation         = "config.kubernetes.io/origin"
	transformationAnnotation = "alpha.config.kubernetes.io/transformations"
)

// errNotFetched stops a build that would fetch from the network (a remote
// base, a Helm chart to inflate): lint reads the repository only.
var errNotFetched = errors.New("refers to what kustomize would fetch from the network")

// kustomizationFile returns the kustomization file of dir, or "".
func kustomizationFile(dir string) string {
	for _, n := range kustomizationFiles {
		p := filepath.Join(dir, n)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// isKustomizationFile says whether file is a kustomization by its name.
func isKustomizationFile(file string) bool {
	return slices.Contains(kustomizationFiles, filepath.Base(file))
}

// built is the outcome of one kustomize build.
type built struct {
	objs []*source.Object
	err  *source.Error // the build failed: an input error
	note *source.Error // not evaluated (network needed)
}

// build runs kustomize on dir (which holds kustomization file kfile) and
// returns its output objects located in the files the user edits: an
// object that comes from a resource file keeps that file's positions for
// every field it has there (a field a patch changed is still located where
// the resource writes it); a generated object points at its generator in
// the kustomization; anything else at the kustomization file. raw finds the
// objects already read from a file.
func build(dir, kfile string, raw func(file string) []*source.Object, allow []string, ov *Overlay, lim source.Limits) built {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return built{err: &source.Error{File: kfile, Err: err}}
	}
	fsys := &originFS{FileSystem: filesys.MakeFsOnDisk(), root: abs, allow: allowedDirs(append([]string{dir}, allow...)), with: ov.fields()}
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsNone // as Flux builds
	m, err := krusty.MakeKustomizer(opts).Run(fsys, abs)
	if fsys.fetch != "" {
		file := fsys.fetch
		if rel, err := filepath.Rel(abs, file); err == nil {
			file = filepath.Join(dir, rel) // named as the user named dir
		}
		return built{note: &source.Error{File: file, Err: fmt.Errorf("%w: a kustomization that %s (a remote base or helmCharts): its objects are not read", source.ErrNotEvaluated, errNotFetched)}}
	}
	if err != nil {
		return built{err: &source.Error{File: kfile, Err: fmt.Errorf("kustomize build %s: %s", dir, strings.ReplaceAll(err.Error(), abs+string(filepath.Separator), ""))}}
	}
	text, err := m.AsYaml()
	if err != nil {
		return built{err: &source.Error{File: kfile, Err: fmt.Errorf("kustomize build %s: %w", dir, err)}}
	}
	out, errs := source.Read(strings.NewReader(string(text)), kfile, lim)
	if len(errs) > 0 {
		return built{err: errs[0]}
	}
	kobj := readKustomization(kfile, lim)
	patches := patchDocs(kfile, lim, map[string]bool{}, ov.from())
	for i, o := range out {
		out[i] = locate(o, dir, kfile, kobj, raw, patches)
	}
	return built{objs: out}
}

// locate places one output object in the file it comes from.
func locate(o *source.Object, dir, kfile string, kobj *source.Object, raw func(string) []*source.Object, patches patches) *source.Object {
	originText, _ := o.Annotation(originAnnotation)
	data := withoutBuildAnnotations(o.Data)
	var origin struct {
		Path         string `yaml:"path"`
		Repo         string `yaml:"repo"`
		ConfiguredIn string `yaml:"configuredIn"`
		ConfiguredBy struct {
			Kind string `yaml:"kind"`
			Name string `yaml:"name"`
		} `yaml:"configuredBy"`
	}
	_ = yaml.Unmarshal([]byte(originText), &origin)
	placed := &source.Object{Data: data, Origin: source.Origin{File: kfile, Line: 1, Column: 1}}
	switch {
	case origin.Repo != "":
	case origin.Path != "":
		file := filepath.Join(dir, filepath.FromSlash(origin.Path))
		if r := sameObject(raw(file), o); r != nil {
			c := *r
			c.Data = data
			if layers := patches.layers(&c, r, file); len(layers) > 0 {
				return c.WithLayers(layers...)
			}
			return &c
		}
	case origin.ConfiguredIn != "" && kobj != nil:
		placed.Origin.File = filepath.Join(dir, filepath.FromSlash(origin.ConfiguredIn))
		if filepath.Clean(placed.Origin.File) == filepath.Clean(kfile) {
			placed.Origin.Line = generatorLine(kobj, origin.ConfiguredBy.Kind, o.Name())
		}
	}
	return placed
}

// sameObject finds among a file's objects the one an output object was
// made from: same kind, and the same name or the name with a prefix or
// suffix added; the only one of its kind otherwise.
func sameObject(cands []*source.Object, o *source.Object) *source.Object {
	var kind []*source.Object
	for _, c := range cands {
		if c.Kind() == o.Kind() {
			kind = append(kind, c)
		}
	}
	for _, c := range kind {
		if c.Name() == o.Name() {
			return c
		}
	}
	for _, c := range kind {
		if c.Name() != "" && strings.Contains(o.Name(), c.Name()) {
			return c
		}
	}
	if len(kind) == 1 {
		return kind[0]
	}
	return nil
}

// generatorLine returns the line of the generator entry that makes name
// (generated names get a hash suffix), or the kustomization's first line.
func generatorLine(k *source.Object, kind, name string) int {
	field := map[string]string{"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}[kind]
	v, _ := k.Get(field)
	list, _ := v.([]any)
	for i, e := range list {
		m, _ := e.(map[string]any)
		if n, _ := m["name"].(string); n != "" && strings.HasPrefix(name, n) {
			line, _ := k.Position(fmt.Sprintf("%s[%d]", field, i))
			return line
		}
	}
	if line, _ := k.Position(field); line > 0 && field != "" {
		return line
	}
	return 1
}

func readKustomization(kfile string, lim source.Limits) *source.Object {
	objs := readFile(kfile, lim)
	if len(objs) == 0 {
		return nil
	}
	return objs[0]
}

// withoutBuildAnnotations removes the annotations meshcheck asked kustomize
// for, copying only what changes.
func withoutBuildAnnotations(data map[string]any) map[string]any {
	md, _ := data["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	_, o := ann[originAnnotation]
	_, t := ann[transformationAnnotation]
	if !o && !t {
		return data
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	m := make(map[string]any, len(md))
	for k, v := range md {
		m[k] = v
	}
	a := make(map[string]any, len(ann))
	for k, v := range ann {
		if k != originAnnotation && k != transformationAnnotation {
			a[k] = v
		}
	}
	if len(a) == 0 {
		delete(m, "annotations")
	} else {
		m["annotations"] = a
	}
	out["metadata"] = m
	return out
}

// originFS is the disk as kustomize reads it, with two changes: the root
// kustomization asks for origin annotations (so each output object says
// which file it comes from), and a kustomization that would fetch from the
// network (a remote resource, helmCharts) stops the build.
type originFS struct {
	filesys.FileSystem
	root  string
	fetch string // the kustomization that would fetch
	// with are fields added to the root kustomization (ReadTree).
	with map[string]any
	// allow are the directories (absolute, links resolved) kustomize may
	// read under: a kustomization of the linted repository must not put
	// another file of the machine (a CI credential) into a generated
	// object that lint prints.
	allow []string
}

// errOutside refuses a file outside the repository.
var errOutside = errors.New("outside the linted repository: not read")

func (f *originFS) inside(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for _, d := range f.allow {
		if within(abs, d) {
			return true
		}
	}
	return false
}

func (f *originFS) Open(path string) (filesys.File, error) {
	if !f.inside(path) {
		return nil, fmt.Errorf("%s: %w", path, errOutside)
	}
	return f.FileSystem.Open(path)
}

// kustomize build writes nothing; neither may a kustomization make it.
func (f *originFS) Create(path string) (filesys.File, error) { return nil, errReadOnly }
func (f *originFS) Mkdir(path string) error                  { return errReadOnly }
func (f *originFS) MkdirAll(path string) error               { return errReadOnly }
func (f *originFS) RemoveAll(path string) error              { return errReadOnly }
func (f *originFS) WriteFile(path string, data []byte) error { return errReadOnly }

var errReadOnly = errors.New("lint writes no file")

// allowedDirs resolves dirs to absolute paths with links resolved.
func allowedDirs(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		out = append(out, abs)
	}
	return out
}

func (f *originFS) ReadFile(path string) ([]byte, error) {
	if !f.inside(path) {
		return nil, fmt.Errorf("%s: %w", path, errOutside)
	}
	b, err := f.FileSystem.ReadFile(path)
	if err != nil || !isKustomizationFile(path) {
		return b, err
	}
	var k map[string]any
	if yaml.Unmarshal(b, &k) != nil || k == nil {
		return b, nil // kustomize reports it
	}
	if remote(k) {
		if f.fetch == "" {
			f.fetch = path
		}
		return nil, errNotFetched
	}
	if filepath.Dir(path) != f.root {
		return b, nil
	}
	meta, _ := k["buildMetadata"].([]any)
	if !slices.Contains(meta, any(types.OriginAnnotations)) {
		k["buildMetadata"] = append(meta, types.OriginAnnotations)
	}
	for field, v := range f.with {
		add, isList := v.([]any)
		have, _ := k[field].([]any)
		switch {
		case isList:
			k[field] = append(slices.Clone(have), add...)
		case field == "commonAnnotations":
			m, _ := k[field].(map[string]any)
			m = maps.Clone(m)
			if m == nil {
				m = map[string]any{}
			}
			extra, _ := v.(map[string]any)
			maps.Copy(m, extra)
			k[field] = m
		default:
			k[field] = v
		}
	}
	return yaml.Marshal(k)
}

// remote says whether a kustomization refers to anything kustomize would
// fetch: a URL or git reference among its resources, or Helm charts.
func remote(k map[string]any) bool {
	if _, ok := k["helmCharts"]; ok {
		return true
	}
	if _, ok := k["helmChartInflationGenerator"]; ok {
		return true
	}
	for _, field := range []string{"resources", "bases", "components"} {
		list, _ := k[field].([]any)
		for _, e := range list {
			s, _ := e.(string)
			if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "github.com/") || strings.Contains(s, "?ref=") {
				return true
			}
		}
	}
	return false
}

// placed is an object and the file whose cluster it belongs to: its own,
// or the kustomization that built it.
type placed struct {
	obj *source.Object
	at  string
}

// readInputs reads roots as source.ReadPaths does, and their Terraform
// files with the terraform package, then builds each
// kustomization among them that no other one includes: its output replaces
// the files of its tree (every file under a directory kustomize builds, and
// the files a kustomization names elsewhere).
func readInputs(roots, allow []string, ov *Overlay, stdin io.Reader, lim source.Limits) (files []string, out []placed, errs []*source.Error) {
	roots, tfNamed := splitTerraform(roots)
	files, objs, errs := source.ReadPaths(roots, stdin, lim)
	if tf, walkErrs := terraformFiles(roots, tfNamed); len(tf) > 0 || len(walkErrs) > 0 {
		tfObjs, tfErrs := readTerraform(tf, lim)
		files, objs = append(files, tf...), append(objs, tfObjs...)
		errs = append(append(errs, walkErrs...), tfErrs...)
	}
	kdirs := map[string]*source.Object{}
	for _, o := range objs {
		if f := o.Origin.File; isKustomizationFile(f) && o.Kind() == "Kustomization" && strings.HasPrefix(o.APIVersion(), "kustomize.config.k8s.io/") {
			if d := filepath.Clean(filepath.Dir(f)); kdirs[d] == nil {
				kdirs[d] = o
			}
		} else if isKustomizationFile(f) && o.APIVersion() == "" && o.Kind() == "" {
			// kind and apiVersion are optional in a kustomization
			if d := filepath.Clean(filepath.Dir(f)); kdirs[d] == nil {
				kdirs[d] = o
			}
		}
	}
	if len(kdirs) == 0 {
		out = make([]placed, len(objs))
		for i, o := range objs {
			out[i] = placed{o, o.Origin.File}
		}
		return files, out, errs
	}
	included, named := map[string]bool{}, map[string]bool{}
	for dir, k := range kdirs {
		for _, ref := range kustomizationRefs(k) {
			p := filepath.Clean(filepath.Join(dir, filepath.FromSlash(ref)))
			if kdirs[p] != nil {
				included[p] = true
			}
			named[p] = true
		}
	}
	byFile := map[string][]*source.Object{}
	for _, o := range objs {
		f := filepath.Clean(o.Origin.File)
		byFile[f] = append(byFile[f], o)
	}
	var mu sync.Mutex // builds run in parallel
	raw := func(file string) []*source.Object {
		f := filepath.Clean(file)
		mu.Lock()
		got, ok := byFile[f]
		mu.Unlock()
		if ok {
			return got
		}
		got = readFile(f, lim)
		for _, o := range got {
			o.Origin.File = file
		}
		mu.Lock()
		byFile[f] = got
		mu.Unlock()
		return got
	}
	consumed := func(file string) bool {
		f := filepath.Clean(file)
		if named[f] {
			return true
		}
		for d := filepath.Dir(f); ; d = filepath.Dir(d) {
			if kdirs[d] != nil || named[d] {
				return true
			}
			if parent := filepath.Dir(d); parent == d {
				return false
			}
		}
	}
	for _, o := range objs {
		if !consumed(o.Origin.File) {
			out = append(out, placed{o, o.Origin.File})
		}
	}
	var dirs []string
	for _, dir := range slices.Sorted(maps.Keys(kdirs)) {
		if !included[dir] {
			dirs = append(dirs, dir)
		}
	}
	// kustomize takes milliseconds a build: a fleet of overlays is built
	// on every core, and its output kept in the order of the directories.
	results := make([]built, len(dirs))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(dirs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var w *Overlay
				if len(roots) > 0 && dirs[i] == filepath.Clean(roots[0]) {
					w = ov // the directory a Flux Kustomization builds
				}
				results[i] = build(dirs[i], kdirs[dirs[i]].Origin.File, raw, allow, w, lim)
			}
		}()
	}
	for i := range dirs {
		work <- i
	}
	close(work)
	wg.Wait()
	for i, dir := range dirs {
		kfile := kdirs[dir].Origin.File
		b := results[i]
		switch {
		case b.err != nil:
			errs = append(errs, b.err)
		case b.note != nil:
			errs = append(errs, b.note)
		}
		for _, o := range b.objs {
			out = append(out, placed{o, kfile})
		}
	}
	return files, out, errs
}

// kustomizationRefs lists the local paths a kustomization names: its
// resources, bases and components, and the files of its patches and
// generators.
func kustomizationRefs(k *source.Object) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" && !strings.Contains(s, "://") {
			if _, p, ok := strings.Cut(s, "="); ok { // generator files: key=path
				s = p
			}
			out = append(out, s)
		}
	}
	for _, field := range []string{"resources", "bases", "components", "crds", "patchesStrategicMerge"} {
		list, _ := k.Data[field].([]any)
		for _, e := range list {
			add(e)
		}
	}
	for _, field := range []string{"patches", "patchesJson6902"} {
		list, _ := k.Data[field].([]any)
		for _, e := range list {
			m, _ := e.(map[string]any)
			add(m["path"])
		}
	}
	for _, field := range []string{"configMapGenerator", "secretGenerator"} {
		list, _ := k.Data[field].([]any)
		for _, e := range list {
			m, _ := e.(map[string]any)
			for _, sub := range []string{"files", "envs"} {
				l, _ := m[sub].([]any)
				for _, f := range l {
					add(f)
				}
			}
			add(m["env"])
		}
	}
	return out
}

// ReadTree reads the manifests under dir as kustomize builds them (Flux
// applies a directory without a kustomization the same way), for the
// GitOps objects that apply a directory of the repository, with what ov
// adds to dir's kustomization (a directory without one is read as it is,
// and ov's fields noted as not applied); ov may be nil. kustomize reads no
// file outside dir and allow (the repository's roots).
func ReadTree(dir string, ov *Overlay, allow []string, lim source.Limits) ([]*source.Object, []string, []*source.Error) {
	files, ps, errs := readInputs([]string{dir}, allow, ov, nil, lim)
	if len(ov.fields()) > 0 && kustomizationFile(dir) == "" {
		fields := slices.Sorted(maps.Keys(ov.fields()))
		errs = append(errs, &source.Error{File: dir, Err: fmt.Errorf("%w: a Flux Kustomization builds this directory with %s, which meshcheck applies only to a directory with a kustomization.yaml: its objects are read as the files write them", source.ErrNotEvaluated, strings.Join(fields, ", "))})
	}
	objs := make([]*source.Object, len(ps))
	for i, p := range ps {
		objs[i] = p.obj
	}
	return objs, files, errs
}

// maxKustomizationDepth bounds how deep patchDocs follows included
// kustomizations.
const maxKustomizationDepth = 32

// patch is one patch of a kustomization: a strategic-merge patch document
// located where it is written (a patch file, or the kustomization for an
// inline patch), or a JSON6902 patch.
type patch struct {
	doc  *source.Object
	json *jsonPatch
	// files are the resource files the kustomization holding the patch
	// includes (itself or through the kustomizations it includes): kustomize
	// applies its patches to their objects only.
	files map[string]bool
}

// patches are the patches of a kustomization and those it includes, in the
// order kustomize applies them, and the resource files it includes.
type patches struct {
	list  []patch
	files map[string]bool
}

// patchDocs returns the patches of the kustomization kfile and of those it
// includes in the order kustomize applies them (api/internal/target:
// kusttarget.go accumulateTarget builds the resources, each included
// kustomization with its own patches, then the components, then runs the
// kustomization's transformers, which kusttarget_configplugin.go
// configureBuiltinTransformers orders patchesStrategicMerge, patches (in
// list order, each entry a strategic-merge or a JSON6902 patch as its text
// parses, internal/builtins/PatchTransformer.go), the namespace, name and
// label transformers, then patchesJson6902 (in list order)).
func patchDocs(kfile string, lim source.Limits, visited map[string]bool, from *source.Object) patches {
	list, files := collectPatches(kfile, lim, visited, nil, from)
	return patches{list: list, files: files}
}

// collectPatches returns the patches of kfile and those it includes, and
// the resource files it includes. A component's patches apply to what its
// includer accumulated (scope), not to its own resources only.
func collectPatches(kfile string, lim source.Limits, visited, scope map[string]bool, from *source.Object) (out []patch, files map[string]bool) {
	files = map[string]bool{}
	if visited[kfile] || len(visited) >= maxKustomizationDepth {
		return nil, files
	}
	visited[kfile] = true
	k := readKustomization(kfile, lim)
	if k == nil {
		return nil, files
	}
	dir := filepath.Dir(kfile)
	own := files // the objects its own patches apply to
	if scope != nil {
		own = scope
	}
	for _, field := range []string{"resources", "bases", "components"} {
		_, v := kfield(k, field)
		list, _ := v.([]any)
		for _, e := range list {
			ref, _ := e.(string)
			if ref == "" || strings.Contains(ref, "://") {
				continue
			}
			p := filepath.Join(dir, filepath.FromSlash(ref))
			if sub := kustomizationFile(p); sub != "" {
				var subScope map[string]bool
				if field == "components" {
					subScope = own
				}
				subOut, subFiles := collectPatches(sub, lim, visited, subScope, nil)
				out = append(out, subOut...)
				maps.Copy(files, subFiles)
			} else {
				files[filepath.Clean(p)] = true
			}
		}
	}
	kinded := func(objs []*source.Object) {
		for _, o := range objs {
			if o.Kind() != "" {
				out = append(out, patch{doc: o, files: own})
			}
		}
	}
	field, v := kfield(k, "patchesStrategicMerge")
	list, _ := v.([]any)
	for i, e := range list {
		if s, _ := e.(string); strings.Contains(s, "\n") {
			objs, _ := k.Embedded(fmt.Sprintf("%s[%d]", source.PathJoin(field), i), lim)
			kinded(objs)
		} else if s != "" {
			kinded(readFile(filepath.Join(dir, filepath.FromSlash(s)), lim))
		}
	}
	for _, field := range []string{"patches", "patchesJson6902"} {
		name, v := kfield(k, field)
		list, _ := v.([]any)
		for i := range list {
			out = append(out, patchEntry(k, fmt.Sprintf("%s[%d]", source.PathJoin(name), i), dir, field == "patchesJson6902", own, lim)...)
		}
		if field == "patches" {
			// A Flux Kustomization's patches come after the kustomization's
			// own (kustomize-controller appends them to its patches field).
			out = append(out, overlayPatches(from, own, lim)...)
		}
	}
	return out, files
}

// kfield returns a field of a kustomization and its key as written:
// kustomize reads the fields through encoding/json, so a key in another
// case (patchesJSON6902, as many repositories write it) is the same field.
func kfield(k *source.Object, name string) (string, any) {
	if v, ok := k.Data[name]; ok {
		return name, v
	}
	for _, key := range slices.Sorted(maps.Keys(k.Data)) {
		if strings.EqualFold(key, name) {
			return key, k.Data[key]
		}
	}
	return name, nil
}

// layers returns the layers of the object kustomize rendered as o from the
// resource raw (read from file), in the order they were applied: the
// strategic-merge patches of its kind and name, and what the JSON6902
// patches that select it set.
func (ps patches) layers(o, raw *source.Object, file string) []*source.Object {
	file = filepath.Clean(file)
	var out []*source.Object
	for _, p := range ps.list {
		if ps.files[file] && !p.files[file] {
			continue // a kustomization that does not include the object
		}
		switch {
		case p.doc != nil:
			if p.doc.Kind() == o.Kind() && (p.doc.Name() == "" || p.doc.Name() == raw.Name() || p.doc.Name() == o.Name()) {
				out = append(out, p.doc)
			}
		case p.json.matches(o, raw):
			for _, op := range p.json.ops {
				for _, l := range op.layers(o.Data) {
					if l != nil {
						out = append(out, l)
					}
				}
			}
		}
	}
	return out
}

// readText returns a file's text, or nil when it cannot be read or is over
// the size limit.
func readText(file string, lim source.Limits) []byte {
	info, err := os.Stat(file)
	if err != nil || (lim.MaxFileBytes > 0 && info.Size() > lim.MaxFileBytes) {
		return nil
	}
	b, _ := os.ReadFile(file)
	return b
}

func readFile(file string, lim source.Limits) []*source.Object {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	objs, _ := source.Read(f, file, lim)
	return objs
}
