package webhook

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
	// Build makes the peer's states (NewState when nil): the decider's
	// projection, so that a big peer costs its distinct namespaces only.
	Build func(gen uint64, objs []*unstructured.Unstructured) *State
	// OnChange, when set, is called on a goroutine of its own after the
	// peer's state changes, and when the peer comes or goes: the webhook
	// reviews the fleet's new state then, not at the next request.
	OnChange func()

	mu    sync.Mutex
	store *Store
}

// NewPeer prepares a peer; Start connects to it.
func NewPeer(name string, cfg *rest.Config, scheme *runtime.Scheme, sels []selection, log logr.Logger, m *Metrics) *Peer {
	p := &Peer{
		Name: name, config: rest.CopyConfig(cfg), scheme: scheme, sels: sels,
		log: log.WithValues(logPeer, name), SyncTimeout: 15 * time.Second, Retry: 30 * time.Second,
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

// Start reads the peer until ctx ends, retrying while it is unreachable
// or its watches fail.
func (p *Peer) Start(ctx context.Context) error {
	for {
		err := p.run(ctx)
		p.setStore(nil)
		p.up(false)
		if ctx.Err() != nil {
			return nil
		}
		msg := "peer unreachable; admission checks this cluster without it"
		var we *watchError
		if errors.As(err, &we) {
			msg = "peer's watches fail; admission checks this cluster without it"
		}
		p.log.Info(msg, logError, err.Error(), logRetryIn, p.Retry.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.Retry):
		}
	}
}

// run syncs the peer's caches and keeps them running until ctx ends. The
// peer is up only once every cache has listed and its watch has been
// accepted, and until a watch is refused: a credential that may list but
// not watch would otherwise keep the first list's objects forever.
func (p *Peer) run(ctx context.Context) error {
	mon := newWatchMonitor()
	cfg := rest.CopyConfig(p.config)
	cfg.Wrap(mon.wrap)
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, hc)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := NewWatch(ctx, cfg, p.scheme, mapper, p.log, p.sels)
	if err != nil {
		return err
	}
	w.Store.build = p.Build
	w.Store.after = func(*State) { p.changed() }
	errs := make(chan error, len(w.Caches))
	for _, c := range w.Caches {
		go func() { errs <- c.Start(ctx) }()
	}
	syncCtx, stop := context.WithTimeout(ctx, p.SyncTimeout)
	defer stop()
	for _, c := range w.Caches {
		if !c.WaitForCacheSync(syncCtx) {
			if err := mon.failure(); err != nil {
				return err
			}
			return fmt.Errorf("caches not synced within %s", p.SyncTimeout)
		}
	}
	if err := mon.waitEstablished(syncCtx, len(w.Caches)); err != nil {
		return err
	}
	p.setStore(w.Store)
	p.up(true)
	p.log.Info("peer synced", logObjects, w.Store.State().Len())
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
		case <-mon.changed:
			if err := mon.failure(); err != nil {
				return err
			}
		case <-time.After(p.Retry):
			if _, err := dc.ServerVersion(); err != nil {
				return fmt.Errorf("peer stopped answering: %w", err)
			}
		}
	}
}

func (p *Peer) setStore(s *Store) {
	p.mu.Lock()
	was := p.store
	p.store = s
	p.mu.Unlock()
	if s != was {
		go p.changed()
	}
}

func (p *Peer) changed() {
	if p.OnChange != nil {
		p.OnChange()
	}
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
	// Peers are fixed at start (--peer-kubeconfig).
	Peers []*Peer
	// Dynamic, when set, adds the peers of this cluster's remote secrets,
	// which come and go as the secrets change.
	Dynamic *RemoteSecretPeers

	mu sync.Mutex
	// last is the state State returned last, made of local and of the
	// peers' states in peers (names their names): every request asks for
	// the state, and with hundreds of peers it is kept while none changes.
	last  *State
	local *State
	names []string
	peers []*State
}

// fleetGenerations numbers the fleet states of the process. Their
// generations have the top bit set, so that they never equal a local
// state's (a store counts its changes from 1).
var fleetGenerations atomic.Uint64

const fleetGeneration = 1 << 63

// State returns the local state with the peers that are synced now. It is
// the same *State as long as the local state and every peer's state are:
// a new one, with a new generation, is made when any of them changes or a
// peer comes or goes, so that the "before" review is computed again.
func (f *Fleet) State() *State {
	local := f.Local.State()
	if local == nil {
		return nil
	}
	all := f.Peers
	if f.Dynamic != nil {
		all = append(slices.Clip(all), f.Dynamic.Peers()...)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	same := f.last != nil && f.local == local
	i := 0
	for _, p := range all {
		st := p.state()
		if st == nil {
			continue
		}
		if same && (i >= len(f.peers) || f.peers[i] != st || f.names[i] != p.Name) {
			same = false
		}
		if !same {
			f.peers, f.names = append(f.peers[:i], st), append(f.names[:i], p.Name)
		}
		i++
	}
	if same && i == len(f.peers) {
		return f.last
	}
	f.local, f.peers, f.names = local, f.peers[:i], f.names[:i]
	if i == 0 {
		f.last = local
		return local
	}
	peers := make([]model.ClusterInput, i)
	for j, st := range f.peers {
		peers[j] = model.ClusterInput{Name: f.names[j], Objects: st.proj, Complete: []string{"Secret"}, Reads: st.Reads(f.names[j])}
	}
	s := *local
	s.Generation = fleetGeneration | fleetGenerations.Add(1)
	s.Peers = peers
	f.last = &s
	return f.last
}

// watchError is a watch the peer's API server refused.
type watchError struct {
	watch, status string
}

func (e *watchError) Error() string {
	return fmt.Sprintf("watch %s refused (%s): the peer's objects would not be kept up to date", e.watch, e.status)
}

// watchMonitor sees the answers to a peer's watch requests (the informers'
// own error handlers are internal to the caches): a watch is failing from
// an answer other than 2xx until its next 2xx.
type watchMonitor struct {
	mu       sync.Mutex
	failing  map[string]*watchError
	accepted int
	changed  chan struct{}
}

func newWatchMonitor() *watchMonitor {
	return &watchMonitor{failing: map[string]*watchError{}, changed: make(chan struct{}, 1)}
}

func (m *watchMonitor) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if q := req.URL.Query(); err == nil && (q.Get("watch") == "true" || q.Get("watch") == "1") {
			m.observe(req.URL.Path+"?"+q.Get("labelSelector")+"&"+q.Get("fieldSelector"), resp)
		}
		return resp, err
	})
}

func (m *watchMonitor) observe(watch string, resp *http.Response) {
	m.mu.Lock()
	if resp.StatusCode/100 == 2 {
		delete(m.failing, watch)
		m.accepted++
	} else {
		m.failing[watch] = &watchError{watch: strings.TrimSuffix(strings.TrimSuffix(watch, "&"), "?"), status: resp.Status}
	}
	m.mu.Unlock()
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// failure is a failing watch, or nil.
func (m *watchMonitor) failure() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range slices.Sorted(maps.Keys(m.failing)) {
		return m.failing[k]
	}
	return nil
}

// waitEstablished waits until n watches were accepted, or one fails.
func (m *watchMonitor) waitEstablished(ctx context.Context, n int) error {
	for {
		if err := m.failure(); err != nil {
			return err
		}
		m.mu.Lock()
		ok := m.accepted >= n
		m.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-m.changed:
		case <-ctx.Done():
			return fmt.Errorf("watches not established within the sync timeout")
		}
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
