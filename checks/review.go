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
}

// newReview builds the fleet model of a review.
func newReview(in []model.ClusterInput, opt ReviewOptions) Review {
	fleet, merrs := model.Build(in, model.Options{Meshes: opt.Meshes})
	r := Review{Fleet: fleet}
	for _, err := range merrs {
		r.Errors = append(r.Errors, err)
	}
	return r
}

// Review builds the fleet model from the objects of each cluster, evaluates
// the rules and applies settings and exemptions. It is the one path lint,
// audit and the webhook share: they differ only in where objects come from
// (the webhook's Reviewer evaluates the same rules rule by rule).
func (e *Engine) Review(ctx context.Context, in []model.ClusterInput, opt ReviewOptions) (*Review, error) {
	r := newReview(in, opt)
	fs, err := e.Evaluate(ctx, r.Fleet)
	if err != nil {
		return nil, err
	}
	r.apply(fs, opt)
	return &r, nil
}

// apply applies settings and exemptions to the fleet's findings.
func (r *Review) apply(fs []Finding, opt ReviewOptions) {
	ex, exErrs := annotationExemptions(r.Fleet)
	r.Errors = append(r.Errors, exErrs...)
	r.Findings = applySettings(fs, opt.Settings, append(ex, opt.Exemptions...))
}
