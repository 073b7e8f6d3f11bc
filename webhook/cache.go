package webhook

import (
	"context"
	"fmt"

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
	Store  *Store
	Caches []cache.Cache
	synced []toolscache.InformerSynced
}

// NewWatch creates the caches for kinds. Optional kinds whose CRD the
// cluster does not serve are skipped with a log line (installing the CRD
// later needs a restart).
func NewWatch(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, mapper meta.RESTMapper, log logr.Logger, sels []selection) (*Watch, error) {
	w := &Watch{Store: NewStore(len(sels))}
	for i, s := range sels {
		k := s.kind
		if _, err := mapper.RESTMapping(k.GVK.GroupKind(), k.GVK.Version); err != nil {
			if meta.IsNoMatchError(err) && k.Optional {
				log.Info("kind not served by this cluster; not watched", "kind", k.GVK.String())
				continue
			}
			return nil, fmt.Errorf("map %s: %w", k.GVK, err)
		}
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
			return nil, fmt.Errorf("cache for %s: %w", k.GVK, err)
		}
		inf, err := c.GetInformer(ctx, u, cache.BlockUntilSynced(false))
		if err != nil {
			return nil, fmt.Errorf("informer for %s: %w", k.GVK, err)
		}
		if _, err := inf.AddEventHandler(w.Store.Handler(i)); err != nil {
			return nil, fmt.Errorf("event handler for %s: %w", k.GVK, err)
		}
		w.Caches = append(w.Caches, c)
		w.synced = append(w.synced, inf.HasSynced)
	}
	w.Store.synced = w.Synced
	return w, nil
}

// Synced says whether every informer has listed its objects once.
func (w *Watch) Synced() bool {
	for _, s := range w.synced {
		if !s() {
			return false
		}
	}
	return true
}
