package webhook

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// State is the cluster's watched objects at one cache generation: what the
// decision reads as "before". It is immutable once built, so requests
// share it without copying.
//
// Requests are evaluated on a projection of the state, not on all of it:
// every object but Namespaces, the namespaces those objects live in or the
// rules name, and one namespace per distinct set of the labels and
// annotations the rules can see among the others (the engine says which:
// checks.NamespaceReads). A large cluster's thousands of namespaces differ,
// for the built-in rules, only in those keys, and per-namespace findings of
// one representative stand for all namespaces like it; the projection keeps
// an evaluation at tens of objects whatever the cluster's size. With a rule
// that can read any part of a namespace (a user's rule), every namespace
// stands for itself and the projection is the whole state.
type State struct {
	// Generation changes whenever the cache does; the "before" review is
	// computed once per generation.
	Generation uint64
	index      map[string]*source.Object
	// proj is the projection, and projKeys its keys.
	proj     []*source.Object
	projKeys []string
	inProj   map[string]bool
	// ns is what the rules tell namespaces apart by.
	ns checks.NamespaceReads
	// Peers are the other clusters of the fleet, read from their API
	// servers, for fleet rules (nil when admission is cluster-only).
	Peers []model.ClusterInput

	// reads are shared by the copies that add peers to the state.
	reads *stateReads
}

type stateReads struct {
	once sync.Once
	r    *model.Reads
}

// Reads are the projection's objects read once as those of cluster: a
// state belongs to one cluster, and the first name asked for is kept.
func (s *State) Reads(cluster string) *model.Reads {
	s.reads.once.Do(func() { s.reads.r = model.ReadObjects(cluster, s.proj) })
	return s.reads.r
}

// NewState builds a state from objects, in the order given, whose
// projection keeps every namespace: right whatever the rules read.
// Objects with the same key (one object seen through two selections) are
// kept once.
func NewState(gen uint64, objs []*unstructured.Unstructured) *State {
	return NewProjectedState(gen, objs, checks.NamespaceReads{All: true})
}

// NewProjectedState builds a state whose projection keeps one namespace
// per distinct set of what ns distinguishes.
func NewProjectedState(gen uint64, objs []*unstructured.Unstructured, ns checks.NamespaceReads) *State {
	s := &State{Generation: gen, index: make(map[string]*source.Object, len(objs)), inProj: map[string]bool{}, reads: &stateReads{}, ns: ns}
	anchors := map[string]bool{"istio-system": true}
	var namespaces []*unstructured.Unstructured
	for _, u := range objs {
		k := keyOf(u)
		if _, seen := s.index[k]; seen {
			continue
		}
		s.index[k] = &source.Object{Data: u.Object}
		if isNamespace(u.GroupVersionKind().Group, u.GetKind()) {
			namespaces = append(namespaces, u)
			continue
		}
		anchors[u.GetNamespace()] = true
		s.add(k)
	}
	signatures := map[string]bool{}
	for _, u := range namespaces {
		sig := s.signature(u)
		if anchors[u.GetName()] || ns.Named(u.GetName()) || !signatures[sig] {
			signatures[sig] = true
			s.add(keyOf(u))
		}
	}
	return s
}

func (s *State) add(k string) {
	s.inProj[k] = true
	s.projKeys = append(s.projKeys, k)
	s.proj = append(s.proj, s.index[k])
}

// Len is the number of objects in the state.
func (s *State) Len() int { return len(s.index) }

// lookup returns the object with key k.
func (s *State) lookup(k string) *source.Object { return s.index[k] }

// with returns the projection with key k removed and add appended: the
// cluster as the evaluation sees it after (or, with k = "", before) the
// request.
func (s *State) with(k string, add ...*source.Object) []*source.Object {
	out := make([]*source.Object, 0, len(s.proj)+len(add))
	for i, o := range s.proj {
		if s.projKeys[i] != k {
			out = append(out, o)
		}
	}
	for _, o := range add {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

func isNamespace(group, kind string) bool { return group == "" && kind == "Namespace" }

// signature is what the rules can tell namespace u apart by: the labels
// and annotations whose keys they can see (the Istio labels the model reads,
// exemptions, keys a rule names), or its name when they may read anything.
// A deleted namespace (nil) has a signature of its own.
func (s *State) signature(u *unstructured.Unstructured) string {
	if u == nil {
		return "\x00deleted"
	}
	if s.ns.All {
		return "\x00name\x00" + u.GetName()
	}
	var parts []string
	for kind, m := range map[string]map[string]any{"label:": labelsOf(u), "annotation:": annotationsOf(u)} {
		for k, v := range m {
			if s.ns.Distinguishes(k) {
				parts = append(parts, fmt.Sprintf("%s%s=%v", kind, k, v))
			}
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x00")
}

func labelsOf(u *unstructured.Unstructured) map[string]any {
	m, _, _ := unstructured.NestedFieldNoCopy(u.Object, "metadata", "labels")
	out, _ := m.(map[string]any)
	return out
}

func annotationsOf(u *unstructured.Unstructured) map[string]any {
	m, _, _ := unstructured.NestedFieldNoCopy(u.Object, "metadata", "annotations")
	out, _ := m.(map[string]any)
	return out
}
