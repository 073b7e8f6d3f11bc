package referee

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

// What a proxy of each cluster receives over xDS (issue 12): the referee
// connects to istiod's plaintext gRPC port as the sidecar of the sample pod
// of each cluster istiod serves, with the node metadata the injector and
// pilot-agent give a real istio-proxy, and asks for the EDS of the sample
// service's outbound cluster. One short-lived ADS stream per (istiod, served
// cluster), closed when the ClusterLoadAssignment arrives.

// edsType is the type URL of an EDS resource.
const edsType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"

// SampleCluster is the Envoy cluster of the sample service a sidecar calls:
// outbound|<service port>||<host>.
var SampleCluster = fmt.Sprintf("outbound|%d||%s", sampleServicePort, SampleHost)

// ProxyView is what one proxy received from one istiod.
type ProxyView struct {
	// Cluster is the fleet cluster the proxy runs in (its sample pod).
	Cluster string
	// ClusterID and Network are what the proxy claimed in its node
	// metadata (CLUSTER_ID, NETWORK): the cluster's injection settings.
	ClusterID, Network string
	// Endpoints are the LbEndpoints of the sample service's outbound
	// cluster, in the order istiod sent them.
	Endpoints []ProxyEndpoint
	// Error is set when no EDS response arrived (the stream failed or timed
	// out); Endpoints is then empty.
	Error string
}

// ProxyEndpoint is one LbEndpoint as the proxy received it, with the
// network and cluster istiod put in its istio filter metadata.
type ProxyEndpoint struct {
	Address string
	Port    int
	// Workload and Cluster are from the endpoint's telemetry metadata
	// (filter_metadata.istio.workload: workload;namespace;canonical
	// name;revision;cluster ID): a gateway endpoint istiod made in place of
	// a remote network's endpoints has no workload and the gateway's
	// cluster.
	Workload, Cluster string
	// TLSMode is the endpoint's security.istio.io/tlsMode label as istiod
	// passes it ("istio" when mTLS-capable).
	TLSMode string
}

// String is address:port.
func (e ProxyEndpoint) String() string { return e.Address + ":" + strconv.Itoa(e.Port) }

// ProxyNode is who a referee proxy says it is.
type ProxyNode struct {
	Cluster, ClusterID, Network, MeshID, Revision string
	PodIP, PodName, Namespace, NodeName           string
	Labels                                        map[string]string
}

// ProxyNodeFor is the sidecar of a cluster's sample pod: node ID
// sidecar~<pod IP>~<pod>.<namespace>~<namespace>.svc.cluster.local and the
// metadata a real istio-proxy sends.
func ProxyNodeFor(p *Plan, clusterID, meshID, revision string) ProxyNode {
	return ProxyNode{
		Cluster: p.Cluster, ClusterID: clusterID, Network: p.Network, MeshID: meshID, Revision: revision,
		PodIP: p.PodIP, PodName: samplePodName(p), Namespace: SampleNamespace, NodeName: sampleNodeName(p),
		Labels: sampleLabels(p),
	}
}

// envoyNode is the xDS node of a referee proxy. The metadata keys are
// istio's NodeMetadata (pkg/model/proxy.go), as the injector's environment
// (ISTIO_META_*) and pilot-agent fill them.
func (n ProxyNode) envoyNode() (*core.Node, error) {
	labels := map[string]any{}
	for k, v := range n.Labels {
		labels[k] = v
	}
	podPorts, _ := json.Marshal([]map[string]any{{"containerPort": samplePort, "protocol": "TCP"}})
	md := map[string]any{
		"ISTIO_VERSION":     "1.31-dev",
		"CLUSTER_ID":        n.ClusterID,
		"NETWORK":           n.Network,
		"MESH_ID":           n.MeshID,
		"NAMESPACE":         n.Namespace,
		"NAME":              n.PodName,
		"NODE_NAME":         n.NodeName,
		"WORKLOAD_NAME":     SampleService,
		"OWNER":             "kubernetes://apis/apps/v1/namespaces/" + n.Namespace + "/deployments/" + SampleService,
		"SERVICE_ACCOUNT":   "default",
		"LABELS":            labels,
		"INSTANCE_IPS":      n.PodIP,
		"INTERCEPTION_MODE": "REDIRECT",
		"POD_PORTS":         string(podPorts),
		"APP_CONTAINERS":    "app",
		"PILOT_SAN":         []any{"istiod.istio-system.svc"},
	}
	if n.Revision != "" {
		md["ISTIO_REVISION"] = n.Revision
	}
	if n.Network == "" {
		delete(md, "NETWORK")
	}
	if n.MeshID == "" {
		delete(md, "MESH_ID")
	}
	s, err := structpb.NewStruct(md)
	if err != nil {
		return nil, fmt.Errorf("node metadata: %w", err)
	}
	return &core.Node{
		Id:            fmt.Sprintf("sidecar~%s~%s.%s~%s.svc.cluster.local", n.PodIP, n.PodName, n.Namespace, n.Namespace),
		Cluster:       SampleService + "." + n.Namespace,
		Metadata:      s,
		UserAgentName: "envoy",
	}, nil
}

// FetchEDS connects to istiod's plaintext gRPC address as node and returns
// the ClusterLoadAssignment of cluster, waiting at most timeout.
func FetchEDS(ctx context.Context, grpcAddr string, node ProxyNode, cluster string, timeout time.Duration) (*endpoint.ClusterLoadAssignment, error) {
	n, err := node.envoyNode()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("dial istiod %s: %w", grpcAddr, err)
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return nil, fmt.Errorf("ADS stream to %s: %w", grpcAddr, err)
	}
	if err := stream.Send(&discovery.DiscoveryRequest{Node: n, TypeUrl: edsType, ResourceNames: []string{cluster}}); err != nil {
		return nil, fmt.Errorf("send EDS request: %w", err)
	}
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("istiod closed the stream without an EDS response")
		}
		if err != nil {
			return nil, fmt.Errorf("EDS of %s: %w", cluster, err)
		}
		if resp.GetTypeUrl() != edsType {
			continue
		}
		for _, r := range resp.GetResources() {
			cla := &endpoint.ClusterLoadAssignment{}
			if err := r.UnmarshalTo(cla); err != nil {
				return nil, fmt.Errorf("decode EDS of %s: %w", cluster, err)
			}
			if cla.GetClusterName() == cluster {
				_ = stream.CloseSend()
				return cla, nil
			}
		}
		// istiod answered without the resource: it does not know the
		// cluster (no such service in its push context).
		_ = stream.CloseSend()
		return &endpoint.ClusterLoadAssignment{ClusterName: cluster}, nil
	}
}

// proxyEndpoints flattens a ClusterLoadAssignment.
func proxyEndpoints(cla *endpoint.ClusterLoadAssignment) []ProxyEndpoint {
	var out []ProxyEndpoint
	for _, l := range cla.GetEndpoints() {
		for _, e := range l.GetLbEndpoints() {
			sa := e.GetEndpoint().GetAddress().GetSocketAddress()
			pe := ProxyEndpoint{Address: sa.GetAddress(), Port: int(sa.GetPortValue())}
			if sa == nil {
				// an internal address (HBONE tunnel): keep its name
				pe.Address = e.GetEndpoint().GetAddress().GetEnvoyInternalAddress().GetEndpointId()
			}
			if w := e.GetMetadata().GetFilterMetadata()["istio"].GetFields()["workload"].GetStringValue(); w != "" {
				f := strings.Split(w, ";")
				pe.Workload = f[0]
				if len(f) == 5 {
					pe.Cluster = f[4]
				}
			}
			if md := e.GetMetadata().GetFilterMetadata()["envoy.transport_socket_match"]; md != nil {
				pe.TLSMode = md.GetFields()["tlsMode"].GetStringValue()
			}
			out = append(out, pe)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].String() < out[b].String() })
	return out
}

// How a received endpoint reaches the sample service, judged from what the
// referee set up (the sample pods' addresses and the network gateways'
// load balancer addresses and mTLS ports), not from what istiod says.
type endpointKind int

const (
	unknownEndpoint  endpointKind = iota
	podEndpoint                   // a sample pod's IP and port
	gatewayEndpoint               // a network gateway's address and mTLS port
	gatewayWrongPort              // a network gateway's address, another port
)

// received is one endpoint a proxy received, placed in the fleet.
type received struct {
	ProxyEndpoint
	kind endpointKind
	// pod is the cluster whose sample pod it is (podEndpoint).
	pod *Plan
	// gateway and gatewayOf are the network gateway and its cluster
	// (gatewayEndpoint, gatewayWrongPort).
	gateway   *PlannedGateway
	gatewayOf *Plan
}

func classify(e ProxyEndpoint, plans []*Plan) received {
	r := received{ProxyEndpoint: e}
	for _, p := range plans {
		if p.PodIP == e.Address && e.Port == samplePort {
			r.kind, r.pod = podEndpoint, p
			return r
		}
	}
	for _, p := range plans {
		for k := range p.Gateways {
			g := &p.Gateways[k]
			if g.Address == "" || g.Address != e.Address {
				continue
			}
			r.gateway, r.gatewayOf, r.kind = g, p, gatewayWrongPort
			if g.Port != 0 && g.Port == e.Port {
				r.kind = gatewayEndpoint
				return r
			}
		}
	}
	return r
}

// gatewayNetwork is the network a gateway leads into: that of the cluster
// it runs in, whatever its topology.istio.io/network label says (the label
// is what istiod believes).
func (r received) gatewayNetwork() string {
	if r.gatewayOf != nil && r.gatewayOf.Network != "" {
		return r.gatewayOf.Network
	}
	if r.gateway != nil {
		return r.gateway.Network
	}
	return ""
}

// sameNetwork is Istio's test (Proxy.InNetwork): equal, or either unset.
func sameNetwork(a, b string) bool { return a == "" || b == "" || a == b }

// describe says how the proxy of self reaches the endpoint.
func (r received) describe(self *Plan) string {
	switch r.kind {
	case podEndpoint:
		switch {
		case r.pod.Cluster == self.Cluster:
			return fmt.Sprintf("%s (local pod)", r)
		case sameNetwork(self.Network, r.pod.Network):
			return fmt.Sprintf("%s (pod of %s, same network)", r, r.pod.Cluster)
		default:
			return fmt.Sprintf("%s (pod of %s on network %s: not routable from %s)", r, r.pod.Cluster, r.pod.Network, orDefault(self.Network, "the proxy's network"))
		}
	case gatewayEndpoint:
		if r.gateway.Network != r.gatewayNetwork() {
			return fmt.Sprintf("via gateway %s (%s/%s of %s, labelled %s but on %s)", r, r.gateway.Namespace, r.gateway.Name, r.gatewayOf.Cluster, r.gateway.Network, r.gatewayNetwork())
		}
		return fmt.Sprintf("via gateway %s (%s, %s/%s of %s)", r, r.gateway.Network, r.gateway.Namespace, r.gateway.Name, r.gatewayOf.Cluster)
	case gatewayWrongPort:
		want := fmt.Sprintf("its mTLS port is %d", r.gateway.Port)
		if r.gateway.Port == 0 {
			want = fmt.Sprintf("no port of it forwards to %d", gatewayMTLSPort)
		}
		return fmt.Sprintf("%s (address of gateway %s/%s of %s for %s, but %s)", r, r.gateway.Namespace, r.gateway.Name, r.gatewayOf.Cluster, r.gateway.Network, want)
	}
	return fmt.Sprintf("%s (no pod or gateway of the fleet)", r)
}
