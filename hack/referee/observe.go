package referee

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Seen is what one istiod observed, read from its debug endpoints.
type Seen struct {
	Cluster   string
	ClusterID string
	// Remotes are the remote clusters istiod registered from remote secrets
	// (/debug/clusterz), by the ID it gave them.
	Remotes []RemoteCluster
	// Endpoints are the sample service's endpoints istiod holds, by the
	// cluster ID of the registry they came from (/debug/endpointShardz).
	Endpoints map[string][]Endpoint
	// Gateways are the network gateways istiod knows (/debug/networkz).
	Gateways []NetworkGateway
	// TrustDomain, its aliases and MeshID are what istiod serves
	// (/debug/mesh).
	TrustDomain, MeshID string
	TrustDomainAliases  []string
	// SkipValidateTrustDomain: this istiod's proxies accept any trust
	// domain (PILOT_SKIP_VALIDATE_TRUST_DOMAIN, which /debug/mesh does not
	// show).
	SkipValidateTrustDomain bool
	// Proxies are what a sidecar of each cluster this istiod serves
	// receives over xDS: the EDS of the sample service's outbound cluster.
	Proxies []ProxyView
}

// RemoteCluster is one entry of /debug/clusterz.
type RemoteCluster struct {
	ID         string `json:"id"`
	SecretName string `json:"secretName"`
	SyncStatus string `json:"syncStatus"`
}

// Endpoint is one endpoint of the sample service.
type Endpoint struct {
	Address string
	Network string
	// TLSMode is the pod's security.istio.io/tlsMode ("istio": an injected
	// sidecar that accepts Istio mTLS).
	TLSMode string
}

// NetworkGateway is one entry of /debug/networkz.
type NetworkGateway struct {
	Network string `json:"Network"`
	Cluster string `json:"Cluster"`
	Addr    string `json:"Addr"`
	Port    int    `json:"Port"`
}

// settle is how long istiod's view must stay the same to be taken as final.
const settle = 2 * time.Second

// Observe reads what istiod discovered once its view has settled: every
// remote cluster synced or given up on, and the debug endpoints unchanged
// for a while.
func Observe(ctx context.Context, i *Istiod, m *Model, plans []*Plan) (*Seen, error) {
	deadline := time.Now().Add(45 * time.Second)
	var last *Seen
	stableSince := time.Now()
	for {
		s, err := observeOnce(i)
		if err != nil {
			return nil, err
		}
		if last == nil || !reflect.DeepEqual(last, s) {
			last, stableSince = s, time.Now()
		}
		pending := false
		for _, r := range s.Remotes {
			if r.SyncStatus == "syncing" {
				pending = true
			}
		}
		if (!pending && time.Since(stableSince) >= settle) || time.Now().After(deadline) {
			return last, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func observeOnce(i *Istiod) (*Seen, error) {
	s := &Seen{Cluster: i.Cluster, ClusterID: i.ClusterID, Endpoints: map[string][]Endpoint{}, SkipValidateTrustDomain: i.SkipValidateTrustDomain}
	var remotes []RemoteCluster
	if err := i.Debug("/debug/clusterz", &remotes); err != nil {
		return nil, err
	}
	for _, r := range remotes {
		if r.SecretName != "" { // the config cluster itself has none
			s.Remotes = append(s.Remotes, r)
		}
	}
	sort.Slice(s.Remotes, func(a, b int) bool { return s.Remotes[a].ID < s.Remotes[b].ID })

	var shardz map[string]map[string]struct {
		Shards map[string][]struct {
			Addresses []string
			Network   string
			TLSMode   string
		}
	}
	if err := i.Debug("/debug/endpointShardz", &shardz); err != nil {
		return nil, err
	}
	for key, shards := range shardz[SampleHost][SampleNamespace].Shards {
		// key is <provider>/<cluster ID>
		id := key[strings.Index(key, "/")+1:]
		for _, ep := range shards {
			s.Endpoints[id] = append(s.Endpoints[id], Endpoint{Address: strings.Join(ep.Addresses, ","), Network: ep.Network, TLSMode: ep.TLSMode})
		}
	}

	if err := i.Debug("/debug/networkz", &s.Gateways); err != nil {
		return nil, err
	}
	sort.Slice(s.Gateways, func(a, b int) bool {
		return s.Gateways[a].Network+s.Gateways[a].Addr < s.Gateways[b].Network+s.Gateways[b].Addr
	})
	var mesh struct {
		TrustDomain        string   `json:"trustDomain"`
		TrustDomainAliases []string `json:"trustDomainAliases"`
		DefaultConfig      struct {
			MeshID string `json:"meshId"`
		} `json:"defaultConfig"`
	}
	if err := i.Debug("/debug/mesh", &mesh); err != nil {
		return nil, err
	}
	s.TrustDomain, s.MeshID, s.TrustDomainAliases = mesh.TrustDomain, mesh.DefaultConfig.MeshID, mesh.TrustDomainAliases
	return s, nil
}

// xdsTimeout bounds one proxy's wait for its EDS response (istiod answers
// in milliseconds once it is ready).
const xdsTimeout = 10 * time.Second

// ObserveProxies connects, one at a time, as the sidecar of the sample pod
// of each node's cluster and records the sample service's endpoints the
// proxy receives. Called once istiod's view has settled (Observe).
func ObserveProxies(ctx context.Context, i *Istiod, nodes []ProxyNode) []ProxyView {
	var out []ProxyView
	for _, n := range nodes {
		v := ProxyView{Cluster: n.Cluster, ClusterID: n.ClusterID, Network: n.Network}
		cla, err := FetchEDS(ctx, i.GRPCAddr, n, SampleCluster, xdsTimeout)
		if err != nil {
			v.Error = err.Error()
		} else {
			v.Endpoints = proxyEndpoints(cla)
		}
		out = append(out, v)
	}
	return out
}

// ServedClusters are the clusters of an istiod's mesh whose proxies connect
// to it: its own, and those that run no istiod of their own (remotes).
func ServedClusters(m *Model, cluster string, ownIstiod map[string]bool) []string {
	var out []string
	for _, c := range m.MeshOf(cluster) {
		if c == cluster || (!ownIstiod[c] && m.Clusters[c] != nil) {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// Verdict is the referee's judgement of one fleet: cross-cluster discovery
// as a whole, and along each dimension.
type Verdict struct {
	// Works is true when every istiod holds the sample service's endpoints
	// of every cluster of its mesh, registers every cluster its proxies
	// connect to under the cluster ID those proxies claim, and the proxy of
	// every cluster it serves receives a reachable endpoint for every
	// cluster of the mesh: the pod's IP on its own network, the right
	// network gateway's address and mTLS port for another network.
	Works bool
	// Broken says where it does not, one line per problem: the problems of
	// the cluster, network and control-plane dimensions.
	Broken []string
	// Identity lists clusters an istiod registers under another ID than the
	// one the cluster's proxies claim, where those proxies are served by
	// their own istiod: discovery works, but anything keyed by cluster ID
	// (cluster-local services, locality, a proxy that fails over to this
	// istiod) does not match.
	Identity []string
	// Dimensions is the verdict along each dimension. The mesh's problems
	// (what the istiods of a mesh serve disagrees) leave discovery working:
	// they show in the data plane's mTLS or in telemetry, which the referee
	// does not run.
	Dimensions map[Dimension]*DimensionVerdict
	// Checked counts the (istiod, cluster) pairs judged; Proxies the
	// (proxy, cluster) pairs, a proxy being one of a served cluster.
	Checked, Proxies int
}

// Judge turns what the istiods saw, and what their proxies received, into
// a verdict. What each cluster should be is what it says of itself: the
// cluster ID and network its own installs give its proxies (from
// meshcheck's model of the installs) and the sample pod and network
// gateways the referee put there. Which clusters an istiod should reach is
// the mesh meshcheck's model groups it in (remote secrets, control-plane
// links and mesh IDs).
//
// istiod's registry (/debug/endpointShardz, /debug/clusterz) says whether
// it discovered a cluster's endpoint and why not; the proxies' EDS says
// whether that endpoint arrives where it is reachable. A cluster missing
// from the registry is reported once, from the registry, with the state of
// its remote cluster; the proxy lines explain a reachability failure with
// what istiod holds (the endpoint's network, the gateways it knows).
//
// Each problem is filed under one dimension: a cluster istiod did not read,
// or a proxy it did not answer, under the control plane; a cluster read
// under another ID than its proxies claim, under the cluster; an endpoint
// of another network that does not arrive through that network's gateway,
// under the network.
func Judge(m *Model, plans []*Plan, seen []*Seen) Verdict {
	v := Verdict{}
	dims := newProblems()
	plan := map[string]*Plan{}
	for _, p := range plans {
		plan[p.Cluster] = p
	}
	ownIstiod := map[string]bool{}
	for _, s := range seen {
		ownIstiod[s.Cluster] = true
	}
	for _, s := range seen {
		where := fmt.Sprintf("istiod of %s (cluster ID %s)", s.Cluster, s.ClusterID)
		held := map[string]bool{} // clusters whose endpoint istiod holds
		dims[DimControlPlane].Judged++
		for _, other := range m.MeshOf(s.Cluster) {
			c := m.Clusters[other]
			p := plan[other]
			if c == nil || p == nil {
				continue
			}
			v.Checked++
			if other != s.Cluster {
				dims[DimCluster].Judged++
			}
			id := orDefault(c.ID.String(), "Kubernetes")
			got := registeredAs(s, p.PodIP)
			switch {
			case got == "":
				why := fmt.Sprintf("%s: no endpoint of %s in cluster %s", where, SampleService, other)
				if other != s.Cluster {
					why += "; " + remoteState(s, id)
				}
				dims.add(DimControlPlane, "%s", why)
				continue
			case got != id && (other == s.Cluster || !ownIstiod[other]):
				dims.add(DimCluster, "%s: cluster %s is registered as %q but its proxies, which this istiod serves, claim cluster ID %q", where, other, got, id)
			case got != id:
				v.Identity = append(v.Identity, fmt.Sprintf("%s: cluster %s is registered as %q, its proxies (served by its own istiod) claim %q", where, other, got, id))
			}
			held[other] = true
		}
		for _, pv := range s.Proxies {
			self := plan[pv.Cluster]
			if self == nil {
				continue
			}
			dims[DimControlPlane].Judged++
			proxy := fmt.Sprintf("%s: proxy of %s (network %q)", where, pv.Cluster, pv.Network)
			if pv.Error != "" {
				dims.add(DimControlPlane, "%s received no EDS for %s: %s", proxy, SampleCluster, pv.Error)
				continue
			}
			var got []received
			for _, e := range pv.Endpoints {
				got = append(got, classify(e, plans))
			}
			for _, other := range m.MeshOf(s.Cluster) {
				p := plan[other]
				if p == nil || !held[other] {
					continue // not in the registry: reported above
				}
				v.Proxies++
				dim := DimNetwork
				if sameNetwork(self.Network, p.Network) {
					// On one network a pod arrives as it is; one that does
					// not was dropped by istiod for this proxy.
					dim = DimControlPlane
				} else {
					dims[DimNetwork].Judged++
				}
				if why := unreachable(s, self, p, got); why != "" {
					dims.add(dim, "%s has no reachable endpoint of %s in %s (network %q): %s", proxy, SampleService, other, p.Network, why)
				}
			}
		}
	}
	if v.Checked == 0 {
		dims.add(DimControlPlane, "no istiod was run: the fleet has no primary control plane the referee can run")
	}
	judgeMesh(m, seen, dims[DimMesh])
	v.Broken = dims.discovery()
	v.Dimensions = dims
	sort.Strings(v.Identity)
	v.Works = len(v.Broken) == 0
	return v
}

// unreachable says why the proxy of self, having received got, cannot
// reach the sample pod of target, "" when it can: on the proxy's network,
// the pod's own address and port; on another, a gateway of the target's
// network at its load balancer address and mTLS port, and not the pod's
// address (which is not routable across networks).
func unreachable(s *Seen, self, target *Plan, got []received) string {
	var direct, viaGateway, wrongPort []string
	for _, r := range got {
		switch {
		case r.kind == podEndpoint && r.pod == target:
			direct = append(direct, r.describe(self))
		case r.kind == gatewayEndpoint && r.gatewayNetwork() == target.Network:
			viaGateway = append(viaGateway, r.describe(self))
		case r.kind == gatewayWrongPort && r.gatewayNetwork() == target.Network:
			wrongPort = append(wrongPort, r.describe(self))
		}
	}
	if sameNetwork(self.Network, target.Network) {
		if len(direct) > 0 {
			return ""
		}
		return fmt.Sprintf("its pod %s:%d is missing; %s", target.PodIP, samplePort, receivedList(self, got))
	}
	// Another network: istiod must hold the endpoint on that network (or it
	// is routed as if it were elsewhere) and send a gateway in its place.
	registry := registryNetwork(s, target.PodIP)
	switch {
	case len(direct) > 0:
		why := "receives " + strings.Join(direct, ", ")
		if registry != target.Network {
			why += fmt.Sprintf("; istiod holds the endpoint on network %q", registry)
		} else if !hasGateway(s, target.Network) {
			why += fmt.Sprintf("; istiod knows no gateway with an address for %s", target.Network)
		}
		return why
	case registry != target.Network:
		return fmt.Sprintf("istiod holds the endpoint on network %q, so no gateway of %s stands for it; %s", registry, target.Network, receivedList(self, got))
	case len(viaGateway) > 0:
		return ""
	case len(wrongPort) > 0:
		return "receives " + strings.Join(wrongPort, ", ")
	}
	why := "no gateway of " + target.Network + "; " + receivedList(self, got)
	switch {
	case !hasGateway(s, target.Network):
		why += fmt.Sprintf("; istiod knows no gateway with an address for %s", target.Network)
	case registryTLSMode(s, target.PodIP) != "istio":
		// ep_filters.go: cross-network traffic relies on mTLS for SNI routing
		why += fmt.Sprintf("; istiod holds the endpoint with tlsMode %q, and sends a sidecar a cross-network endpoint only when it is mTLS-capable (\"istio\")", registryTLSMode(s, target.PodIP))
	}
	return why
}

func receivedList(self *Plan, got []received) string {
	if len(got) == 0 {
		return "it receives no endpoints"
	}
	var out []string
	for _, r := range got {
		out = append(out, r.describe(self))
	}
	return "it receives " + strings.Join(out, ", ")
}

// registryTLSMode is the TLS mode istiod holds an endpoint address with.
func registryTLSMode(s *Seen, ip string) string {
	for _, eps := range s.Endpoints {
		for _, e := range eps {
			if hasAddress([]Endpoint{e}, ip) {
				return e.TLSMode
			}
		}
	}
	return ""
}

// registryNetwork is the network istiod holds an endpoint address on.
func registryNetwork(s *Seen, ip string) string {
	for _, eps := range s.Endpoints {
		for _, e := range eps {
			if hasAddress([]Endpoint{e}, ip) {
				return e.Network
			}
		}
	}
	return ""
}

func hasAddress(eps []Endpoint, ip string) bool {
	for _, e := range eps {
		for _, a := range strings.Split(e.Address, ",") {
			if a == ip {
				return true
			}
		}
	}
	return false
}

// registeredAs is the cluster ID under which istiod holds an endpoint, if any.
func registeredAs(s *Seen, ip string) string {
	for id, eps := range s.Endpoints {
		if hasAddress(eps, ip) {
			return id
		}
	}
	return ""
}

func remoteState(s *Seen, id string) string {
	for _, r := range s.Remotes {
		if r.ID == id {
			return fmt.Sprintf("remote cluster %s is %s (secret %s)", id, r.SyncStatus, r.SecretName)
		}
	}
	var ids []string
	for _, r := range s.Remotes {
		ids = append(ids, r.ID+"="+r.SyncStatus)
	}
	if len(ids) == 0 {
		return "istiod registered no remote cluster"
	}
	return "istiod registered no remote cluster " + id + " (it has " + strings.Join(ids, ", ") + ")"
}

func hasGateway(s *Seen, network string) bool {
	for _, g := range s.Gateways {
		if g.Network == network && g.Addr != "" && g.Port != 0 {
			return true
		}
	}
	return false
}
