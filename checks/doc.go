// Package checks evaluates meshcheck's rules on a fleet model and returns
// typed findings. It loads the built-in Rego policies (embedded) and the
// directories a user passes, reads each rule's METADATA into the catalog
// (a rule without complete METADATA stops the engine from starting),
// compiles and prepares the queries once, and evaluates them on the model
// (Engine: lint, audit). A Reviewer, prepared from an Engine, evaluates
// them rule by rule, each on its view of the model, so that a change is
// reviewed against a Baseline at the cost of the rules it can affect (the
// webhook). The conversion to Rego, the views and the comparison of two
// fleets all follow one description of the model's shape (shape.go).
// Engines and Reviewers are safe for concurrent use.
//
// Its contract: the same model gives the same findings, in the same order,
// whichever front-end built it; a finding's code, severity, title and
// remediation come from its rule's METADATA; its location comes from the
// provenance of the model fact the rule names.
//
// It must not:
//   - read manifests, kubeconfigs or clusters: its input is a model.Fleet
//     (or the objects Review hands to model.Build), and the only files it
//     opens are policy files;
//   - hold rule logic in Go: what is wrong is decided in Rego, and a rule
//     that needs something the model lacks needs a model fact, not a case
//     here;
//   - print, log or exit: findings and errors are returned, and the
//     front-ends decide what to show and which exit code follows;
//   - filter findings by a severity threshold or format them: that is the
//     front-ends' and package report's work.
package checks
