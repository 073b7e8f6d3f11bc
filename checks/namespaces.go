package checks

import (
	"maps"
	"strings"

	"github.com/meshcheck/meshcheck/model"
)

// A namespace's labels and annotations are data, not names: a built-in
// rule's view keeps only the keys that some built-in rule's code names as a
// string (namespaceKeys), as it keeps only the record fields its code names.
// A rule that read a namespace label through a computed key would find less
// on its view than on the whole model, which TestViewsChangeNoFinding
// catches. This is what lets a front-end that evaluates a sample of a
// cluster's namespaces (the webhook's projection) keep one namespace per
// distinct set of the keys the rules can see (NamespaceReads), sound by
// construction: no built-in rule can tell apart namespaces that agree on
// them.

// keyPrefix marks, in a view's names, a label or annotation key the rules
// name (no record field contains a NUL byte).
const keyPrefix = "key\x00"

// namespaceFactKeys are the labels and annotations the model derives a
// namespace's facts from (network, revision, injection, control plane
// clusters): rules read those facts, not the keys, so the keys matter
// whether or not a rule names them. TestNamespaceFactKeysCoverTheFacts
// keeps the list in step with the model.
var namespaceFactKeys = []string{model.LabelNetwork, model.LabelRevision, "istio-injection", "topology.istio.io/controlPlaneClusters"}

// NamespaceReads is what the engine's rules can tell namespaces apart by.
// Two namespaces that agree on every key Distinguishes accepts, and whose
// names neither is Named, are alike for every rule: a rule's findings about
// one stand for the other, and a rule that aggregates over namespaces sees
// the same values either way. Counting namespaces is not among what the
// built-in rules can do (they name no raw object and see namespaces through
// their keyed records); a user's rule can, so with one All is set.
type NamespaceReads struct {
	// All is set when some rule may read any part of a namespace, or count
	// them: a user's rule (--policy), which sees the whole model, or a rule
	// reading the raw objects. Every namespace then stands for itself.
	All bool
	// Keys are the label and annotation keys the rules can see, and those
	// the model derives namespace facts from.
	Keys map[string]bool
}

// Distinguishes says whether a label or annotation key can tell namespaces
// apart for the rules. Exemption annotations always do (the engine applies
// them to the findings of the object that carries them).
func (r NamespaceReads) Distinguishes(key string) bool {
	return r.All || r.Keys[key] || strings.HasPrefix(key, AnnotationPrefix)
}

// Named says whether a rule may single out the namespace called name (its
// code holds the name as a string: "istio-system", "kube-system"...).
func (r NamespaceReads) Named(name string) bool { return r.All || r.Keys[name] }

// NamespaceReads returns what the engine's rules can tell namespaces apart by.
func (e *Engine) NamespaceReads() NamespaceReads {
	for _, fields := range e.named.fields {
		if fields == nil || fields["objects"] {
			return NamespaceReads{All: true}
		}
	}
	out := NamespaceReads{Keys: maps.Clone(e.named.keys)}
	for _, k := range namespaceFactKeys {
		out.Keys[k] = true
	}
	return out
}
