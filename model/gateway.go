package model

import (
	"fmt"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// Labels and env vars that carry network facts (REFERENCE.md §1.2).
const (
	LabelNetwork        = "topology.istio.io/network"
	LabelGatewayPort    = "networking.istio.io/gatewayPort"
	LabelRevision       = "istio.io/rev"
	envRequestedNetwork = "ISTIO_META_REQUESTED_NETWORK_VIEW"
)

// networkGatewayPorts are the ports the gateway chart exposes when
// networkGateway is set (manifests/charts/gateway/values.yaml).
var networkGatewayPorts = []Port{
	{Name: "status-port", Port: 15021, TargetPort: 15021},
	{Name: "tls", Port: 15443, TargetPort: 15443},
	{Name: "tls-istiod", Port: 15012, TargetPort: 15012},
	{Name: "tls-webhook", Port: 15017, TargetPort: 15017},
}

func labelPath(key string) string { return "metadata.labels." + escapeKey(key) }

// gatewayService reads a Service labelled topology.istio.io/network.
func gatewayService(obj *source.Object, cluster string) *NetworkGateway {
	labels := obj.Labels()
	if _, ok := labels[LabelNetwork]; !ok {
		return nil
	}
	g := &NetworkGateway{
		Name:        obj.Name(),
		Namespace:   obj.Namespace(),
		Network:     labelFact(obj, cluster, LabelNetwork),
		Ports:       ports(lookup(obj.Data, "spec.ports")),
		Type:        scalarString(lookup(obj.Data, "spec.type")),
		Selector:    stringMap(lookup(obj.Data, "spec.selector")),
		Annotations: obj.Annotations(),
		Revision:    labelFact(obj, cluster, LabelRevision),
		Addresses:   stringList(lookup(obj.Data, "spec.externalIPs")),
		Listeners:   []Listener{},
		Source:      sourceAt(obj, cluster, labelPath(LabelNetwork), false),
	}
	g.GatewayPort, _ = asInt(labels[LabelGatewayPort])
	// An address is known from externalIPs, or from the status of an object
	// the API server returned. A manifest in Git has no status, and
	// `kubectl create --dry-run -o yaml` writes an empty one that says
	// nothing, so only a live object's status counts.
	g.AddressesKnown = len(g.Addresses) > 0
	if status, ok := lookup(obj.Data, "status.loadBalancer").(map[string]any); ok && isLive(obj) {
		g.AddressesKnown = true
		ingress, _ := status["ingress"].([]any)
		for _, in := range ingress {
			m, _ := in.(map[string]any)
			if a := firstNonEmpty(scalarString(m["ip"]), scalarString(m["hostname"])); a != "" {
				g.Addresses = append(g.Addresses, a)
			}
		}
	}
	return g
}

// iopGateways reads the ingress gateway components of an IstioOperator that
// act as network gateways (labelled with a network or asking for a network
// view, as gen-eastwest-gateway.sh generates them).
func iopGateways(obj *source.Object, cluster string) ([]*NetworkGateway, []*Workload) {
	comps, _ := lookup(obj.Data, "spec.components.ingressGateways").([]any)
	var revision *Fact[string]
	if r := scalarString(lookup(obj.Data, "spec.revision")); r != "" {
		revision = &Fact[string]{Value: r, Source: sourceAt(obj, cluster, "spec.revision", false)}
	}
	defaultNS := firstNonEmpty(scalarString(lookup(obj.Data, "spec.values.global.istioNamespace")), defaultNamespace)
	var gws []*NetworkGateway
	var wls []*Workload
	for i, c := range comps {
		m, _ := c.(map[string]any)
		if enabled, ok := asBool(m["enabled"]); ok && !enabled {
			continue
		}
		base := fmt.Sprintf("spec.components.ingressGateways[%d]", i)
		t := tree{data: m, obj: obj, cluster: cluster, prefix: base}
		labels := stringMap(m["label"])
		w := &Workload{
			Kind:      "IstioOperator",
			Name:      scalarString(m["name"]),
			Namespace: firstNonEmpty(scalarString(m["namespace"]), defaultNS),
			Labels:    labels,
			Network:   t.str("label." + escapeKey(LabelNetwork)),
			Revision:  revision,
			Gateway:   true,
			Source:    t.source("name"),
		}
		if envs, ok := lookup(m, "k8s.env").([]any); ok {
			w.RequestedNetworkView = envFact(obj, cluster, envs, base+".k8s.env", envRequestedNetwork)
		}
		if w.Network == nil && w.RequestedNetworkView == nil {
			continue
		}
		wls = append(wls, w)
		if w.Network == nil {
			continue
		}
		svcPorts := ports(lookup(m, "k8s.service.ports"))
		gws = append(gws, &NetworkGateway{
			Name:        w.Name,
			Namespace:   w.Namespace,
			Network:     w.Network,
			Ports:       svcPorts,
			Type:        firstNonEmpty(scalarString(lookup(m, "k8s.service.type")), "LoadBalancer"),
			Selector:    labels,
			Annotations: stringMap(lookup(m, "k8s.serviceAnnotations")),
			Revision:    revision,
			Addresses:   []string{},
			Listeners:   []Listener{},
			Source:      w.Network.Source,
		})
	}
	return gws, wls
}

// chartGateway reads values of the istio/gateway chart with networkGateway
// set: the chart labels the Service and pods with the network, sets the
// network view env and exposes networkGatewayPorts. Values that set the
// network label in labels instead (Solo's Gloo Platform catalog) make a
// network gateway too: the chart puts labels on the Service, and istiod
// takes a Service labelled topology.istio.io/network as its network's
// gateway.
func chartGateway(obj *source.Object, cluster string) (*NetworkGateway, *Workload) {
	t := newTree(obj, cluster, "")
	network := t.str("networkGateway")
	if network == nil {
		network = t.str("labels." + escapeKey(LabelNetwork))
	}
	if network == nil {
		return nil, nil
	}
	name := firstNonEmpty(scalarString(obj.Data["name"]), "istio-eastwestgateway")
	labels := map[string]string{"app": name, "istio": strings.TrimPrefix(name, "istio-")}
	for k, v := range stringMap(obj.Data["labels"]) {
		labels[k] = v
	}
	p := networkGatewayPorts
	if custom := ports(lookup(obj.Data, "service.ports")); len(custom) > 0 {
		p = custom
	}
	ns := firstNonEmpty(scalarString(lookup(obj.Data, "global.istioNamespace")), defaultNamespace)
	revision := t.str("revision")
	g := &NetworkGateway{
		Name: name, Namespace: ns, Network: network, Ports: p,
		Type:        firstNonEmpty(scalarString(lookup(obj.Data, "service.type")), "LoadBalancer"),
		Selector:    labels,
		Annotations: stringMap(lookup(obj.Data, "service.annotations")),
		Revision:    revision, Addresses: []string{}, Listeners: []Listener{},
		Source: network.Source,
	}
	podLabels := map[string]string{LabelNetwork: network.Value}
	for k, v := range labels {
		podLabels[k] = v
	}
	w := &Workload{
		Kind: "HelmValues", Name: name, Namespace: ns, Labels: podLabels,
		Network: network, RequestedNetworkView: network, Revision: revision, Gateway: true,
		Source: network.Source,
	}
	return g, w
}

// kubeGateway reads a Gateway API Gateway that is a network gateway: the
// ambient east-west gateway (class istio-east-west) or one labelled with a
// network (class istio-remote names a gateway istiod cannot reach).
func kubeGateway(obj *source.Object, cluster string) *NetworkGateway {
	class := scalarString(lookup(obj.Data, "spec.gatewayClassName"))
	network := labelFact(obj, cluster, LabelNetwork)
	if network == nil && class != "istio-east-west" && class != "istio-remote" {
		return nil
	}
	g := &NetworkGateway{
		Name: obj.Name(), Namespace: obj.Namespace(), Network: network, Class: class,
		Selector: map[string]string{}, Annotations: obj.Annotations(),
		Revision: labelFact(obj, cluster, LabelRevision), Addresses: []string{}, Ports: []Port{},
		Source: sourceAt(obj, cluster, "spec.gatewayClassName", false),
	}
	ls, _ := lookup(obj.Data, "spec.listeners").([]any)
	for _, l := range ls {
		m, _ := l.(map[string]any)
		port, _ := asInt(m["port"])
		g.Listeners = append(g.Listeners, Listener{
			Name: scalarString(m["name"]), Port: port, Protocol: scalarString(m["protocol"]),
			TLSMode: scalarString(lookup(m, "tls.mode")), Options: stringMap(lookup(m, "tls.options")),
		})
		g.Ports = append(g.Ports, Port{Name: scalarString(m["name"]), Port: port, Protocol: scalarString(m["protocol"])})
	}
	addrs, _ := lookup(obj.Data, "spec.addresses").([]any)
	for _, a := range addrs {
		if v := scalarString(lookup(asMap(a), "value")); v != "" {
			g.Addresses = append(g.Addresses, v)
		}
	}
	if st, ok := lookup(obj.Data, "status.addresses").([]any); ok && isLive(obj) {
		g.AddressesKnown = true
		for _, a := range st {
			if v := scalarString(lookup(asMap(a), "value")); v != "" {
				g.Addresses = append(g.Addresses, v)
			}
		}
	}
	g.AddressesKnown = g.AddressesKnown || len(g.Addresses) > 0
	return g
}

// workload reads a pod template that carries a network label or a network
// view (gateway Deployments, pods that override their network).
func workload(obj *source.Object, cluster string) *Workload {
	tmpl := "spec.template."
	if obj.Kind() == "Pod" {
		tmpl = ""
	}
	labels := stringMap(lookup(obj.Data, tmpl+"metadata.labels"))
	w := &Workload{
		Kind: obj.Kind(), Name: obj.Name(), Namespace: obj.Namespace(), Labels: labels,
		Source: sourceAt(obj, cluster, "metadata.name", false),
	}
	if _, ok := labels[LabelNetwork]; ok {
		w.Network = &Fact[string]{Value: labels[LabelNetwork], Source: sourceAt(obj, cluster, tmpl+"metadata.labels."+escapeKey(LabelNetwork), false)}
	}
	if r, ok := labels[LabelRevision]; ok {
		w.Revision = &Fact[string]{Value: r, Source: sourceAt(obj, cluster, tmpl+"metadata.labels."+escapeKey(LabelRevision), false)}
	}
	containers, _ := lookup(obj.Data, tmpl+"spec.containers").([]any)
	for i, c := range containers {
		envs, _ := asMap(c)["env"].([]any)
		if f := envFact(obj, cluster, envs, fmt.Sprintf("%sspec.containers[%d].env", tmpl, i), envRequestedNetwork); f != nil {
			w.RequestedNetworkView = f
		}
	}
	w.Gateway = w.RequestedNetworkView != nil || labels["istio"] == "eastwestgateway"
	if w.Network == nil && w.RequestedNetworkView == nil {
		return nil
	}
	return w
}

// istioGateway reads a networking.istio.io Gateway.
func istioGateway(obj *source.Object, cluster string) *Gateway {
	g := &Gateway{
		Name: obj.Name(), Namespace: obj.Namespace(),
		Selector: stringMap(lookup(obj.Data, "spec.selector")),
		Revision: labelValue(obj, LabelRevision),
		Source:   sourceAt(obj, cluster, "metadata.name", false),
	}
	servers, _ := lookup(obj.Data, "spec.servers").([]any)
	for i, s := range servers {
		m := asMap(s)
		port, _ := asInt(lookup(m, "port.number"))
		g.Servers = append(g.Servers, Server{
			Port: port, Name: scalarString(lookup(m, "port.name")),
			Protocol: strings.ToUpper(scalarString(lookup(m, "port.protocol"))),
			TLSMode:  strings.ToUpper(scalarString(lookup(m, "tls.mode"))),
			Hosts:    stringList(m["hosts"]),
			Source:   sourceAt(obj, cluster, fmt.Sprintf("spec.servers[%d]", i), false),
		})
	}
	if g.Servers == nil {
		g.Servers = []Server{}
	}
	return g
}

// virtualService reads a VirtualService's gateways, hosts and TLS routes.
func virtualService(obj *source.Object, cluster string) *VirtualService {
	vs := &VirtualService{
		Name: obj.Name(), Namespace: obj.Namespace(),
		Gateways: stringList(lookup(obj.Data, "spec.gateways")),
		Hosts:    stringList(lookup(obj.Data, "spec.hosts")),
		Source:   sourceAt(obj, cluster, "metadata.name", false),
	}
	routes, _ := lookup(obj.Data, "spec.tls").([]any)
	for _, r := range routes {
		m := asMap(r)
		tr := TLSRoute{SNIHosts: []string{}, Destinations: []Destination{}}
		matches, _ := m["match"].([]any)
		for _, mt := range matches {
			mm := asMap(mt)
			if p, ok := asInt(mm["port"]); ok {
				tr.Port = p
			}
			tr.SNIHosts = append(tr.SNIHosts, stringList(mm["sniHosts"])...)
		}
		dests, _ := m["route"].([]any)
		for _, d := range dests {
			port, _ := asInt(lookup(asMap(d), "destination.port.number"))
			tr.Destinations = append(tr.Destinations, Destination{
				Host: scalarString(lookup(asMap(d), "destination.host")), Port: port,
			})
		}
		vs.TLSRoutes = append(vs.TLSRoutes, tr)
	}
	if vs.TLSRoutes == nil {
		vs.TLSRoutes = []TLSRoute{}
	}
	return vs
}

func ports(v any) []Port {
	list, _ := v.([]any)
	out := make([]Port, 0, len(list))
	for _, e := range list {
		m := asMap(e)
		p, ok := asInt(m["port"])
		if !ok {
			continue
		}
		tp, _ := asInt(m["targetPort"])
		out = append(out, Port{Name: scalarString(m["name"]), Port: p, TargetPort: tp, Protocol: scalarString(m["protocol"])})
	}
	return out
}

func labelFact(obj *source.Object, cluster, key string) *Fact[string] {
	v, ok := obj.Label(key)
	if !ok || templated(v) {
		return nil
	}
	return &Fact[string]{Value: v, Source: sourceAt(obj, cluster, labelPath(key), false)}
}

// envFact finds a literal env var in a Kubernetes env list at path.
func envFact(obj *source.Object, cluster string, envs []any, path, name string) *Fact[string] {
	for i, e := range envs {
		m := asMap(e)
		if m["name"] == name {
			if _, ok := m["value"]; !ok {
				return nil
			}
			return &Fact[string]{Value: scalarString(m["value"]), Source: sourceAt(obj, cluster, fmt.Sprintf("%s[%d].value", path, i), false)}
		}
	}
	return nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// isLive reports whether obj was returned by an API server (it carries a
// uid or resourceVersion), so that its status is the cluster's state.
func isLive(obj *source.Object) bool {
	for _, k := range []string{"metadata.uid", "metadata.resourceVersion"} {
		if v, _ := lookup(obj.Data, k).(string); v != "" {
			return true
		}
	}
	return false
}

// isLabelledGatewayValues recognizes values of the istio/gateway chart that
// label the gateway with a network: a document without apiVersion/kind whose
// top-level labels (a key only the gateway chart reads) carry
// topology.istio.io/network.
func isLabelledGatewayValues(obj *source.Object) bool {
	if obj.APIVersion() != "" || obj.Kind() != "" {
		return false
	}
	return stringMap(obj.Data["labels"])[LabelNetwork] != ""
}
