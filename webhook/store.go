package webhook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	toolscache "k8s.io/client-go/tools/cache"
)

// Store keeps the objects the informers deliver, one set per inventory
// selection (an object may be in two: a Deployment labelled both app=istiod
// and with a network), and builds the State requests read on the informer
// side: a change starts a build in the background (events that arrive
// during it, or within Quiet of each other, make one next build), and a
// state is published with its "before" review ready (Prepare), so no
// request pays for either.
type Store struct {
	mu   sync.Mutex
	sets []map[string]*unstructured.Unstructured
	// gen counts changes to the objects; state is the last state built,
	// which is for gen once the builder caught up.
	gen   uint64
	state *State
	// published is closed when a new state is published.
	published chan struct{}
	building  bool
	// lastEvent is when gen last changed (the builder waits for Quiet).
	lastEvent time.Time

	synced func() bool
	// onChange is told the object count after each rebuild (a metric).
	onChange func(n int)
	// build makes the state (NewState without it); prepare, when set, is
	// run on each new state before it is published; after, when set, once
	// it is published.
	build   func(gen uint64, objs []*unstructured.Unstructured) *State
	prepare func(*State)
	after   func(*State)
	// Quiet is how long the builder waits for more events before building
	// (a burst of writes from one apply makes one state); MaxDelay bounds
	// that wait from the first event.
	Quiet, MaxDelay time.Duration
}

// NewStore returns a store for n selections.
func NewStore(n int) *Store {
	s := &Store{sets: make([]map[string]*unstructured.Unstructured, n), published: make(chan struct{}),
		Quiet: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond}
	for i := range s.sets {
		s.sets[i] = map[string]*unstructured.Unstructured{}
	}
	return s
}

// State returns the state of the objects as they are now, waiting for it to
// be built, or nil until the informers have synced.
func (s *Store) State() *State {
	st, _ := s.StateContext(context.Background())
	return st
}

// StateContext is State, waiting for the build no later than ctx's end.
// A state older than the objects is never returned: a request decided on
// it would miss the changes made since (a conflicting object just created).
func (s *Store) StateContext(ctx context.Context) (*State, error) {
	if s.synced != nil && !s.synced() {
		return nil, nil
	}
	s.mu.Lock()
	want := s.gen
	for {
		if s.state != nil && s.state.Generation >= want {
			st := s.state
			s.mu.Unlock()
			return st, nil
		}
		s.startLocked()
		wait := s.published
		s.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the cache's state: %w", context.Cause(ctx))
		}
		s.mu.Lock()
	}
}

// startLocked starts the builder unless it runs.
func (s *Store) startLocked() {
	if !s.building {
		s.building = true
		go s.builder()
	}
}

// builder builds states until the last one is for the current objects.
func (s *Store) builder() {
	for {
		s.mu.Lock()
		if s.state != nil && s.state.Generation == s.gen {
			s.building = false
			s.mu.Unlock()
			return
		}
		// Debounce: wait until events stop for Quiet, or MaxDelay.
		first := time.Now()
		for {
			idle := time.Since(s.lastEvent)
			if idle >= s.Quiet || time.Since(first) >= s.MaxDelay {
				break
			}
			s.mu.Unlock()
			time.Sleep(s.Quiet - idle)
			s.mu.Lock()
		}
		gen, objs := s.gen, s.objectsLocked()
		s.mu.Unlock()

		st := s.newState(gen, objs)
		if s.prepare != nil {
			s.prepare(st)
		}
		s.mu.Lock()
		s.state = st
		close(s.published)
		s.published = make(chan struct{})
		s.mu.Unlock()
		if s.onChange != nil {
			s.onChange(st.Len())
		}
		if s.after != nil {
			// Not on the builder: after may ask for a state, which may need
			// the builder again.
			go s.after(st)
		}
	}
}

// objectsLocked lists every object once per selection holding it.
func (s *Store) objectsLocked() []keyed {
	var all []keyed
	for _, set := range s.sets {
		for k, o := range set {
			all = append(all, keyed{k, o})
		}
	}
	return all
}

type keyed struct {
	key string
	obj *unstructured.Unstructured
}

func (s *Store) newState(gen uint64, all []keyed) *State {
	// Stable order, so that equal states evaluate equally.
	slices.SortFunc(all, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	objs := make([]*unstructured.Unstructured, len(all))
	for i, k := range all {
		objs[i] = k.obj
	}
	if s.build != nil {
		return s.build(gen, objs)
	}
	return NewState(gen, objs)
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
	defer s.mu.Unlock()
	// Resyncs and writes that change only what every write changes
	// (resourceVersion, managed fields; status where the cache drops it)
	// keep the state: a new one costs a full review.
	old := s.sets[i][k]
	s.sets[i][k] = u
	if old == nil || !equalIgnoringMeta(old.Object, u.Object) {
		s.changedLocked()
	}
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
	defer s.mu.Unlock()
	delete(s.sets[i], keyOf(u))
	s.changedLocked()
}

// changedLocked records a change and, once the informers have synced,
// starts building the state for it (before, the initial lists would build
// one state per object; the first State call builds it).
func (s *Store) changedLocked() {
	s.gen++
	s.lastEvent = time.Now()
	if s.state != nil {
		s.startLocked()
	}
}
