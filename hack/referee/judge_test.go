package referee

import (
	"fmt"
	"strings"
	"testing"
)

func testModel(networks ...string) *Model {
	m := &Model{Clusters: map[string]*Cluster{}}
	var names []string
	for i, nw := range networks {
		n := "cluster" + string(rune('1'+i))
		names = append(names, n)
		m.Clusters[n] = &Cluster{Name: n, ID: &Fact{Value: n}, Network: &Fact{Value: nw}}
	}
	m.Meshes = append(m.Meshes, struct {
		ID       string   `json:"id"`
		Clusters []string `json:"clusters"`
	}{ID: "mesh1", Clusters: names})
	return m
}

func testPlans(m *Model) []*Plan {
	var out []*Plan
	for i, n := range m.SortedClusters() {
		nw := m.Clusters[n].Network.String()
		p := &Plan{Cluster: n, Index: i, Network: nw, PodIP: fmt.Sprintf("10.%d.0.10", i+1)}
		if nw != "" {
			p.Gateways = []PlannedGateway{{Namespace: "istio-system", Name: "istio-eastwestgateway", Network: nw, Address: fmt.Sprintf("127.0.%d.1", i+1), Port: 15443}}
		}
		out = append(out, p)
	}
	return out
}

// seen is what an istiod of cluster saw: the sample endpoint of each
// cluster registered under ids[cluster] (absent: not discovered), and the
// gateways of the networks named.
func seen(cluster string, ids map[string]string, plans []*Plan, gateways ...string) *Seen {
	s := &Seen{Cluster: cluster, ClusterID: cluster, Endpoints: map[string][]Endpoint{}}
	for _, p := range plans {
		if id, ok := ids[p.Cluster]; ok {
			s.Endpoints[id] = append(s.Endpoints[id], Endpoint{Address: p.PodIP, Network: p.Network, TLSMode: "istio"})
		}
	}
	for _, nw := range gateways {
		for _, p := range plans {
			for _, g := range p.Gateways {
				if g.Network == nw {
					s.Gateways = append(s.Gateways, NetworkGateway{Network: nw, Cluster: p.Cluster, Addr: g.Address, Port: 15443})
				}
			}
		}
	}
	return s
}

// withProxy adds what the proxy of cluster received from s.
func withProxy(s *Seen, cluster string, eps ...ProxyEndpoint) *Seen {
	s.Proxies = append(s.Proxies, ProxyView{Cluster: cluster, ClusterID: cluster, Endpoints: eps})
	return s
}

func pod(p *Plan) ProxyEndpoint {
	return ProxyEndpoint{Address: p.PodIP, Port: samplePort, Workload: SampleService, Cluster: p.Cluster}
}

func gw(p *Plan, port int) ProxyEndpoint {
	return ProxyEndpoint{Address: p.Gateways[0].Address, Port: port, Cluster: p.Cluster}
}

func TestJudge(t *testing.T) {
	one := testModel("network1", "network1")
	two := testModel("network1", "network2")
	both := map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}
	tests := []struct {
		name     string
		m        *Model
		seen     func(p []*Plan) []*Seen
		works    bool
		broken   string // a substring of the first broken line
		identity bool
		dim      Dimension // the dimension broken, when one is
	}{
		{"both primaries see both clusters", one, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", both, p), "cluster1", pod(p[0]), pod(p[1])),
				withProxy(seen("cluster2", both, p), "cluster2", pod(p[0]), pod(p[1]))}
		}, true, "", false, ""},
		{"remote secret missing", one, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", map[string]string{"cluster1": "cluster1"}, p), "cluster1", pod(p[0])),
				withProxy(seen("cluster2", both, p), "cluster2", pod(p[0]), pod(p[1]))}
		}, false, "no endpoint of echo in cluster cluster2", false, DimControlPlane},
		{"remote served by this istiod registered under another name", one, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(withProxy(seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "remote"}, p),
				"cluster1", pod(p[0]), pod(p[1])), "cluster2", pod(p[0]), pod(p[1]))}
		}, false, `registered as "remote"`, false, DimCluster},
		{"primary with its own istiod registered under another name", one, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "Kubernetes"}, p), "cluster1", pod(p[0]), pod(p[1])),
				withProxy(seen("cluster2", both, p), "cluster2", pod(p[0]), pod(p[1]))}
		}, true, "", true, ""},
		{"same network, the other cluster's pod not sent", one, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", both, p), "cluster1", pod(p[0]))}
		}, false, "proxy of cluster1 (network \"network1\") has no reachable endpoint of echo in cluster2 (network \"network1\"): its pod 10.2.0.10:8080 is missing", false, DimControlPlane},
		{"other network via its gateway", two, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[1], 15443))}
		}, true, "", false, ""},
		{"other network without gateway: the pod's address sent", two, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", both, p, "network1"), "cluster1", pod(p[0]), pod(p[1]))}
		}, false, "receives 10.2.0.10:8080 (pod of cluster2 on network network2: not routable from network1); istiod knows no gateway with an address for network2", false, DimNetwork},
		{"other network, gateway at the wrong port", two, func(p []*Plan) []*Seen {
			return []*Seen{withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[1], 15444))}
		}, false, "receives 127.0.2.1:15444 (address of gateway istio-system/istio-eastwestgateway of cluster2 for network2, but its mTLS port is 15443)", false, DimNetwork},
		{"other network, gateway Service forwards nothing to 15443", two, func(p []*Plan) []*Seen {
			p[1].Gateways[0].Port = 0
			return []*Seen{withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[1], 15443))}
		}, false, "but no port of it forwards to 15443", false, DimNetwork},
		{"other network, the endpoint held on the proxy's network", two, func(p []*Plan) []*Seen {
			s := seen("cluster1", both, p, "network1", "network2")
			s.Endpoints["cluster2"][0].Network = "network1"
			return []*Seen{withProxy(s, "cluster1", pod(p[0]), pod(p[1]))}
		}, false, `istiod holds the endpoint on network "network1"`, false, DimNetwork},
		{"other network, the endpoint held without network, a gateway of the network still sent", two, func(p []*Plan) []*Seen {
			s := seen("cluster1", both, p, "network1", "network2")
			s.Endpoints["cluster2"][0].Network = ""
			return []*Seen{withProxy(s, "cluster1", pod(p[0]), gw(p[1], 15443))}
		}, false, `istiod holds the endpoint on network "", so no gateway of network2 stands for it`, false, DimNetwork},
		{"other network, the endpoint not mTLS-capable: dropped", two, func(p []*Plan) []*Seen {
			s := seen("cluster1", both, p, "network1", "network2")
			s.Endpoints["cluster2"][0].TLSMode = "disabled"
			return []*Seen{withProxy(s, "cluster1", pod(p[0]))}
		}, false, `no gateway of network2; it receives 10.1.0.10:8080 (local pod); istiod holds the endpoint with tlsMode "disabled"`, false, DimNetwork},
		{"other network through a gateway labelled with it but running on the proxy's network", two, func(p []*Plan) []*Seen {
			p[0].Gateways[0].Network = "network2" // cluster1's gateway labelled network2
			return []*Seen{withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[0], 15443))}
		}, false, "no gateway of network2; it receives 10.1.0.10:8080 (local pod), via gateway 127.0.1.1:15443 (istio-system/istio-eastwestgateway of cluster1, labelled network2 but on network1)", false, DimNetwork},
		{"served remote on another network reaches the primary through its gateway", two, func(p []*Plan) []*Seen {
			s := withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[1], 15443))
			return []*Seen{withProxy(s, "cluster2", gw(p[0], 15443), pod(p[1]))}
		}, true, "", false, ""},
		{"served remote on another network receives the primary's pod address", two, func(p []*Plan) []*Seen {
			s := withProxy(seen("cluster1", both, p, "network1", "network2"), "cluster1", pod(p[0]), gw(p[1], 15443))
			return []*Seen{withProxy(s, "cluster2", pod(p[0]), pod(p[1]))}
		}, false, "proxy of cluster2 (network \"network2\") has no reachable endpoint of echo in cluster1 (network \"network1\"): receives 10.1.0.10:8080 (pod of cluster1 on network network1: not routable from network2)", false, DimNetwork},
		{"no EDS response", one, func(p []*Plan) []*Seen {
			s := seen("cluster1", both, p)
			s.Proxies = []ProxyView{{Cluster: "cluster1", Error: "context deadline exceeded"}}
			return []*Seen{s}
		}, false, "received no EDS for outbound|80||echo.referee-sample.svc.cluster.local: context deadline exceeded", false, DimControlPlane},
		{"no istiod", one, func(p []*Plan) []*Seen { return nil }, false, "no istiod was run", false, DimControlPlane},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plans := testPlans(tt.m)
			ss := tt.seen(plans)
			for _, s := range ss { // proxies claim their cluster's network
				for k := range s.Proxies {
					s.Proxies[k].Network = planOf(plans, s.Proxies[k].Cluster).Network
				}
			}
			v := Judge(tt.m, plans, ss)
			if v.Works != tt.works {
				t.Fatalf("works = %v, want %v (broken %v)", v.Works, tt.works, v.Broken)
			}
			if tt.broken != "" && (len(v.Broken) == 0 || !strings.Contains(v.Broken[0], tt.broken)) {
				t.Errorf("broken = %q, want the first containing %q", v.Broken, tt.broken)
			}
			for _, d := range Dimensions {
				if broken := len(v.Dimensions[d].Problems) > 0; broken != (d == tt.dim) {
					t.Errorf("dimension %s: problems %q, want some: %v", d, v.Dimensions[d].Problems, d == tt.dim)
				}
			}
			if (len(v.Identity) > 0) != tt.identity {
				t.Errorf("identity = %v, want some: %v", v.Identity, tt.identity)
			}
		})
	}
}

func TestSyncTables(t *testing.T) {
	doc := "intro\n<!-- referee:fleets -->\n| old |\n<!-- /referee:fleets -->\nmiddle\n<!-- referee:disagreements -->\n| d |\n<!-- /referee:disagreements -->\n"
	got, stale, err := syncTables(doc, map[string]string{"fleets": "| new |\n", "disagreements": "| d |\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 1 || stale[0] != "fleets" {
		t.Errorf("stale = %v, want [fleets]", stale)
	}
	want := "intro\n<!-- referee:fleets -->\n| new |\n<!-- /referee:fleets -->\nmiddle\n<!-- referee:disagreements -->\n| d |\n<!-- /referee:disagreements -->\n"
	if got != want {
		t.Errorf("updated doc:\n%s\nwant:\n%s", got, want)
	}
	if _, stale, _ := syncTables(got, map[string]string{"fleets": "| new |\n", "disagreements": "| d |\n"}); len(stale) != 0 {
		t.Errorf("current doc reported stale: %v", stale)
	}
	if _, _, err := syncTables("no markers", map[string]string{"fleets": ""}); err == nil {
		t.Error("missing markers: no error")
	}
}

func TestJudgeMesh(t *testing.T) {
	twoMeshes := testModel("network1", "network1")
	twoMeshes.Meshes[0].Clusters = []string{"cluster1"}
	twoMeshes.Meshes = append(twoMeshes.Meshes, twoMeshes.Meshes[0])
	twoMeshes.Meshes[1].ID, twoMeshes.Meshes[1].Clusters = "mesh2", []string{"cluster2"}
	istiod := func(cluster, meshID, td string, aliases ...string) *Seen {
		return &Seen{Cluster: cluster, MeshID: meshID, TrustDomain: td, TrustDomainAliases: aliases}
	}
	tests := []struct {
		name    string
		m       *Model
		seen    []*Seen
		state   string
		problem string // a substring of the first problem
	}{
		{"one mesh, one ID and trust domain", testModel("n", "n"),
			[]*Seen{istiod("cluster1", "mesh1", "cluster.local"), istiod("cluster2", "mesh1", "cluster.local")}, "consistent", ""},
		{"one mesh, mesh IDs differ", testModel("n", "n"),
			[]*Seen{istiod("cluster1", "mesh1", "cluster.local"), istiod("cluster2", "mesh2", "cluster.local")}, "differs", `serve different mesh IDs: cluster1 "mesh1", cluster2 "mesh2"`},
		{"one mesh, trust domains differ without aliases", testModel("n", "n"),
			[]*Seen{istiod("cluster1", "mesh1", "a.example"), istiod("cluster2", "mesh1", "b.example")}, "differs", "trust domains that do not alias each other"},
		{"one mesh, trust domains aliased one way only", testModel("n", "n"),
			[]*Seen{istiod("cluster1", "mesh1", "a.example", "b.example"), istiod("cluster2", "mesh1", "b.example")}, "differs", "trust domains that do not alias each other"},
		{"one mesh, trust domains aliased both ways", testModel("n", "n"),
			[]*Seen{istiod("cluster1", "mesh1", "a.example", "b.example"), istiod("cluster2", "mesh1", "b.example", "a.example")}, "consistent", ""},
		{"one mesh, trust domains differ, both skip validation", testModel("n", "n"),
			[]*Seen{{Cluster: "cluster1", MeshID: "mesh1", TrustDomain: "a.example", SkipValidateTrustDomain: true},
				{Cluster: "cluster2", MeshID: "mesh1", TrustDomain: "b.example", SkipValidateTrustDomain: true}}, "consistent", ""},
		{"one istiod", testModel("n", "n"), []*Seen{istiod("cluster1", "mesh1", "cluster.local")}, "not exercised", ""},
		{"separate meshes, distinct IDs", twoMeshes,
			[]*Seen{istiod("cluster1", "mesh1", "cluster.local"), istiod("cluster2", "mesh2", "other.local")}, "consistent", ""},
		{"separate meshes, one ID", twoMeshes,
			[]*Seen{istiod("cluster1", "mesh1", "cluster.local"), istiod("cluster2", "mesh1", "other.local")}, "differs", `separate meshes serve the same mesh ID "mesh1": cluster1 and cluster2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dv := &DimensionVerdict{}
			judgeMesh(tt.m, tt.seen, dv)
			if got := dv.State(DimMesh); got != tt.state {
				t.Fatalf("state = %q, want %q (problems %q)", got, tt.state, dv.Problems)
			}
			if tt.problem != "" && !strings.Contains(dv.Problems[0], tt.problem) {
				t.Errorf("problems = %q, want the first containing %q", dv.Problems, tt.problem)
			}
		})
	}
}
