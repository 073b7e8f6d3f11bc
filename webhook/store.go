package webhook

import (
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	toolscache "k8s.io/client-go/tools/cache"
)

// Store keeps the objects the informers deliver, one set per inventory
// selection (an object may be in two: a Deployment labelled both app=istiod
// and with a network), and builds the State requests read, once per change.
type Store struct {
	mu     sync.Mutex
	sets   []map[string]*unstructured.Unstructured
	gen    uint64
	state  *State
	synced func() bool
	// onChange is told the object count after each rebuild (a metric).
	onChange func(n int)
}

// NewStore returns a store for n selections.
func NewStore(n int) *Store {
	s := &Store{sets: make([]map[string]*unstructured.Unstructured, n)}
	for i := range s.sets {
		s.sets[i] = map[string]*unstructured.Unstructured{}
	}
	return s
}

// State returns the current state, or nil until the informers have synced.
func (s *Store) State() *State {
	if s.synced != nil && !s.synced() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == nil || s.state.Generation != s.gen {
		type keyed struct {
			key string
			obj *unstructured.Unstructured
		}
		var all []keyed
		for _, set := range s.sets {
			for k, o := range set {
				all = append(all, keyed{k, o})
			}
		}
		// Stable order, so that equal states evaluate equally.
		sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
		objs := make([]*unstructured.Unstructured, len(all))
		for i, k := range all {
			objs[i] = k.obj
		}
		s.state = NewState(s.gen, objs)
		if s.onChange != nil {
			s.onChange(s.state.Len())
		}
	}
	return s.state
}

// Handler returns the informer event handler of selection i.
func (s *Store) Handler(i int) toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { s.put(i, o) },
		UpdateFunc: func(_, o any) { s.put(i, o) },
		DeleteFunc: func(o any) { s.remove(i, o) },
	}
}

func (s *Store) put(i int, o any) {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return
	}
	k := keyOf(u)
	s.mu.Lock()
	// Resyncs and writes that change only what every write changes
	// (resourceVersion, managed fields; status where the cache drops it)
	// keep the state: a new one costs a full review on the next request.
	if old := s.sets[i][k]; old == nil || !equalIgnoringMeta(old.Object, u.Object) {
		s.gen++
	}
	s.sets[i][k] = u
	s.mu.Unlock()
}

func (s *Store) remove(i int, o any) {
	if t, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = t.Obj
	}
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.sets[i], keyOf(u))
	s.gen++
	s.mu.Unlock()
}
