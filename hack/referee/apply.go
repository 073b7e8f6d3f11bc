package referee

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The sample workload added to every cluster: what the referee asks istiod
// to discover across clusters.
const (
	SampleNamespace = "referee-sample"
	SampleService   = "echo"
	// samplePort is the sample pod's container port, sampleServicePort
	// the Service's.
	samplePort        = 8080
	sampleServicePort = 80
)

// gatewayMTLSPort is the port of a network gateway pod's AUTO_PASSTHROUGH
// listener (the cross-network Gateway of Istio's multi-network guides):
// the gateway Service port that forwards to it is the right one for
// cross-network endpoints.
const gatewayMTLSPort = 15443

// SampleHost is the sample service's host name in istiod's registry.
const SampleHost = SampleService + "." + SampleNamespace + ".svc.cluster.local"

// Plan is what the referee sets up for one cluster of a fleet.
type Plan struct {
	Cluster string
	// Index numbers the clusters of the fleet: pod and gateway addresses
	// are derived from it.
	Index int
	// Network is the network the injector gives the cluster's pods
	// (topology.istio.io/network), "" when the fleet sets none.
	Network string
	// PodIP is the sample pod's address (data only: nothing connects to it).
	PodIP string
	// Gateways are the network gateway Services created, with the address
	// put in their status.
	Gateways []PlannedGateway
	// RemoteSecrets are the remote secrets applied, rewritten to point at
	// the test API server of the cluster they reach.
	RemoteSecrets []PlannedSecret
	// Skipped says what of the fleet was not applied, and why.
	Skipped []string
}

// PlannedGateway is a network gateway Service the referee created.
type PlannedGateway struct {
	Namespace, Name, Network, Address string
	// Port is the Service port that forwards to the gateway pod's mTLS
	// listener (target port 15443), 0 when none does.
	Port int
}

// PlannedSecret is one key of a remote secret the referee applied.
type PlannedSecret struct {
	Namespace, Name, Key string
	// Target is the fleet cluster its kubeconfig reaches, "" when it reaches
	// none (it is then pointed at a closed port).
	Target string
	// Credential says whether the kubeconfig carried a credential.
	Credential bool
	// Refused are the options of its users istiod refuses in a remote
	// secret (exec, an auth provider, files), which the referee keeps in the
	// kubeconfig it writes, unused, so that istiod decides as it would.
	Refused []string
}

// Apply writes a cluster's objects into its API server: its namespaces, its
// Services and the network gateway Services its installs render, its remote
// secrets rewritten to reach the test API server of the cluster they name
// (the key and the networking.istio.io/cluster annotation kept), and the
// sample service with one pod and its EndpointSlice.
func Apply(ctx context.Context, m *Model, name string, index int, servers map[string]*APIServer) (*Plan, error) {
	c := m.Clusters[name]
	s := servers[name]
	p := &Plan{Cluster: name, Index: index, Network: c.Network.String(), PodIP: fmt.Sprintf("10.%d.0.10", index+1)}
	cs := s.Client

	// Namespaces: those of the fleet (with their labels), and the ones the
	// control planes and the sample need.
	nss := map[string]*corev1.Namespace{}
	for _, o := range c.Objects {
		if kindOf(o.Object) != "v1/Namespace" {
			continue
		}
		var ns corev1.Namespace
		if err := fromMap(o.Object, &ns); err != nil {
			return nil, fmt.Errorf("%s: namespace in %s: %w", name, o.Source.File, err)
		}
		nss[ns.Name] = &ns
	}
	need := []string{orDefault(c.SystemNamespace, "istio-system")}
	for _, cp := range c.ControlPlanes {
		need = append(need, orDefault(cp.Namespace, "istio-system"))
	}
	for _, n := range need {
		if nss[n] == nil {
			nss[n] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}}
		}
	}
	nss[SampleNamespace] = &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: SampleNamespace, Labels: map[string]string{"istio-injection": "enabled"}}}
	for _, ns := range sortedValues(nss) {
		if err := upsertNamespace(ctx, cs, ns); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}

	// Services of the fleet, as they are.
	gwAddr := 0
	for _, o := range c.Objects {
		if kindOf(o.Object) != "v1/Service" {
			continue
		}
		var svc corev1.Service
		if err := fromMap(o.Object, &svc); err != nil {
			return nil, fmt.Errorf("%s: service in %s: %w", name, o.Source.File, err)
		}
		if svc.Namespace == "" {
			svc.Namespace = orDefault(c.SystemNamespace, "istio-system")
		}
		gw, err := createService(ctx, cs, &svc, index, &gwAddr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, o.Source.File, err)
		}
		if gw != nil {
			p.Gateways = append(p.Gateways, *gw)
		}
	}
	// Network gateways an install renders (IstioOperator component, gateway
	// chart values): the Service the chart would create.
	for _, g := range c.NetworkGateways {
		switch g.Source.Object.Kind {
		case "Service":
			continue // applied above
		case "Gateway":
			if strings.HasPrefix(g.Source.Object.APIVersion, "gateway.networking.k8s.io/") {
				p.Skipped = append(p.Skipped, fmt.Sprintf("Gateway API gateway %s/%s: no controller renders it here", g.Namespace, g.Name))
				continue
			}
		}
		svc := gatewayService(g)
		gw, err := createService(ctx, cs, svc, index, &gwAddr)
		if err != nil {
			return nil, fmt.Errorf("%s: network gateway %s/%s: %w", name, g.Namespace, g.Name, err)
		}
		if gw != nil {
			p.Gateways = append(p.Gateways, *gw)
		}
	}

	// Remote secrets, pointed at the test API servers.
	if err := applyRemoteSecrets(ctx, m, c, servers, p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}

	if err := applySample(ctx, cs, p); err != nil {
		return nil, fmt.Errorf("%s: sample: %w", name, err)
	}
	return p, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func kindOf(o map[string]any) string {
	av, _ := o["apiVersion"].(string)
	k, _ := o["kind"].(string)
	return av + "/" + k
}

func fromMap(o map[string]any, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(o, into)
}

func sortedValues(m map[string]*corev1.Namespace) []*corev1.Namespace {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*corev1.Namespace, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func upsertNamespace(ctx context.Context, cs kubernetes.Interface, ns *corev1.Namespace) error {
	want := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.Name, Labels: ns.Labels, Annotations: ns.Annotations}}
	got, err := cs.CoreV1().Namespaces().Get(ctx, ns.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = cs.CoreV1().Namespaces().Create(ctx, want, metav1.CreateOptions{})
		return wrap(err, "create namespace %s", ns.Name)
	}
	if err != nil {
		return wrap(err, "get namespace %s", ns.Name)
	}
	got.Labels, got.Annotations = want.Labels, want.Annotations
	_, err = cs.CoreV1().Namespaces().Update(ctx, got, metav1.UpdateOptions{})
	return wrap(err, "update namespace %s", ns.Name)
}

func wrap(err error, f string, a ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(f+": %w", append(a, err)...)
}

// gatewayService is the Service Istio's gateway chart (or the IstioOperator
// gateway component) renders for a network gateway: the component's labels
// (its selector and the network label) and its ports.
func gatewayService(g Gateway) *corev1.Service {
	labels := map[string]string{}
	for k, v := range g.Selector {
		labels[k] = v
	}
	if nw := g.Network.String(); nw != "" {
		labels["topology.istio.io/network"] = nw
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: g.Name, Namespace: orDefault(g.Namespace, "istio-system"), Labels: labels},
		Spec:       corev1.ServiceSpec{Selector: g.Selector, Type: corev1.ServiceType(orDefault(g.Type, "LoadBalancer"))},
	}
	if g.GatewayPort != 0 {
		labels["networking.istio.io/gatewayPort"] = fmt.Sprint(g.GatewayPort)
	}
	for _, pt := range g.Ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{
			Name: pt.Name, Port: int32(pt.Port), TargetPort: intstr.FromInt32(int32(orInt(pt.TargetPort, pt.Port))), Protocol: corev1.ProtocolTCP,
		})
	}
	return svc
}

func orInt(a, b int) int {
	if a == 0 {
		return b
	}
	return a
}

// createService creates a Service; a network gateway (a Service labelled
// topology.istio.io/network) of type LoadBalancer gets a loopback address in
// its status, as a cloud's load balancer controller would give it one.
func createService(ctx context.Context, cs kubernetes.Interface, svc *corev1.Service, index int, n *int) (*PlannedGateway, error) {
	svc.ResourceVersion, svc.UID, svc.Status = "", "", corev1.ServiceStatus{}
	svc.Spec.ClusterIP, svc.Spec.ClusterIPs = "", nil
	for i := range svc.Spec.Ports {
		svc.Spec.Ports[i].NodePort = 0
		if svc.Spec.Ports[i].Protocol == "" {
			svc.Spec.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
	if len(svc.Spec.Ports) == 0 {
		return nil, fmt.Errorf("service %s/%s has no ports", svc.Namespace, svc.Name)
	}
	created, err := cs.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("create service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	nw := created.Labels["topology.istio.io/network"]
	if nw == "" && created.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return nil, nil
	}
	*n++
	addr := fmt.Sprintf("127.0.%d.%d", index+1, *n)
	if created.Spec.Type == corev1.ServiceTypeLoadBalancer {
		created.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: addr}}
		if _, err := cs.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return nil, fmt.Errorf("set load balancer address of %s/%s: %w", svc.Namespace, svc.Name, err)
		}
	} else {
		addr = ""
	}
	if nw == "" {
		return nil, nil
	}
	return &PlannedGateway{Namespace: svc.Namespace, Name: svc.Name, Network: nw, Address: addr, Port: mtlsServicePort(created.Spec.Ports)}, nil
}

// mtlsServicePort is the Service port whose target is the gateway pod's
// mTLS listener: target port 15443, or port 15443 with no numeric target.
func mtlsServicePort(ports []corev1.ServicePort) int {
	for _, pt := range ports {
		target := pt.TargetPort.IntValue()
		if pt.TargetPort.Type == intstr.String || target == 0 {
			target = int(pt.Port)
		}
		if target == gatewayMTLSPort {
			return int(pt.Port)
		}
	}
	return 0
}

// applyRemoteSecrets writes every Secret of the cluster labelled
// istio/multiCluster (whatever its value and namespace: istiod decides which
// it reads) with its metadata as the fleet has it and, for each data key,
// a kubeconfig for the test API server of the cluster the key's kubeconfig
// reaches: the cluster whose ID or name is the key, else the one whose name
// is a label of the kubeconfig's server host (cluster2.example.com). A
// kubeconfig without a credential stays without one.
func applyRemoteSecrets(ctx context.Context, m *Model, c *Cluster, servers map[string]*APIServer, p *Plan) error {
	for _, o := range c.Objects {
		if kindOf(o.Object) != "v1/Secret" {
			continue
		}
		var sec corev1.Secret
		if err := fromMap(o.Object, &sec); err != nil {
			return fmt.Errorf("secret in %s: %w", o.Source.File, err)
		}
		if _, ok := sec.Labels["istio/multiCluster"]; !ok {
			continue
		}
		if sec.Namespace == "" {
			sec.Namespace = orDefault(c.SystemNamespace, "istio-system")
		}
		data, err := secretData(m.Dir, o.Source, sec.Name)
		if err != nil {
			return err
		}
		out := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: sec.Name, Namespace: sec.Namespace, Labels: sec.Labels, Annotations: sec.Annotations},
			Data:       map[string][]byte{},
		}
		keys := make([]string, 0, len(data))
		for k := range data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			host, cred, refused, err := kubeconfigFacts(data[key])
			if err != nil {
				p.Skipped = append(p.Skipped, fmt.Sprintf("secret %s/%s key %s: %v", sec.Namespace, sec.Name, key, err))
				continue
			}
			target := resolveTarget(m, key, host)
			ps := PlannedSecret{Namespace: sec.Namespace, Name: sec.Name, Key: key, Target: target, Credential: cred, Refused: refused}
			var kc []byte
			if target != "" {
				kc, err = servers[target].Kubeconfig(key, cred)
			} else {
				kc, err = unreachableKubeconfig(key)
			}
			if err == nil && len(refused) > 0 {
				kc, err = withRefused(kc, refused)
			}
			if err != nil {
				return fmt.Errorf("kubeconfig for %s/%s key %s: %w", sec.Namespace, sec.Name, key, err)
			}
			out.Data[key] = kc
			p.RemoteSecrets = append(p.RemoteSecrets, ps)
		}
		if _, err := servers[c.Name].Client.CoreV1().Secrets(out.Namespace).Create(ctx, out, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create secret %s/%s: %w", out.Namespace, out.Name, err)
		}
	}
	return nil
}

// secretData reads a Secret's data and stringData from the file meshcheck
// read it from (the model keeps Secrets without their data). The values are
// only parsed, never printed.
func secretData(dir string, src Source, name string) (map[string][]byte, error) {
	file := src.File
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(b), 4096)
	for {
		var sec corev1.Secret
		err := dec.Decode(&sec)
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: secret %s not found", src.File, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: secret %s: %w", src.File, name, err)
		}
		if sec.Kind != "Secret" || sec.Name != name {
			continue
		}
		out := map[string][]byte{}
		for k, v := range sec.Data {
			out[k] = v
		}
		for k, v := range sec.StringData {
			out[k] = []byte(v)
		}
		return out, nil
	}
}

// kubeconfigFacts is the server host of a kubeconfig's current context,
// whether its user has a credential, and what istiod refuses of its users.
func kubeconfigFacts(b []byte) (host string, credential bool, refused []string, err error) {
	if dec, derr := base64.StdEncoding.DecodeString(string(b)); derr == nil && bytes.Contains(dec, []byte("apiVersion")) {
		b = dec
	}
	kc, err := clientcmd.Load(b)
	if err != nil {
		return "", false, nil, errors.New("not a kubeconfig")
	}
	ctx := kc.Contexts[kc.CurrentContext]
	if ctx == nil {
		return "", false, nil, errors.New("no current context")
	}
	if cl := kc.Clusters[ctx.Cluster]; cl != nil {
		if u, err := url.Parse(cl.Server); err == nil {
			host = u.Hostname()
		}
	}
	if u := kc.AuthInfos[ctx.AuthInfo]; u != nil {
		credential = u.Token != "" || u.TokenFile != "" || len(u.ClientCertificateData) > 0 || u.ClientCertificate != "" ||
			u.Exec != nil || u.AuthProvider != nil || u.Username != ""
	}
	return host, credential, refusedOptions(kc), nil
}

// refusedOptions are the options of a kubeconfig's users (all of them, as
// istiod checks) that istiod refuses in a remote secret unless
// PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS allows them, by the names
// that variable takes (pkg/kube/util.go sanitizeKubeConfig).
func refusedOptions(kc *clientcmdapi.Config) []string {
	var out []string
	for _, u := range kc.AuthInfos {
		if u.AuthProvider != nil && u.AuthProvider.Name != "oidc" {
			out = append(out, u.AuthProvider.Name)
		}
		if u.ClientKey != "" {
			out = append(out, "clientKey")
		}
		if u.ClientCertificate != "" {
			out = append(out, "clientCertificate")
		}
		if u.TokenFile != "" {
			out = append(out, "tokenFile")
		}
		if u.Exec != nil {
			out = append(out, "exec")
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// withRefused adds to a kubeconfig, for each refused option, a user that
// no context uses and that carries that option with placeholder values: the
// working credential stays in use, and istiod refuses the kubeconfig
// exactly when it would refuse the original's.
func withRefused(b []byte, refused []string) ([]byte, error) {
	kc, err := clientcmd.Load(b)
	if err != nil {
		return nil, err
	}
	for _, o := range refused {
		u := &clientcmdapi.AuthInfo{}
		switch o {
		case "exec":
			u.Exec = &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: "false", InteractiveMode: clientcmdapi.NeverExecInteractiveMode}
		case "clientKey", "clientCertificate":
			// Files that exist, so that only istiod's allowlist decides
			// (clientcmd.Validate opens them).
			u.ClientCertificate, u.ClientKey = os.DevNull, os.DevNull
		case "tokenFile":
			u.TokenFile = os.DevNull
		default:
			u.AuthProvider = &clientcmdapi.AuthProviderConfig{Name: o}
		}
		kc.AuthInfos["referee-refused-"+o] = u
	}
	return clientcmd.Write(*kc)
}

// resolveTarget is the fleet cluster a remote secret key reaches.
func resolveTarget(m *Model, key, host string) string {
	for _, n := range m.SortedClusters() {
		if m.Clusters[n].ID.String() == key {
			return n
		}
	}
	if m.Clusters[key] != nil {
		return key
	}
	if host != "" && net.ParseIP(host) == nil {
		for _, label := range strings.Split(host, ".") {
			if m.Clusters[label] != nil {
				return label
			}
		}
	}
	return ""
}

// unreachableKubeconfig points at a loopback port nothing listens on.
func unreachableKubeconfig(name string) ([]byte, error) {
	return []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: https://127.0.0.1:9
    insecure-skip-tls-verify: true
contexts:
- name: %[1]s
  context: {cluster: %[1]s, user: %[1]s}
current-context: %[1]s
users:
- name: %[1]s
  user: {token: unreachable}
`, name)), nil
}

func samplePodName(p *Plan) string  { return SampleService + "-" + p.Cluster }
func sampleNodeName(p *Plan) string { return "node-" + p.Cluster }

// sampleLabels are the sample pod's labels as Istio's sidecar injector
// gives them: the app's, the mTLS mode, the canonical service, and the
// network of the injection.
func sampleLabels(p *Plan) map[string]string {
	labels := map[string]string{
		"app": SampleService, "security.istio.io/tlsMode": "istio",
		"service.istio.io/canonical-name": SampleService, "service.istio.io/canonical-revision": "latest",
	}
	if p.Network != "" {
		labels["topology.istio.io/network"] = p.Network
	}
	return labels
}

// applySample adds the sample service, one pod as Istio's injector leaves
// it (its labels, the sidecar status annotation and the istio-proxy
// container), and the pod's EndpointSlice.
func applySample(ctx context.Context, cs kubernetes.Interface, p *Plan) error {
	ns := SampleNamespace
	port := corev1.ServicePort{Name: "http", Port: sampleServicePort, TargetPort: intstr.FromInt32(samplePort), Protocol: corev1.ProtocolTCP}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: SampleService, Namespace: ns, Labels: map[string]string{"app": SampleService}},
		Spec:       corev1.ServiceSpec{Selector: map[string]string{"app": SampleService}, Ports: []corev1.ServicePort{port}},
	}
	if _, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		return err
	}
	podName := samplePodName(p)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: podName, Namespace: ns, Labels: sampleLabels(p), Annotations: map[string]string{
			"sidecar.istio.io/status":                      `{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null}`,
			"kubectl.kubernetes.io/default-container":      "app",
			"kubectl.kubernetes.io/default-logs-container": "app",
		}},
		Spec: corev1.PodSpec{
			NodeName:       sampleNodeName(p),
			InitContainers: []corev1.Container{{Name: "istio-init", Image: "referee.invalid/proxyv2", Args: []string{"istio-iptables"}}},
			Containers: []corev1.Container{
				{Name: "app", Image: "referee.invalid/echo", Ports: []corev1.ContainerPort{{ContainerPort: samplePort, Protocol: corev1.ProtocolTCP}}},
				{Name: "istio-proxy", Image: "referee.invalid/proxyv2", Args: []string{"proxy", "sidecar"},
					Ports: []corev1.ContainerPort{{Name: "http-envoy-prom", ContainerPort: 15090, Protocol: corev1.ProtocolTCP}}},
			},
		},
	}
	created, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	created.Status = corev1.PodStatus{
		Phase: corev1.PodRunning, PodIP: p.PodIP, PodIPs: []corev1.PodIP{{IP: p.PodIP}}, HostIP: "10.255.0.1",
		Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}, {Type: corev1.ContainersReady, Status: corev1.ConditionTrue}},
	}
	if _, err := cs.CoreV1().Pods(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return err
	}
	ready := true
	eps := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: SampleService + "-" + p.Cluster, Namespace: ns, Labels: map[string]string{
			discoveryv1.LabelServiceName: SampleService, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io",
		}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{{
			Addresses: []string{p.PodIP}, Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: podName, UID: created.UID},
			NodeName:  &pod.Spec.NodeName,
		}},
		Ports: []discoveryv1.EndpointPort{{Name: &port.Name, Port: new(int32(samplePort)), Protocol: &port.Protocol}},
	}
	_, err = cs.DiscoveryV1().EndpointSlices(ns).Create(ctx, eps, metav1.CreateOptions{})
	return err
}
