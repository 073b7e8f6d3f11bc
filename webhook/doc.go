// Package webhook is meshcheck inside a cluster: a validating admission
// webhook that evaluates the cluster as it is and as it would be after a
// request, with the same engine and rules as lint and audit, and refuses
// changes that introduce error-severity findings.
//
// It keeps an informer cache of only the kinds the fleet model reads
// (inventory.Kinds), with secrets reduced to what the model derives facts
// from (model.Redact). It must never block a request because of a problem that already
// existed, never evaluate its own namespace or kube-system, and never log
// or keep a secret's credentials or keys.
package webhook
