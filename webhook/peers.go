package webhook

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/meshcheck/meshcheck/model"
)

// Peer is another cluster of the fleet, read-only through its own cache of
// the inventory kinds, so fleet rules (mesh ID, trust domain, root of
// trust, cluster-name uniqueness, network gateways) apply at admission. A
// peer that cannot be reached or synced is left out: admission degrades to
// the checks the remaining clusters allow, with a metric and a log line,
// and never blocks a request.
type Peer struct {
	Name   string
	config *rest.Config
	scheme *runtime.Scheme
	sels   []selection
	log    logr.Logger
	up     func(bool)
	// SyncTimeout bounds the first sync; Retry is the wait before trying
	// again, and between checks that a synced peer still answers.
	SyncTimeout, Retry time.Duration

	mu    sync.Mutex
	store *Store
}

// NewPeer prepares a peer; Start connects to it.
func NewPeer(name string, cfg *rest.Config, scheme *runtime.Scheme, sels []selection, log logr.Logger, m *Metrics) *Peer {
	p := &Peer{
		Name: name, config: rest.CopyConfig(cfg), scheme: scheme, sels: sels,
		log: log.WithValues("peer", name), SyncTimeout: 15 * time.Second, Retry: 30 * time.Second,
	}
	p.up = func(up bool) {
		if m != nil {
			v := 0.0
			if up {
				v = 1
			}
			m.PeerUp.WithLabelValues(name).Set(v)
		}
	}
	p.up(false)
	return p
}

// Start reads the peer until ctx ends, retrying while it is unreachable.
func (p *Peer) Start(ctx context.Context) error {
	for {
		err := p.run(ctx)
		p.setStore(nil)
		p.up(false)
		if ctx.Err() != nil {
			return nil
		}
		p.log.Info("peer unreachable; admission checks this cluster without it", "error", err.Error(), "retryIn", p.Retry.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.Retry):
		}
	}
}

// run syncs the peer's caches and keeps them running until ctx ends.
func (p *Peer) run(ctx context.Context) error {
	hc, err := rest.HTTPClientFor(p.config)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(p.config, hc)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := NewWatch(ctx, p.config, p.scheme, mapper, p.log, p.sels)
	if err != nil {
		return err
	}
	errs := make(chan error, len(w.Caches))
	for _, c := range w.Caches {
		go func() { errs <- c.Start(ctx) }()
	}
	syncCtx, stop := context.WithTimeout(ctx, p.SyncTimeout)
	defer stop()
	for _, c := range w.Caches {
		if !c.WaitForCacheSync(syncCtx) {
			return fmt.Errorf("caches not synced within %s", p.SyncTimeout)
		}
	}
	p.setStore(w.Store)
	p.up(true)
	p.log.Info("peer synced", "objects", w.Store.State().Len())
	// The watches retry a lost peer forever and keep its last objects: a
	// peer that stops answering is dropped instead, and read again later.
	// (No client timeout on the caches: it would cut every watch.)
	probe := rest.CopyConfig(p.config)
	probe.Timeout = p.SyncTimeout
	dc, err := discovery.NewDiscoveryClientForConfig(probe)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errs:
			return fmt.Errorf("cache stopped: %w", err)
		case <-time.After(p.Retry):
			if _, err := dc.ServerVersion(); err != nil {
				return fmt.Errorf("peer stopped answering: %w", err)
			}
		}
	}
}

func (p *Peer) setStore(s *Store) {
	p.mu.Lock()
	p.store = s
	p.mu.Unlock()
}

// state is the peer's current state, or nil while it is not synced.
func (p *Peer) state() *State {
	p.mu.Lock()
	s := p.store
	p.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.State()
}

// Fleet is the StateSource of fleet-aware admission: this cluster's state
// with the synced peers' states as Peers.
type Fleet struct {
	Local StateSource
	Peers []*Peer
}

// State returns the local state with the peers that are synced now. Its
// generation combines the local and peer generations, so the "before"
// review is recomputed when any of them changes or a peer comes or goes.
func (f *Fleet) State() *State {
	local := f.Local.State()
	if local == nil {
		return nil
	}
	h := fnv.New64a()
	fmt.Fprint(h, local.Generation)
	var peers []model.ClusterInput
	for _, p := range f.Peers {
		st := p.state()
		if st == nil {
			continue
		}
		fmt.Fprint(h, "/", p.Name, "=", st.Generation)
		peers = append(peers, model.ClusterInput{Name: p.Name, Objects: st.proj, Complete: []string{"Secret"}, Reads: st.Reads(p.Name)})
	}
	if len(peers) == 0 {
		return local
	}
	s := *local
	s.Generation = h.Sum64()
	s.Peers = peers
	return &s
}
