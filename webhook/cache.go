package webhook

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Watch is the informer side of the webhook: one controller-runtime cache
// per inventory selection (a cache holds one selector per kind, and
// Secrets are watched in three narrow selections), feeding a Store.
type Watch struct {
	Store *Store
	// Caches are those of the kinds the cluster served at start, which the
	// caller starts; those of kinds installed later the watch starts itself.
	Caches []cache.Cache
	synced []toolscache.InformerSynced

	mu      sync.Mutex
	changed chan struct{} // closed at the next event of any informer
}

// LateKindsInterval is how often the cluster is asked again for the
// optional kinds it did not serve (one discovery call per missing API
// group when any is missing; none otherwise).
var LateKindsInterval = 30 * time.Second

// changeSettle is how long the store is left to settle after a change
// before its state is rebuilt (which updates the object count): a burst of
// events, such as an informer's first list, is one rebuild.
const changeSettle = 200 * time.Millisecond

// NewWatch creates the caches for kinds. Optional kinds whose CRD the
// cluster does not serve are skipped with a log line, and asked for again
// every LateKindsInterval until ctx ends: a kind whose CRD is installed
// later is then watched, its cache started by the watch (it does not gate
// readiness; its objects join the state as they arrive).
//
// Once the store has a state, every change rebuilds it after
// changeSettle, so that its onChange (the object-count metric) follows the
// cache rather than the requests.
func NewWatch(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, mapper meta.RESTMapper, log logr.Logger, sels []selection) (*Watch, error) {
	w := &Watch{Store: NewStore(len(sels)), changed: make(chan struct{})}
	var missing []int
	for i, s := range sels {
		k := s.kind
		if _, err := mapper.RESTMapping(k.GVK.GroupKind(), k.GVK.Version); err != nil {
			if meta.IsNoMatchError(err) && k.Optional {
				log.Info("kind not served by this cluster; watched once its CRD is installed", logKind, k.GVK.String())
				missing = append(missing, i)
				continue
			}
			return nil, fmt.Errorf("map %s: %w", k.GVK, err)
		}
		c, inf, err := w.newCache(ctx, cfg, scheme, mapper, i, s)
		if err != nil {
			return nil, err
		}
		w.Caches = append(w.Caches, c)
		w.synced = append(w.synced, inf.HasSynced)
	}
	w.Store.synced = w.Synced
	go w.rebuildOnChange(ctx)
	if len(missing) > 0 {
		go w.watchLateKinds(ctx, cfg, scheme, mapper, log, sels, missing)
	}
	return w, nil
}

// newCache creates the cache of selection i and registers the store's
// handler and the change notification on its informer.
func (w *Watch) newCache(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, mapper meta.RESTMapper, i int, s selection) (cache.Cache, cache.Informer, error) {
	k := s.kind
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(k.GVK)
	c, err := cache.New(cfg, cache.Options{
		Scheme: scheme, Mapper: mapper,
		ByObject: map[client.Object]cache.ByObject{u: {
			Label: s.labels, Field: s.fields, Transform: Transform,
		}},
		DefaultTransform: Transform,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("cache for %s: %w", k.GVK, err)
	}
	inf, err := c.GetInformer(ctx, u, cache.BlockUntilSynced(false))
	if err != nil {
		return nil, nil, fmt.Errorf("informer for %s: %w", k.GVK, err)
	}
	// The store's handler first: a change is notified once the store has it.
	if _, err := inf.AddEventHandler(w.Store.Handler(i)); err != nil {
		return nil, nil, fmt.Errorf("event handler for %s: %w", k.GVK, err)
	}
	notify := func() { w.notify() }
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(any) { notify() }, UpdateFunc: func(_, _ any) { notify() }, DeleteFunc: func(any) { notify() },
	}); err != nil {
		return nil, nil, fmt.Errorf("event handler for %s: %w", k.GVK, err)
	}
	return c, inf, nil
}

// Changed returns a channel closed at the next event of any informer (an
// update that changes nothing the store keeps included): read the state
// after taking the channel, and wait on it for the next change.
func (w *Watch) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

func (w *Watch) notify() {
	w.mu.Lock()
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// rebuildOnChange builds the store's state after each burst of changes,
// which tells the store's onChange the object count. It starts at the
// first event: the caller sets onChange before it starts the caches.
func (w *Watch) rebuildOnChange(ctx context.Context) {
	ch := w.Changed()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(changeSettle):
		}
		ch = w.Changed()
		if w.Store.State() == nil {
			// Not synced yet: try again after the next settle, event or not.
			ch = closed
		}
	}
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// watchLateKinds asks the cluster every LateKindsInterval for the kinds of
// missing, and starts the cache of each one it now serves. It starts at the
// first event, as rebuildOnChange does.
func (w *Watch) watchLateKinds(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, mapper meta.RESTMapper, log logr.Logger, sels []selection, missing []int) {
	select {
	case <-ctx.Done():
		return
	case <-w.Changed():
	}
	t := time.NewTicker(LateKindsInterval)
	defer t.Stop()
	for len(missing) > 0 {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		still := missing[:0]
		for _, i := range missing {
			s := sels[i]
			if _, err := mapper.RESTMapping(s.kind.GVK.GroupKind(), s.kind.GVK.Version); err != nil {
				still = append(still, i)
				continue
			}
			c, _, err := w.newCache(ctx, cfg, scheme, mapper, i, s)
			if err != nil {
				log.Error(err, "kind now served but not watched", logKind, s.kind.GVK.String())
				still = append(still, i)
				continue
			}
			go func() {
				if err := c.Start(ctx); err != nil {
					log.Error(err, "cache stopped", logKind, s.kind.GVK.String())
				}
			}()
			log.Info("kind now served by this cluster; watched", logKind, s.kind.GVK.String())
		}
		missing = still
	}
}

// Synced says whether every informer of the kinds served at start has
// listed its objects once.
func (w *Watch) Synced() bool {
	for _, s := range w.synced {
		if !s() {
			return false
		}
	}
	return true
}
