package webhook

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// State is the cluster's watched objects at one cache generation: what the
// decision reads as "before". It is immutable once built, so requests
// share it without copying.
type State struct {
	// Generation changes whenever the cache does; the "before" review is
	// computed once per generation.
	Generation uint64
	keys       []string
	index      map[string]int
	objects    []*source.Object
	// Peers are the other clusters of the fleet, read from their API
	// servers, for fleet rules (nil when admission is cluster-only).
	Peers []model.ClusterInput
}

// NewState builds a state from objects. Objects with the same key (the
// same object seen through two selections) are kept once.
func NewState(gen uint64, objs []*unstructured.Unstructured) *State {
	s := &State{Generation: gen, index: make(map[string]int, len(objs))}
	for _, u := range objs {
		k := keyOf(u)
		if _, seen := s.index[k]; seen {
			continue
		}
		s.index[k] = len(s.keys)
		s.keys = append(s.keys, k)
		s.objects = append(s.objects, &source.Object{Data: u.Object})
	}
	return s
}

// Len is the number of objects in the state.
func (s *State) Len() int { return len(s.objects) }

// lookup returns the object with key k.
func (s *State) lookup(k string) *source.Object {
	if i, ok := s.index[k]; ok {
		return s.objects[i]
	}
	return nil
}

// with returns the objects with key k removed and, when add is not nil,
// add appended: the cluster as it would be after the request.
func (s *State) with(k string, add *unstructured.Unstructured) []*source.Object {
	out := make([]*source.Object, 0, len(s.objects)+1)
	for i, o := range s.objects {
		if s.keys[i] != k {
			out = append(out, o)
		}
	}
	if add != nil {
		out = append(out, &source.Object{Data: add.Object})
	}
	return out
}
