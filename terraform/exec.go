package terraform

import (
	"bytes"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/source"
)

// localExec notes a null_resource or terraform_data whose local-exec
// provisioner runs Istio's tools (istioctl install, kubectl apply of Istio
// objects, helm install of Istio's charts): what it installs exists only
// once the command has run, so the cluster's Istio is not shown by the
// files. The command is not quoted: it may hold secret material.
func (r *reader) localExec(b *hclsyntax.Block, addr string) ([]*source.Object, []*source.Error) {
	var notes []*source.Error
	for _, p := range b.Body.Blocks {
		if p.Type != "provisioner" || len(p.Labels) != 1 || p.Labels[0] != "local-exec" {
			continue
		}
		a := p.Body.Attributes["command"]
		if a == nil {
			continue
		}
		rng := a.Expr.Range()
		if rng.Start.Byte < 0 || rng.End.Byte > len(r.src) || rng.Start.Byte > rng.End.Byte {
			continue
		}
		cmd := bytes.ToLower(r.src[rng.Start.Byte:rng.End.Byte])
		if !bytes.Contains(cmd, []byte("istio")) {
			continue
		}
		notes = append(notes, r.note(r.at(a.NameRange), "%s: a local-exec provisioner runs a command that installs or configures Istio, which meshcheck does not run (what it creates is not in the files)", addr))
	}
	return nil, notes
}
