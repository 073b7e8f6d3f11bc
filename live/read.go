package live

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Options tune how clusters are read.
type Options struct {
	// Concurrency bounds how many clusters are read at once (default 4).
	Concurrency int
	// Timeout bounds the reading of one cluster (default 30s).
	Timeout time.Duration
	// PageSize is the Limit of each list request (default 500).
	PageSize int64
	// Kinds to list; nil means inventory.Kinds().
	Kinds []inventory.Kind
	// Queued, when set, is called once by each Read with the targets it is
	// about to read, before any starts (progress: what is still waiting).
	Queued func([]Target)
	// Started, when set, is called as the reading of a cluster begins,
	// once it has one of the Concurrency slots.
	Started func(Target)
	// Done, when set, is called as each cluster finishes (progress).
	// Queued, Started and Done are never called concurrently.
	Done func(Result)
	Log  logr.Logger
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	if o.Kinds == nil {
		o.Kinds = inventory.Kinds()
	}
	if o.Log.GetSink() == nil {
		o.Log = logr.Discard()
	}
	return o
}

// Result is what was read from one cluster.
type Result struct {
	Target Target
	// Input holds the objects, Secrets with their data: it stays in memory
	// for the model, which keeps only derived facts.
	Input model.ClusterInput
	// Errors are the kinds that could not be read; the rest was.
	Errors []*Error
	// Rejected is set when the API server answered 401 Unauthorized: it
	// refused the credentials themselves, not a permission (403).
	Rejected bool
	Duration time.Duration
}

// Partial reports whether something could not be read.
func (r Result) Partial() bool { return len(r.Errors) > 0 }

// Read reads every target, at most Concurrency at once, and returns the
// results in the targets' order. One cluster's failure never stops another.
func Read(ctx context.Context, targets []Target, opt Options) []Result {
	opt = opt.withDefaults()
	out := make([]Result, len(targets))
	sem := make(chan struct{}, opt.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	if opt.Queued != nil {
		opt.Queued(targets)
	}
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if opt.Started != nil {
				mu.Lock()
				opt.Started(t)
				mu.Unlock()
			}
			r := readCluster(ctx, t, opt)
			out[i] = r
			if opt.Done != nil {
				mu.Lock()
				opt.Done(r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

func readCluster(ctx context.Context, t Target, opt Options) Result {
	start := time.Now()
	log := opt.Log.WithValues("cluster", t.Name)
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	res := Result{Target: t, Input: model.ClusterInput{Name: t.Name}}
	if t.Err != nil || t.Config == nil {
		err := t.Err
		if err == nil {
			err = fmt.Errorf("no client configuration for %s", t.Name)
		}
		res.Errors = append(res.Errors, &Error{Cluster: t.Name, Err: err})
		res.Duration = time.Since(start)
		return res
	}
	cfg := rest.CopyConfig(t.Config)
	cfg.WarningHandler = rest.NoWarnings{}
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		res.Errors = append(res.Errors, &Error{Cluster: t.Name, Err: fmt.Errorf("client: %w", err)})
		return res
	}
	completes := map[string]bool{}
	seen := map[string]bool{}
	// Kinds that count only where istiod reads them (its secrets) are
	// listed last, in those namespaces only, once the rest shows where the
	// istiods run: an application's secrets are never read.
	kinds := slices.Concat(
		slices.DeleteFunc(slices.Clone(opt.Kinds), func(k inventory.Kind) bool { return k.InIstiodNamespaces }),
		slices.DeleteFunc(slices.Clone(opt.Kinds), func(k inventory.Kind) bool { return !k.InIstiodNamespaces }))
	var istiodNamespaces []string
	for _, k := range kinds {
		if k.InIstiodNamespaces && istiodNamespaces == nil {
			ns, _ := model.SecretNamespaces(res.Input.Objects)
			istiodNamespaces = slices.Sorted(maps.Keys(ns))
		}
		if k.Completes != "" {
			if _, seen := completes[k.Completes]; !seen {
				completes[k.Completes] = true
			}
		}
		items, err := listIn(ctx, client, k, opt.PageSize, istiodNamespaces)
		if err != nil && k.Optional && apierrors.IsNotFound(err) {
			log.V(1).Info("optional kind not served", "kind", describe(k))
			continue
		}
		if err != nil && k.IfReadable && apierrors.IsForbidden(err) {
			log.V(1).Info("kind not readable with these credentials; its facts stay unknown", "kind", describe(k))
			continue
		}
		if err != nil {
			if k.Completes != "" {
				completes[k.Completes] = false
			}
			if unreachable(err) || ctx.Err() != nil || apierrors.IsUnauthorized(err) {
				// The cluster is gone or refuses the credentials: listing
				// the other kinds would only fail (or wait) the same way.
				if ctx.Err() != nil {
					err = fmt.Errorf("timed out after %s reading the cluster (--timeout)", opt.Timeout)
				} else {
					res.Rejected = apierrors.IsUnauthorized(err)
					err = explain(err, t, k)
				}
				res.Errors = append(res.Errors, &Error{Cluster: t.Name, Err: err})
				res.Input.Objects = nil
				res.Input.Complete = nil
				res.Duration = time.Since(start)
				return res
			}
			res.Errors = append(res.Errors, &Error{Cluster: t.Name, Kind: describe(k), Err: explain(err, t, k)})
			continue
		}
		log.V(1).Info("listed", "kind", describe(k), "count", len(items))
		for _, o := range items {
			// One object can match two selections (an istiod Deployment
			// labelled with a network): the model must see it once.
			id := o.APIVersion() + "/" + o.Kind() + "/" + o.Namespace() + "/" + o.Name()
			if !seen[id] {
				seen[id] = true
				res.Input.Objects = append(res.Input.Objects, o)
			}
		}
	}
	for kind, ok := range completes {
		if ok {
			res.Input.Complete = append(res.Input.Complete, kind)
		}
	}
	slices.Sort(res.Input.Complete)
	res.Duration = time.Since(start)
	return res
}

// listIn lists a kind, in each of namespaces when it counts only in
// istiod's namespaces, else across the cluster.
func listIn(ctx context.Context, client dynamic.Interface, k inventory.Kind, pageSize int64, namespaces []string) ([]*source.Object, error) {
	if !k.InIstiodNamespaces {
		return list(ctx, client.Resource(k.GVR()), k, pageSize)
	}
	var out []*source.Object
	for _, ns := range namespaces {
		items, err := list(ctx, client.Resource(k.GVR()).Namespace(ns), k, pageSize)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// list pages through one kind with its server-side selectors.
func list(ctx context.Context, client dynamic.ResourceInterface, k inventory.Kind, pageSize int64) ([]*source.Object, error) {
	var out []*source.Object
	opts := metav1.ListOptions{LabelSelector: k.LabelSelector, FieldSelector: k.FieldSelector, Limit: pageSize}
	for {
		page, err := client.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			u := &page.Items[i]
			u.SetGroupVersionKind(k.GVK)
			// managedFields are large and say nothing the model reads.
			u.SetManagedFields(nil)
			if k.DropStatus {
				delete(u.Object, "status")
			}
			out = append(out, &source.Object{Data: u.Object})
		}
		if page.GetContinue() == "" {
			return out, nil
		}
		opts.Continue = page.GetContinue()
	}
}
