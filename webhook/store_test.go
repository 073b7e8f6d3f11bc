package webhook

import (
	"testing"

	toolscache "k8s.io/client-go/tools/cache"
)

func TestStore(t *testing.T) {
	objs := fixture(t)
	s := NewStore(2)
	a, b := s.Handler(0), s.Handler(1)
	for _, o := range objs {
		a.OnAdd(o, true)
	}
	gw := find(t, objs, "Gateway", "cross-network-gateway")
	b.OnAdd(gw, true) // the same object through a second selection
	st := s.State()
	if st.Len() != len(objs) {
		t.Fatalf("Len = %d, want %d (one object seen twice is kept once)", st.Len(), len(objs))
	}
	if s.State() != st {
		t.Error("the state is rebuilt although nothing changed")
	}
	// Leaving one selection keeps the object while the other still holds it.
	a.OnDelete(toolscache.DeletedFinalStateUnknown{Key: "istio-system/cross-network-gateway", Obj: gw})
	st2 := s.State()
	if st2 == st || st2.Generation == st.Generation {
		t.Error("a change did not make a new state")
	}
	if st2.lookup(keyOf(gw)) == nil {
		t.Error("the object left with its first selection although the second holds it")
	}
	b.OnDelete(gw)
	if s.State().lookup(keyOf(gw)) != nil || s.State().Len() != len(objs)-1 {
		t.Error("the object is still there after leaving both selections")
	}
	s.synced = func() bool { return false }
	if s.State() != nil {
		t.Error("a state before the informers synced")
	}
}
