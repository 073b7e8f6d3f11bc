package referee

import (
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
		out = append(out, &Plan{Cluster: n, Index: i, Network: m.Clusters[n].Network.String(), PodIP: "10." + string(rune('1'+i)) + ".0.10"})
	}
	return out
}

// seen is what an istiod of cluster saw: the sample endpoint of each
// cluster registered under ids[cluster] (absent: not discovered).
func seen(cluster string, ids map[string]string, plans []*Plan, gateways ...string) *Seen {
	s := &Seen{Cluster: cluster, ClusterID: cluster, Endpoints: map[string][]Endpoint{}}
	for _, p := range plans {
		if id, ok := ids[p.Cluster]; ok {
			s.Endpoints[id] = append(s.Endpoints[id], Endpoint{Address: p.PodIP, Network: p.Network})
		}
	}
	for _, nw := range gateways {
		s.Gateways = append(s.Gateways, NetworkGateway{Network: nw, Addr: "127.0.0.9", Port: 15443})
	}
	return s
}

func TestJudge(t *testing.T) {
	one := testModel("network1", "network1")
	two := testModel("network1", "network2")
	tests := []struct {
		name     string
		m        *Model
		seen     func(p []*Plan) []*Seen
		works    bool
		broken   string // a substring of the first broken line
		identity bool
	}{
		{"both primaries see both clusters", one, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p),
				seen("cluster2", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p)}
		}, true, "", false},
		{"remote secret missing", one, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1"}, p),
				seen("cluster2", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p)}
		}, false, "no endpoint of echo in cluster cluster2", false},
		{"remote served by this istiod registered under another name", one, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "remote"}, p)}
		}, false, `registered as "remote"`, false},
		{"primary with its own istiod registered under another name", one, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "Kubernetes"}, p),
				seen("cluster2", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p)}
		}, true, "", true},
		{"other network without gateway", two, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p, "network1")}
		}, false, "no network gateway", false},
		{"other network with gateway", two, func(p []*Plan) []*Seen {
			return []*Seen{seen("cluster1", map[string]string{"cluster1": "cluster1", "cluster2": "cluster2"}, p, "network1", "network2")}
		}, true, "", false},
		{"no istiod", one, func(p []*Plan) []*Seen { return nil }, false, "no istiod was run", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plans := testPlans(tt.m)
			v := Judge(tt.m, plans, tt.seen(plans))
			if v.Works != tt.works {
				t.Fatalf("works = %v, want %v (broken %v)", v.Works, tt.works, v.Broken)
			}
			if tt.broken != "" && (len(v.Broken) == 0 || !strings.Contains(v.Broken[0], tt.broken)) {
				t.Errorf("broken = %v, want one containing %q", v.Broken, tt.broken)
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
