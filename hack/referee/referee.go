package referee

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"
)

// Tools are the binaries and files the referee runs.
type Tools struct {
	// Meshcheck is a meshcheck binary.
	Meshcheck string
	// PilotDiscovery is the pinned istiod binary (bin/istio/<version>/pilot-discovery).
	PilotDiscovery string
	// Assets is the envtest KUBEBUILDER_ASSETS directory (kube-apiserver, etcd).
	Assets string
	// CRDs are Istio's CRD files, installed in every API server.
	CRDs []string
}

// Pool hands out API servers, reusing them across fleets: a fleet takes as
// many as it has clusters and gives them back wiped.
type Pool struct {
	tools Tools
	free  []*APIServer
	all   []*APIServer
}

// NewPool is an empty pool.
func NewPool(t Tools) *Pool { return &Pool{tools: t} }

// Take returns n API servers, starting the ones the pool lacks.
func (p *Pool) Take(n int) ([]*APIServer, error) {
	var out []*APIServer
	for len(out) < n && len(p.free) > 0 {
		out = append(out, p.free[len(p.free)-1])
		p.free = p.free[:len(p.free)-1]
	}
	if missing := n - len(out); missing > 0 {
		started, err := StartAPIServers(missing, p.tools.Assets, p.tools.CRDs)
		if err != nil {
			p.free = append(p.free, out...)
			return nil, err
		}
		p.all = append(p.all, started...)
		out = append(out, started...)
	}
	return out, nil
}

// Give wipes the servers and returns them to the pool.
func (p *Pool) Give(ctx context.Context, ss []*APIServer) error {
	for _, s := range ss {
		if err := s.Wipe(ctx); err != nil {
			return err
		}
		p.free = append(p.free, s)
	}
	return nil
}

// Size is how many API servers the pool started.
func (p *Pool) Size() int { return len(p.all) }

// Close stops every API server the pool started.
func (p *Pool) Close() {
	for _, s := range p.all {
		_ = s.Stop()
	}
}

// Result is what the referee found for one fleet.
type Result struct {
	Fleet    string
	Findings []Finding
	Plans    []*Plan
	Seen     []*Seen
	Verdict  Verdict
	Duration time.Duration
	// XDS is the part of Duration spent on the proxies' xDS streams.
	XDS time.Duration
}

// Run referees one fleet: meshcheck's model and findings, the fleet applied
// to one API server per cluster, one istiod per cluster that runs a primary
// control plane, and what those istiods discovered.
func Run(ctx context.Context, t Tools, pool *Pool, fleet, workDir string) (*Result, error) {
	start := time.Now()
	fleet, err := filepath.Abs(fleet)
	if err != nil {
		return nil, err
	}
	m, findings, err := Lint(ctx, t.Meshcheck, fleet)
	if err != nil {
		return nil, err
	}
	names := m.SortedClusters()
	servers, err := pool.Take(len(names))
	if err != nil {
		return nil, err
	}
	defer func() { _ = pool.Give(context.WithoutCancel(ctx), servers) }()
	byName := map[string]*APIServer{}
	for i, n := range names {
		byName[n] = servers[i]
	}
	res := &Result{Fleet: fleet, Findings: findings}
	for i, n := range names {
		p, err := Apply(ctx, m, n, i, byName)
		if err != nil {
			return nil, err
		}
		res.Plans = append(res.Plans, p)
	}

	var istiods []*Istiod
	defer func() {
		for _, i := range istiods {
			i.Stop()
		}
	}()
	for _, n := range names {
		for _, cp := range m.Clusters[n].ControlPlanes {
			if cp.Role != "primary" || !cp.Istiod.Bool() {
				continue
			}
			s := IstiodSettings{
				Cluster: n, ClusterID: orDefault(cp.ClusterID.String(), "Kubernetes"), Namespace: orDefault(cp.Namespace, "istio-system"),
				Revision: cp.Revision, MeshID: cp.MeshID.String(), TrustDomain: cp.TrustDomain.String(),
				TrustDomainAliases: cp.TrustDomainAliases.Strings(), Env: map[string]string{},
			}
			for k, f := range cp.Env {
				if v := f.String(); v != "" {
					s.Env[k] = v
				}
			}
			kc, err := byName[n].Kubeconfig(n, true)
			if err != nil {
				return nil, err
			}
			dir := filepath.Join(workDir, filepath.Base(fleet), n+"-"+orDefault(cp.Revision, "default"))
			i, err := StartIstiod(ctx, t.PilotDiscovery, dir, kc, s)
			if err != nil {
				return nil, err
			}
			istiods = append(istiods, i)
		}
	}
	sort.Slice(istiods, func(a, b int) bool { return istiods[a].Cluster < istiods[b].Cluster })
	for _, i := range istiods {
		seen, err := Observe(ctx, i, m, res.Plans)
		if err != nil {
			return nil, fmt.Errorf("observe istiod of %s: %w", i.Cluster, err)
		}
		res.Seen = append(res.Seen, seen)
	}
	// What a proxy of each served cluster receives, once every istiod's
	// view has settled.
	ownIstiod := map[string]bool{}
	for _, i := range istiods {
		ownIstiod[i.Cluster] = true
	}
	plan := map[string]*Plan{}
	for _, p := range res.Plans {
		plan[p.Cluster] = p
	}
	xdsStart := time.Now()
	for k, i := range istiods {
		var nodes []ProxyNode
		for _, c := range ServedClusters(m, i.Cluster, ownIstiod) {
			nodes = append(nodes, ProxyNodeFor(plan[c], orDefault(m.Clusters[c].ID.String(), "Kubernetes"), i.MeshID, i.Revision))
		}
		res.Seen[k].Proxies = ObserveProxies(ctx, i, nodes)
	}
	res.XDS = time.Since(xdsStart)
	res.Verdict = Judge(m, res.Plans, res.Seen)
	res.Duration = time.Since(start)
	return res, nil
}
