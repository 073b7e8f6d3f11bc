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
	// violations, by rule package, are kept by ReviewChange for later
	// reviews of the same engine (byView) to start from; evaluated is how
	// many rules it evaluated.
	violations map[string][]violation
	byView     *Engine
	evaluated  int
}

// newReview builds the fleet model of a review.
func newReview(in []model.ClusterInput, opt ReviewOptions) *Review {
	fleet, merrs := model.Build(in, model.Options{Meshes: opt.Meshes})
	r := &Review{Fleet: fleet}
	for _, err := range merrs {
		r.Errors = append(r.Errors, err)
	}
	return r
}

// Review builds the fleet model from the objects of each cluster, evaluates
// the rules and applies settings and exemptions. It is the one path lint,
// audit and the webhook share: they differ only in where objects come from.
func (e *Engine) Review(ctx context.Context, in []model.ClusterInput, opt ReviewOptions) (*Review, error) {
	r := newReview(in, opt)
	fs, err := e.Evaluate(ctx, r.Fleet)
	if err != nil {
		return nil, err
	}
	r.apply(fs, opt)
	return r, nil
}

// ReviewChange is Review evaluating each rule on its view of the model
// (view.go). Given a base from an earlier ReviewChange (a Review's is
// ignored), it re-evaluates only the rules whose view differs from theirs
// in the base, and keeps the other rules' findings: the webhook reviews a
// cluster as a request would leave it at the cost of the rules the request
// can affect.
func (e *Engine) ReviewChange(ctx context.Context, base *Review, in []model.ClusterInput, opt ReviewOptions) (*Review, error) {
	r := newReview(in, opt)
	var err error
	r.byView = e
	if r.violations, r.evaluated, err = e.reevaluate(ctx, base, r.Fleet); err != nil {
		return nil, err
	}
	r.apply(e.findings(r.violations, r.Fleet), opt)
	return r, nil
}

// Evaluated is how many rules ReviewChange evaluated for this review: all
// of them without a base, those the change affected with one.
func (r *Review) Evaluated() int { return r.evaluated }

// apply applies settings and exemptions to the fleet's findings.
func (r *Review) apply(fs []Finding, opt ReviewOptions) {
	ex, exErrs := AnnotationExemptions(r.Fleet)
	r.Errors = append(r.Errors, exErrs...)
	r.Findings = Apply(fs, opt.Settings, append(ex, opt.Exemptions...))
}
