package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/source"
)

// namespace reads a kubernetes_namespace as the Namespace it creates.
func (r *reader) namespace(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	md := block(b.Body, "metadata")
	if md == nil {
		return nil, nil // the provider requires it
	}
	obj := r.kubeObject(b, "Namespace", md)
	doc, notes := r.document(obj, addr)
	return appendDoc(nil, doc), notes
}

// secret reads a kubernetes_secret as the Secret it creates. Terraform's
// data holds the values in clear, which a Secret's stringData does, and
// binary_data holds them base64-encoded, as a Secret's data: the values are
// kept where a Secret read from YAML keeps them, and never put in a note.
func (r *reader) secret(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	md := block(b.Body, "metadata")
	if md == nil {
		return nil, nil
	}
	obj := r.kubeObject(b, "Secret", md)
	for _, f := range []struct{ attr, field string }{{"type", "type"}, {"data", "stringData"}, {"binary_data", "data"}} {
		a := b.Body.Attributes[f.attr]
		if a == nil {
			continue
		}
		obj.keys, obj.kpos, obj.elems = append(obj.keys, f.field), append(obj.kpos, r.at(a.NameRange)), append(obj.elems, r.eval(a.Expr))
	}
	var notes []*source.Error
	if a := b.Body.Attributes["data_wo"]; a != nil {
		notes = append(notes, r.note(r.at(a.NameRange), "%s: data_wo (write-only) is not read", addr))
	}
	doc, ns := r.document(obj, addr)
	for _, n := range ns { // name the fields as the .tf file does
		msg := strings.TrimPrefix(n.Err.Error(), source.ErrNotEvaluated.Error()+": ")
		if rest, ok := strings.CutPrefix(msg, addr+": data."); ok {
			msg = addr + ": binary_data." + rest
		} else if rest, ok := strings.CutPrefix(msg, addr+": stringData."); ok {
			msg = addr + ": data." + rest
		}
		n.Err = fmt.Errorf("%w: %s", source.ErrNotEvaluated, msg)
	}
	return appendDoc(nil, doc), append(notes, ns...)
}

// kubeObject starts the object of a kubernetes_* resource: apiVersion and
// kind located at the resource, metadata at its block.
func (r *reader) kubeObject(b *hclsyntax.Block, kind string, md *hclsyntax.Block) *value {
	at := r.at(b.TypeRange)
	meta := r.blockValue(md)
	return &value{
		kind: kindObject, pos: at,
		keys:  []string{"apiVersion", "kind", "metadata"},
		kpos:  []hcl.Pos{at, at, r.at(md.TypeRange)},
		elems: []*value{stringValue(at, "v1"), stringValue(at, kind), meta},
	}
}

// manifest reads a kubernetes_manifest: an object written in HCL, or
// yamldecode of YAML text (located in the file it comes from).
func (r *reader) manifest(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	v := r.attr(b.Body, "manifest")
	if v == nil {
		return nil, nil
	}
	if len(v.decoded) == 1 {
		return v.decoded, nil
	}
	if v.kind != kindObject {
		return nil, []*source.Error{r.note(v.pos, "%s: manifest: %s", addr, cmpOr(v.firstUnknown(), "it is not an object"))}
	}
	doc, notes := r.document(v, addr)
	return appendDoc(nil, doc), notes
}

// kubectlManifest reads the YAML text of a kubectl_manifest (the
// gavinbunney/kubectl and alekc/kubectl providers).
func (r *reader) kubectlManifest(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	v := r.attr(b.Body, "yaml_body")
	if v == nil {
		return nil, nil
	}
	if v.kind != kindString || v.encoded != nil {
		if v.encoded != nil {
			doc, notes := r.document(v.encoded, addr)
			return appendDoc(nil, doc), notes
		}
		return nil, []*source.Error{r.note(v.pos, "%s: yaml_body: %s", addr, cmpOr(v.firstUnknown(), "it is not text"))}
	}
	return r.textObjects(v, addr)
}
