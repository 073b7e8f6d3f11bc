package referee

import (
	"testing"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"
)

func lbEndpoint(addr string, port uint32, workload, tlsMode string) *endpoint.LbEndpoint {
	md := &core.Metadata{FilterMetadata: map[string]*structpb.Struct{
		"istio": {Fields: map[string]*structpb.Value{"workload": structpb.NewStringValue(workload)}},
	}}
	if tlsMode != "" {
		md.FilterMetadata["envoy.transport_socket_match"] = &structpb.Struct{Fields: map[string]*structpb.Value{"tlsMode": structpb.NewStringValue(tlsMode)}}
	}
	return &endpoint.LbEndpoint{
		HostIdentifier: &endpoint.LbEndpoint_Endpoint{Endpoint: &endpoint.Endpoint{Address: &core.Address{Address: &core.Address_SocketAddress{
			SocketAddress: &core.SocketAddress{Address: addr, PortSpecifier: &core.SocketAddress_PortValue{PortValue: port}},
		}}}},
		Metadata: md,
	}
}

// What istiod sends a proxy of network1: its own pod, and a gateway of
// network2 in place of cluster2's pod (ep_filters.go EndpointsByNetworkFilter).
func TestProxyEndpoints(t *testing.T) {
	cla := &endpoint.ClusterLoadAssignment{ClusterName: SampleCluster, Endpoints: []*endpoint.LocalityLbEndpoints{{
		LbEndpoints: []*endpoint.LbEndpoint{
			lbEndpoint("127.0.2.1", 15443, ";;;;cluster2", "istio"),
			lbEndpoint("10.1.0.10", 8080, "echo;referee-sample;echo;;cluster1", "istio"),
		},
	}}}
	got := proxyEndpoints(cla)
	want := []ProxyEndpoint{
		{Address: "10.1.0.10", Port: 8080, Workload: "echo", Cluster: "cluster1", TLSMode: "istio"},
		{Address: "127.0.2.1", Port: 15443, Cluster: "cluster2", TLSMode: "istio"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("proxyEndpoints (-want +got):\n%s", d)
	}

	plans := []*Plan{
		{Cluster: "cluster1", Network: "network1", PodIP: "10.1.0.10"},
		{Cluster: "cluster2", Network: "network2", PodIP: "10.2.0.10", Gateways: []PlannedGateway{{Namespace: "istio-system", Name: "eastwest", Network: "network2", Address: "127.0.2.1", Port: 15443}}},
	}
	for e, want := range map[ProxyEndpoint]string{
		got[0]:                              "10.1.0.10:8080 (local pod)",
		got[1]:                              "via gateway 127.0.2.1:15443 (network2, istio-system/eastwest of cluster2)",
		{Address: "10.2.0.10", Port: 8080}:  "10.2.0.10:8080 (pod of cluster2 on network network2: not routable from network1)",
		{Address: "127.0.2.1", Port: 80}:    "127.0.2.1:80 (address of gateway istio-system/eastwest of cluster2 for network2, but its mTLS port is 15443)",
		{Address: "192.0.2.1", Port: 15443}: "192.0.2.1:15443 (no pod or gateway of the fleet)",
	} {
		if d := classify(e, plans).describe(plans[0]); d != want {
			t.Errorf("describe(%s) = %q, want %q", e, d, want)
		}
	}
}

// The node a referee proxy sends: the ID and the metadata istiod reads
// (model.ParseServiceNodeWithMetadata, NodeMetadata).
func TestEnvoyNode(t *testing.T) {
	p := &Plan{Cluster: "west", Network: "network2", PodIP: "10.2.0.10"}
	n, err := ProxyNodeFor(p, "cluster2", "mesh1", "").envoyNode()
	if err != nil {
		t.Fatal(err)
	}
	if want := "sidecar~10.2.0.10~echo-west.referee-sample~referee-sample.svc.cluster.local"; n.GetId() != want {
		t.Errorf("node ID %q, want %q", n.GetId(), want)
	}
	md := n.GetMetadata().AsMap()
	for k, want := range map[string]string{"CLUSTER_ID": "cluster2", "NETWORK": "network2", "MESH_ID": "mesh1", "NAMESPACE": SampleNamespace, "INSTANCE_IPS": "10.2.0.10"} {
		if md[k] != want {
			t.Errorf("metadata %s = %v, want %q", k, md[k], want)
		}
	}
	labels, _ := md["LABELS"].(map[string]any)
	if labels["security.istio.io/tlsMode"] != "istio" || labels["topology.istio.io/network"] != "network2" {
		t.Errorf("LABELS = %v, want the injector's tlsMode and network labels", labels)
	}
	if _, ok := md["ISTIO_REVISION"]; ok {
		t.Error("ISTIO_REVISION set for the default revision")
	}
}
