package checks

import (
	"context"

	"github.com/meshcheck/meshcheck/model"
)

// ReviewOptions are what configuration adds to a review.
type ReviewOptions struct {
	// Meshes declares groups of clusters meant to be one mesh.
	Meshes     [][]string
	Settings   map[string]RuleSetting
	Exemptions []Exemption
}

// Review is the outcome of evaluating one fleet.
type Review struct {
	Fleet    *model.Fleet
	Findings []Finding
	// Errors are problems with single inputs; the review went on without them.
	Errors []error
	// snapshot is set by ReviewChange, for later reviews to start from.
	snapshot *snapshot
}

// Review builds the fleet model from the objects of each cluster, evaluates
// the rules and applies settings and exemptions. It is the one path lint,
// audit and the webhook share: they differ only in where objects come from.
func (e *Engine) Review(ctx context.Context, in []model.ClusterInput, opt ReviewOptions) (*Review, error) {
	fleet, merrs := model.Build(in, model.Options{Meshes: opt.Meshes})
	r := &Review{Fleet: fleet}
	for _, err := range merrs {
		r.Errors = append(r.Errors, err)
	}
	fs, err := e.Evaluate(ctx, fleet)
	if err != nil {
		return nil, err
	}
	r.apply(fs, opt)
	return r, nil
}

// ReviewChange is Review evaluating each rule on its view of the model
// (view.go). Given a base from an earlier ReviewChange, it re-evaluates only
// the rules whose view differs from theirs in the base, and keeps the
// other rules' findings: the webhook reviews a cluster as a request would
// leave it at the cost of the rules the request can affect.
func (e *Engine) ReviewChange(ctx context.Context, base *Review, in []model.ClusterInput, opt ReviewOptions) (*Review, error) {
	fleet, merrs := model.Build(in, model.Options{Meshes: opt.Meshes})
	r := &Review{Fleet: fleet}
	for _, err := range merrs {
		r.Errors = append(r.Errors, err)
	}
	var from *snapshot
	if base != nil {
		from = base.snapshot
	}
	s, err := e.snapshot(ctx, fleet, from)
	if err != nil {
		return nil, err
	}
	r.snapshot = s
	r.apply(e.findings(s), opt)
	return r, nil
}

// Evaluated is how many rules ReviewChange evaluated for this review: all
// of them without a base, those the change affected with one.
func (r *Review) Evaluated() int {
	if r.snapshot == nil {
		return 0
	}
	return r.snapshot.evaluated
}

// apply applies settings and exemptions to the fleet's findings.
func (r *Review) apply(fs []Finding, opt ReviewOptions) {
	ex, exErrs := AnnotationExemptions(r.Fleet)
	r.Errors = append(r.Errors, exErrs...)
	r.Findings = Apply(fs, opt.Settings, append(ex, opt.Exemptions...))
}
