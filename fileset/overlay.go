package fileset

import (
	"fmt"
	"path/filepath"

	"github.com/meshcheck/meshcheck/source"
)

// Overlay is what a Flux Kustomization adds to the kustomization of the
// directory it builds (kustomize-controller adds its fields to it): the
// fields, and the Flux Kustomization that writes them, where a value one of
// its patches sets is located.
type Overlay struct {
	Fields map[string]any
	// From is the Flux Kustomization: its spec.patches are Fields' patches.
	From *source.Object
}

func (ov *Overlay) fields() map[string]any {
	if ov == nil {
		return nil
	}
	return ov.Fields
}

func (ov *Overlay) from() *source.Object {
	if ov == nil {
		return nil
	}
	return ov.From
}

// overlayPatches are the inline patches of a Flux Kustomization (from, or
// nil), located where it writes them: strategic-merge patches as
// documents, JSON6902 ones as operations. files are the resource files
// they apply to.
func overlayPatches(from *source.Object, files map[string]bool, lim source.Limits) []patch {
	if from == nil {
		return nil
	}
	v, _ := from.Get("spec.patches")
	list, _ := v.([]any)
	var out []patch
	for i := range list {
		out = append(out, patchEntry(from, fmt.Sprintf("spec.patches[%d]", i), "", false, files, lim)...)
	}
	return out
}

// patchEntry reads the patch entry of k at path (an item of patches,
// patchesJson6902 or a Flux Kustomization's spec.patches): its patch file
// (path, under dir) or inline text (patch), a JSON6902 patch when the text
// is a list of operations, else (unless jsonOnly) strategic-merge
// documents, located where they are written.
func patchEntry(k *source.Object, at, dir string, jsonOnly bool, files map[string]bool, lim source.Limits) []patch {
	v, _ := k.Get(at)
	m, _ := v.(map[string]any)
	json := func(ops []jsonOp) []patch {
		return []patch{{json: &jsonPatch{target: selector(m["target"]), ops: ops}, files: files}}
	}
	var docs []*source.Object
	if p, _ := m["path"].(string); p != "" && dir != "" {
		file := filepath.Join(dir, filepath.FromSlash(p))
		if ops, ok := readJSONPatch(readText(file, lim), file, 0, false, lim); ok {
			return json(ops)
		}
		docs = readFile(file, lim)
	} else if text, offset, ok := k.EmbeddedText(at + ".patch"); ok {
		if ops, ok := readJSONPatch([]byte(text), k.Origin.File, offset, true, lim); ok {
			return json(ops)
		}
		docs, _ = k.Embedded(at+".patch", lim)
	}
	var out []patch
	for _, d := range docs {
		if d.Kind() != "" && !jsonOnly {
			out = append(out, patch{doc: d, files: files})
		}
	}
	return out
}
