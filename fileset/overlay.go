package fileset

import (
	"fmt"

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
	for i, e := range list {
		m, _ := e.(map[string]any)
		at := fmt.Sprintf("spec.patches[%d].patch", i)
		text, offset, ok := from.EmbeddedText(at)
		if !ok {
			continue
		}
		if ops, ok := readJSONPatch([]byte(text), from.Origin.File, offset, true, lim); ok {
			out = append(out, patch{json: &jsonPatch{target: selector(m["target"]), ops: ops}, files: files})
			continue
		}
		docs, _ := from.Embedded(at, lim)
		for _, d := range docs {
			if d.Kind() != "" {
				out = append(out, patch{doc: d, files: files})
			}
		}
	}
	return out
}
