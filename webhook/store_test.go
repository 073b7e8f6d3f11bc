package webhook

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	// A resync, or a write of only what every write changes (here a Pod's
	// status, which the cache drops), keeps the state and its review.
	st = s.State()
	pod := objects(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: istio-system, resourceVersion: '1', labels: {topology.istio.io/network: network1}}\nspec: {containers: [{name: c, image: x}]}")[0]
	a.OnAdd(transformed(t, pod), false)
	st = s.State()
	a.OnUpdate(pod, pod)
	bumped := pod.DeepCopy()
	bumped.SetResourceVersion("2")
	bumped.Object["status"] = map[string]any{"phase": "Running", "podIP": "10.0.0.1"}
	a.OnUpdate(pod, transformed(t, bumped))
	if s.State() != st {
		t.Error("a write that changed only the resourceVersion and status made a new state")
	}
	relabelled := withLabel(pod, netLabel, "network2")
	a.OnUpdate(pod, transformed(t, relabelled))
	if s.State() == st {
		t.Error("a label change kept the old state")
	}
	s.synced = func() bool { return false }
	if s.State() != nil {
		t.Error("a state before the informers synced")
	}
}

// transformed is u as the cache stores it.
func transformed(t *testing.T, u *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	u = u.DeepCopy()
	if _, err := Transform(u); err != nil {
		t.Fatal(err)
	}
	return u
}
