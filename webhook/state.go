package webhook

import (
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// State is the cluster's watched objects at one cache generation: what the
// decision reads as "before". It is immutable once built, so requests
// share it without copying.
//
// Requests are evaluated on a projection of the state, not on all of it:
// every object but Namespaces, the namespaces those objects live in, and
// one namespace per distinct set of Istio-relevant labels and annotations
// among the others. A large cluster's thousands of namespaces differ, for
// the rules, only in those labels, and per-namespace findings of one
// representative stand for all namespaces like it; the projection keeps an
// evaluation at tens of objects whatever the cluster's size.
type State struct {
	// Generation changes whenever the cache does; the "before" review is
	// computed once per generation.
	Generation uint64
	index      map[string]*source.Object
	// proj is the projection, and projKeys its keys.
	proj     []*source.Object
	projKeys []string
	inProj   map[string]bool
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

// NewState builds a state from objects, in the order given. Objects with
// the same key (one object seen through two selections) are kept once.
func NewState(gen uint64, objs []*unstructured.Unstructured) *State {
	s := &State{Generation: gen, index: make(map[string]*source.Object, len(objs)), inProj: map[string]bool{}, reads: &stateReads{}}
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
		sig := signature(u)
		if anchors[u.GetName()] || !signatures[sig] {
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

// signature is what the rules can tell namespaces apart by: labels and
// annotations of Istio (istio.io/rev, istio-injection, topology.istio.io/*,
// ...) and of meshcheck (exemptions).
func signature(u *unstructured.Unstructured) string {
	var parts []string
	for kind, m := range map[string]map[string]string{"label:": u.GetLabels(), "annotation:": u.GetAnnotations()} {
		for k, v := range m {
			if strings.Contains(k, "istio") || strings.Contains(k, "meshcheck") {
				parts = append(parts, kind+k+"="+v)
			}
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x00")
}
