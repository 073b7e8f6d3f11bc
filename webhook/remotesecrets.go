package webhook

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// RemoteSecretPeers are the peers this cluster's istiod reads from its
// remote secrets, kept as the secrets change: a secret added after start
// adds a peer, a rotated one (a new kubeconfig) replaces it, a deleted one
// removes it, without a restart. Which secrets count, and which are
// refused or collide, is live.SelectPeers' decision, the same audit
// makes: only those in the namespaces of this cluster's istiods (read from
// the local state, so an istiod installed later is followed too), with the
// exact label istiod selects on.
//
// The secrets are watched with the istio/multiCluster=true label in every
// namespace (the namespaces that count can change with the local state);
// their kubeconfigs stay in this informer's memory and in the peers'
// client configurations only, and are never logged.
type RemoteSecretPeers struct {
	config *rest.Config
	self   string
	local  StateSource
	// static are the peers given otherwise (--peer-kubeconfig): a remote
	// secret does not replace them.
	static  map[string]bool
	newPeer func(name string, cfg *rest.Config) *Peer
	log     logr.Logger
	m       *Metrics
	// Poll is how often the local state is checked for a change of the
	// istiods' namespaces (secret changes are seen at once).
	Poll time.Duration
	// Build makes the peers' states (see Peer.Build).
	Build func(gen uint64, objs []*unstructured.Unstructured) *State
	// OnChange is each peer's OnChange (see Peer.OnChange).
	OnChange func()

	mu      sync.Mutex
	running map[string]*runningPeer
	// sorted are the running peers by name, made again after a change:
	// every request asks for them.
	sorted []*Peer
}

type runningPeer struct {
	peer   *Peer
	digest [32]byte
	stop   context.CancelFunc
	done   chan struct{}
}

// NewRemoteSecretPeers prepares the peers of the remote secrets of the
// cluster cfg reaches, named self in findings; local is its state. Start
// follows them.
func NewRemoteSecretPeers(cfg *rest.Config, self string, local StateSource, static []string, scheme *runtime.Scheme, sels []selection, log logr.Logger, m *Metrics) *RemoteSecretPeers {
	r := &RemoteSecretPeers{
		config: cfg, self: self, local: local, static: map[string]bool{}, log: log.WithName("remote-secrets"), m: m,
		Poll: 5 * time.Second, running: map[string]*runningPeer{},
	}
	for _, s := range static {
		r.static[s] = true
	}
	r.newPeer = func(name string, pc *rest.Config) *Peer {
		p := NewPeer(name, pc, scheme, sels, log, m)
		p.Build, p.OnChange = r.Build, r.OnChange
		return p
	}
	return r
}

// Peers are the peers followed now, by name.
func (r *RemoteSecretPeers) Peers() []*Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sorted == nil {
		r.sorted = make([]*Peer, 0, len(r.running))
		for _, name := range slices.Sorted(maps.Keys(r.running)) {
			r.sorted = append(r.sorted, r.running[name].peer)
		}
	}
	return slices.Clip(r.sorted)
}

// Start watches the remote secrets and runs their peers until ctx ends.
func (r *RemoteSecretPeers) Start(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(r.config)
	if err != nil {
		return fmt.Errorf("remote secrets client: %w", err)
	}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = model.LabelMultiCluster + "=true"
	}))
	inf := factory.Core().V1().Secrets().Informer()
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	}); err != nil {
		return fmt.Errorf("remote secrets handler: %w", err)
	}
	// A list or watch the API server refuses (RBAC) would otherwise retry
	// in silence, with no peer ever added.
	if err := inf.SetWatchErrorHandlerWithContext(func(ctx context.Context, rf *toolscache.Reflector, err error) {
		r.log.Info("remote secrets not listed or watched; peers unchanged until it succeeds", logError, err.Error())
		toolscache.DefaultWatchErrorHandler(ctx, rf, err)
	}); err != nil {
		return fmt.Errorf("remote secrets error handler: %w", err)
	}
	defer r.stopAll()
	go inf.Run(ctx.Done())
	if !toolscache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return nil // ctx ended
	}
	var lastGen uint64
	var logged map[string]bool
	for dirty := true; ; {
		if st := r.local.State(); st != nil && (dirty || st.Generation != lastGen) {
			dirty, lastGen = false, st.Generation
			logged = r.reconcile(ctx, st, inf.GetStore().List(), logged)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
			dirty = true
		case <-time.After(r.Poll):
		}
	}
}

// reconcile starts, replaces and stops peers so that they are those the
// secrets name now. Errors are logged when they first appear.
func (r *RemoteSecretPeers) reconcile(ctx context.Context, st *State, secrets []any, logged map[string]bool) map[string]bool {
	objs := make([]*source.Object, 0, len(st.proj)+len(secrets))
	for _, o := range st.proj {
		// The cache keeps a reduction of each secret: the informer's are whole.
		if o.Kind() != "Secret" {
			objs = append(objs, o)
		}
	}
	for _, s := range secrets {
		if sec, ok := s.(*corev1.Secret); ok {
			objs = append(objs, secretObject(sec))
		}
	}
	peers, errs := live.SelectPeers(r.self, objs)
	now := map[string]bool{}
	for _, err := range errs {
		now[err.Error()] = true
		if !logged[err.Error()] {
			r.log.Info("remote secret not followed", logReason, err.Error())
		}
	}
	want := map[string]live.RemotePeer{}
	for _, p := range peers {
		if !r.static[p.Name] {
			want[p.Name] = p
		}
	}
	// Admission reads Peers while peers stop: the lock is not held then.
	r.mu.Lock()
	var gone []string
	for name, rp := range r.running {
		if p, ok := want[name]; ok && p.Digest == rp.digest {
			continue
		}
		reason := "its remote secret is gone or no longer followed"
		if _, ok := want[name]; ok {
			reason = "its remote secret changed"
		}
		r.log.Info("peer removed", logPeer, name, logReason, reason)
		gone = append(gone, name)
	}
	stopping := r.take(gone)
	r.mu.Unlock()
	r.wait(stopping)

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if _, ok := r.running[name]; ok {
			continue
		}
		p := want[name]
		r.log.Info("peer added", logPeer, name, logSecret, p.Secret.Namespace+"/"+p.Secret.Name)
		pctx, stop := context.WithCancel(ctx)
		rp := &runningPeer{peer: r.newPeer(name, p.Config), digest: p.Digest, stop: stop, done: make(chan struct{})}
		r.running[name] = rp
		r.sorted = nil
		go func() {
			defer close(rp.done)
			_ = rp.peer.Start(pctx)
		}()
	}
	return now
}

// take removes the named peers from those running and stops them; r.mu
// is held.
func (r *RemoteSecretPeers) take(names []string) map[string]*runningPeer {
	out := map[string]*runningPeer{}
	for _, name := range names {
		rp := r.running[name]
		delete(r.running, name)
		r.sorted = nil
		rp.stop()
		out[name] = rp
	}
	return out
}

// wait waits for stopped peers to end and drops their metric.
func (r *RemoteSecretPeers) wait(stopped map[string]*runningPeer) {
	for name, rp := range stopped {
		<-rp.done
		if r.m != nil {
			r.m.PeerUp.DeleteLabelValues(name)
		}
	}
}

func (r *RemoteSecretPeers) stopAll() {
	r.mu.Lock()
	stopping := r.take(slices.Collect(maps.Keys(r.running)))
	r.mu.Unlock()
	r.wait(stopping)
}

// secretObject is a Secret as the model reads it (data in base64).
func secretObject(s *corev1.Secret) *source.Object {
	labels := map[string]any{}
	for k, v := range s.Labels {
		labels[k] = v
	}
	data := map[string]any{}
	for k, v := range s.Data {
		data[k] = base64.StdEncoding.EncodeToString(v)
	}
	return &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": s.Name, "namespace": s.Namespace, "labels": labels},
		"data":     data,
	}}
}
