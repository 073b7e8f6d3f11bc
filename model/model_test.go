package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/source"
)

// build reads each cluster's YAML (name -> documents) and builds the fleet.
func build(t testing.TB, clusters map[string]string) *Fleet {
	t.Helper()
	var in []ClusterInput
	for name, text := range clusters {
		in = append(in, input(t, name, text))
	}
	f, errs := Build(in, Options{})
	if len(errs) > 0 {
		t.Fatalf("build: %v", errs[0])
	}
	return f
}

// input reads text as the objects of the cluster name, from name.yaml.
func input(t testing.TB, name, text string) ClusterInput {
	t.Helper()
	objs, errs := source.Read(strings.NewReader(text), name+".yaml", source.DefaultLimits())
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs[0])
	}
	return ClusterInput{Name: name, Objects: objs}
}

func value[T any](f *Fact[T]) any {
	if f == nil {
		return "<unknown>"
	}
	return f.Value
}

const primary = `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  values:
    global:
      meshID: mesh1
      multiCluster:
        clusterName: cluster1
      network: network1
`

func TestClusterIDPrecedence(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       any
		isDefault  bool
	}{
		{"values clusterName", primary, "cluster1", false},
		{"default when unset", "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n", "Kubernetes", true},
		{"istiod env beats values", primary + `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  template:
    spec:
      containers:
      - name: discovery
        env:
        - {name: CLUSTER_ID, value: from-env}
`, "from-env", false},
		{"injection path beats values on a remote", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values:
    global:
      multiCluster: {clusterName: from-values}
    istiodRemote:
      injectionPath: /inject/cluster/from-path/net/network2
`, "from-path", false},
		{"legacy :ENV: injection URL", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values:
    istiodRemote:
      injectionURL: https://x.example.com:15017/inject/:ENV:cluster=legacy:ENV:net=network1
`, "legacy", false},
		{"remote without any name is unknown", "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {profile: remote}\n", "<unknown>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, map[string]string{"c": tt.yaml}).Clusters["c"]
			if got := value(c.ID); got != tt.want {
				t.Fatalf("cluster ID = %v, want %v", got, tt.want)
			}
			if c.ID != nil && c.ID.Default != tt.isDefault {
				t.Errorf("default = %v, want %v", c.ID.Default, tt.isDefault)
			}
		})
	}
}

func TestFactsCarryProvenance(t *testing.T) {
	c := build(t, map[string]string{"c": primary}).Clusters["c"]
	want := Source{
		Cluster: "c",
		Object:  ObjectRef{APIVersion: "install.istio.io/v1alpha1", Kind: "IstioOperator"},
		Path:    "spec.values.global.network", File: "c.yaml", Line: 9, Column: 16,
	}
	if diff := cmp.Diff(want, c.Network.Source); diff != "" {
		t.Errorf("network source (-want +got):\n%s", diff)
	}
}

func TestMeshConfigInsideAConfigMap(t *testing.T) {
	c := build(t, map[string]string{"c": `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio-canary
  namespace: istio-system
  labels: {istio.io/rev: canary}
data:
  mesh: |-
    trustDomain: td1
    trustDomainAliases: [old-td]
    defaultConfig:
      meshId: mesh7
`}).Clusters["c"]
	if len(c.ControlPlanes) != 1 {
		t.Fatalf("control planes = %d", len(c.ControlPlanes))
	}
	cp := c.ControlPlanes[0]
	if cp.Revision != "canary" || value(cp.TrustDomain) != "td1" || value(cp.MeshID) != "mesh7" {
		t.Errorf("cp = rev %q td %v mesh %v", cp.Revision, value(cp.TrustDomain), value(cp.MeshID))
	}
	if diff := cmp.Diff([]string{"old-td"}, cp.TrustDomainAliases.Value); diff != "" {
		t.Error(diff)
	}
	// The file shows the string, not the field inside it: point at the key.
	if s := cp.TrustDomain.Source; s.Path != "data.mesh#trustDomain" || s.Line != 8 {
		t.Errorf("source = %s line %d", s.Path, s.Line)
	}
}

func TestRemoteInheritsMeshValuesFromItsPrimary(t *testing.T) {
	f := build(t, map[string]string{
		"cluster1": primary + `---
apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-cluster2
  namespace: istio-system
  labels: {istio/multiCluster: "true"}
  annotations: {networking.istio.io/cluster: cluster2}
stringData:
  cluster2: |
    apiVersion: v1
    kind: Config
    clusters: [{name: cluster2, cluster: {server: "https://c2.example.com:6443"}}]
    contexts: [{name: cluster2, context: {cluster: cluster2, user: cluster2}}]
    current-context: cluster2
    users: [{name: cluster2, user: {token: t}}]
`,
		"cluster2": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values:
    istiodRemote:
      injectionPath: /inject/cluster/cluster2/net/network2
    global:
      remotePilotAddress: 203.0.113.10
`,
	})
	r := f.Clusters["cluster2"]
	if r.Role != RoleRemote || r.ControlPlaneCluster != "cluster1" {
		t.Fatalf("role %s, control plane cluster %q", r.Role, r.ControlPlaneCluster)
	}
	cp := r.ControlPlanes[0]
	if value(cp.MeshID) != "mesh1" || cp.MeshID.InheritedFrom != "cluster1" {
		t.Errorf("mesh ID %v inherited from %q", value(cp.MeshID), cp.MeshID.InheritedFrom)
	}
	if value(cp.Network) != "network2" || cp.Network.InheritedFrom != "" {
		t.Errorf("network %v (the injection path sets it; nothing to inherit)", value(cp.Network))
	}
	if len(f.Meshes) != 1 || len(f.Meshes[0].Clusters) != 2 || f.Meshes[0].ID != "mesh1" {
		t.Errorf("meshes = %+v", f.Meshes)
	}
	e := f.Clusters["cluster1"].RemoteSecrets[0].Entries[0]
	if e.ServerHost != "c2.example.com" || !e.HasCredentials || e.ContextCluster != "cluster2" {
		t.Errorf("secret entry = %+v", e)
	}
}

func TestExternalControlPlaneDoesNotNameItsHost(t *testing.T) {
	f := build(t, map[string]string{
		"external": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {namespace: external-istiod}
spec:
  profile: empty
  components:
    pilot:
      enabled: true
      k8s:
        env:
        - {name: LOCAL_CLUSTER_SECRET_WATCHER, value: "true"}
        - {name: CLUSTER_ID, value: remote1}
  values:
    global:
      istioNamespace: external-istiod
      meshID: mesh1
      multiCluster: {clusterName: remote1}
`,
		"remote1": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: remote
  values:
    global: {istioNamespace: external-istiod, configCluster: true}
    istiodRemote:
      injectionURL: https://ext.example.com:15017/inject/cluster/remote1/net/network1
`,
	})
	ext, r1 := f.Clusters["external"], f.Clusters["remote1"]
	if ext.Role != RoleExternal || ext.ID != nil {
		t.Errorf("external: role %s id %v", ext.Role, value(ext.ID))
	}
	if r1.ControlPlaneCluster != "external" || !r1.ConfigCluster || value(r1.ControlPlanes[0].MeshID) != "mesh1" {
		t.Errorf("remote1: served by %q config %v mesh %v", r1.ControlPlaneCluster, r1.ConfigCluster, value(r1.ControlPlanes[0].MeshID))
	}
}

func TestMeshesGroupByLinks(t *testing.T) {
	f := build(t, map[string]string{
		"a": primary,
		"b": strings.ReplaceAll(primary, "cluster1", "cluster2"),
		"c": strings.NewReplacer("cluster1", "cluster3", "mesh1", "mesh2").Replace(primary),
	})
	var got [][]string
	for _, m := range f.Meshes {
		got = append(got, m.Clusters)
	}
	if diff := cmp.Diff([][]string{{"a", "b"}, {"c"}}, got); diff != "" {
		t.Errorf("meshes (-want +got):\n%s", diff)
	}
	if nw := f.Networks["network1"]; nw == nil || len(nw.Clusters) != 3 {
		t.Errorf("networks = %+v", f.Networks)
	}
}

// Groups say which clusters are meant as one mesh (Strong) and which any
// link but a shared mesh ID joins (Linked); rules compare by group.
func TestGroupsByEvidence(t *testing.T) {
	f := &Fleet{Clusters: map[string]*Cluster{}, Links: []Link{
		{From: "p1", To: "p2", Kind: "remote-secret"}, // both ways: multi-primary
		{From: "p2", To: "p1", Kind: "remote-secret"},
		{From: "r1", To: "p1", Kind: "control-plane"}, // a remote and its istiod
		{From: "p3", To: "p1", Kind: "remote-secret"}, // one way only
		{From: "d1", To: "d2", Kind: "declared"},
		{From: "m1", To: "p1", Kind: "mesh-id"},
		{From: "x", To: "gone", Kind: "remote-secret"}, // a cluster the fleet lacks
	}}
	names := []string{"d1", "d2", "gone2", "m1", "p1", "p2", "p3", "r1", "x"}
	for _, n := range names {
		f.Clusters[n] = &Cluster{Name: n}
	}
	got := groupsOf(f, names)
	want := Groups{
		Strong: map[string]string{"d1": "d1", "d2": "d1", "gone2": "gone2", "m1": "m1", "p1": "p1", "p2": "p1", "p3": "p3", "r1": "p1", "x": "x"},
		Linked: map[string]string{"d1": "d1", "d2": "d1", "gone2": "gone2", "m1": "m1", "p1": "p1", "p2": "p1", "p3": "p1", "r1": "p1", "x": "x"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

func TestEastWestGatewayForms(t *testing.T) {
	tests := map[string]string{
		"iop": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: empty
  components:
    ingressGateways:
    - name: istio-eastwestgateway
      enabled: true
      label: {istio: eastwestgateway, topology.istio.io/network: network1}
      k8s:
        env: [{name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: network1}]
        service:
          ports: [{name: tls, port: 15443}]
`,
		"helm": "name: istio-eastwestgateway\nnetworkGateway: network1\n",
		"service": `apiVersion: v1
kind: Service
metadata:
  name: istio-eastwestgateway
  namespace: istio-system
  uid: 0d6c5f0e-7b1d-4c1e-9a55-2f0d6a1c9e11
  labels: {topology.istio.io/network: network1}
spec:
  type: LoadBalancer
  selector: {istio: eastwestgateway}
  ports: [{name: tls, port: 15443}]
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.10}]
`,
	}
	for name, y := range tests {
		t.Run(name, func(t *testing.T) {
			c := build(t, map[string]string{"c": y}).Clusters["c"]
			if len(c.NetworkGateways) != 1 {
				t.Fatalf("gateways = %d", len(c.NetworkGateways))
			}
			g := c.NetworkGateways[0]
			if value(g.Network) != "network1" || g.Selector["istio"] != "eastwestgateway" {
				t.Errorf("gateway = %+v", g)
			}
			var has15443 bool
			for _, p := range g.Ports {
				has15443 = has15443 || p.Port == 15443
			}
			if !has15443 {
				t.Errorf("ports = %+v", g.Ports)
			}
			if name == "service" && (!g.AddressesKnown || g.Addresses[0] != "203.0.113.10") {
				t.Errorf("addresses = %v known %v", g.Addresses, g.AddressesKnown)
			}
			if name != "service" && g.AddressesKnown {
				t.Error("a manifest in Git does not show the LB address")
			}
		})
	}
}

func TestSOPSEncryptedRemoteSecret(t *testing.T) {
	c := build(t, map[string]string{"c": `apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-c2
  labels: {istio/multiCluster: "true"}
stringData:
  c2: ENC[AES256_GCM,data:abc,type:str]
sops:
  version: 3.8.1
`}).Clusters["c"]
	rs := c.RemoteSecrets[0]
	if !rs.Encrypted || rs.Entries[0].Error == "" {
		t.Errorf("secret = %+v", rs)
	}
}

// Only a live object's status says what the load balancer has: the empty
// status `kubectl create --dry-run -o yaml` writes says nothing.
func TestGatewayAddressesKnownOnlyFromLiveStatus(t *testing.T) {
	svc := func(extraMetadata string) string {
		return `apiVersion: v1
kind: Service
metadata:
  name: istio-eastwestgateway
  labels: {topology.istio.io/network: network1}` + extraMetadata + `
spec:
  type: LoadBalancer
  ports: [{name: tls, port: 15443}]
status:
  loadBalancer: {}
`
	}
	for _, tt := range []struct {
		name, metadata string
		known          bool
	}{
		{"dry-run output", "\n  creationTimestamp: null", false},
		{"read from the API server", "\n  resourceVersion: \"48213\"", true},
	} {
		g := build(t, map[string]string{"c": svc(tt.metadata)}).Clusters["c"].NetworkGateways[0]
		if g.AddressesKnown != tt.known {
			t.Errorf("%s: addresses_known = %v, want %v", tt.name, g.AddressesKnown, tt.known)
		}
	}
}

// ZTunnels and TLSRoutes are read as sources of their kind and group only.
func TestZTunnelsAndTLSRoutes(t *testing.T) {
	c := build(t, map[string]string{"c": `apiVersion: sailoperator.io/v1
kind: ZTunnel
metadata: {name: default}
---
apiVersion: example.com/v1
kind: ZTunnel
metadata: {name: other}
---
apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: istiod, namespace: istio-system}
`}).Clusters["c"]
	if len(c.ZTunnels) != 1 || c.ZTunnels[0].Object.Name != "default" || c.ZTunnels[0].Line != 3 {
		t.Errorf("ztunnels = %+v, want the Sail ZTunnel default at line 3", c.ZTunnels)
	}
	if len(c.TLSRoutes) != 1 || c.TLSRoutes[0].Object != (ObjectRef{APIVersion: "gateway.networking.k8s.io/v1", Kind: "TLSRoute", Namespace: "istio-system", Name: "istiod"}) {
		t.Errorf("tls_routes = %+v, want istio-system/istiod", c.TLSRoutes)
	}
}

// Sail's RemoteIstio (sailoperator.io/v1alpha1) installs the remote profile:
// the cluster is a remote whose ID and network come from the injection path
// (the Sail e2e primary-remote test, testdata/real/sail-e2e-primary-remote).
func TestSailRemoteIstioIsTheRemoteProfile(t *testing.T) {
	c := build(t, map[string]string{"remote": `apiVersion: sailoperator.io/v1alpha1
kind: RemoteIstio
metadata:
  name: default
spec:
  version: v1.26.0
  namespace: istio-system
  values:
    istiodRemote:
      injectionPath: /inject/cluster/remote/net/network2
    global:
      remotePilotAddress: 172.18.255.200
`}).Clusters["remote"]
	if c.Role != RoleRemote || len(c.ControlPlanes) != 1 {
		t.Fatalf("role %q, %d control planes; want one remote install", c.Role, len(c.ControlPlanes))
	}
	if c.ID == nil || c.ID.Value != "remote" || c.Network == nil || c.Network.Value != "network2" {
		t.Errorf("id %+v, network %+v; want remote and network2 from the injection path", c.ID, c.Network)
	}
}

// An istiod whose namespace holds istio-kubeconfig reads its configuration
// from the cluster that kubeconfig reaches: an external control plane, even
// without LOCAL_CLUSTER_SECRET_WATCHER or the multicluster label (Istio's
// external-istiod CI, testdata/real/istio-ci-external-istiod).
func TestIstioKubeconfigMakesAnExternalControlPlane(t *testing.T) {
	c := build(t, map[string]string{"external": `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  values:
    global:
      externalIstiod: true
      multiCluster: {clusterName: config}
---
apiVersion: v1
kind: Secret
metadata:
  name: istio-kubeconfig
  namespace: istio-system
stringData:
  config: |
    apiVersion: v1
    kind: Config
    clusters: [{name: c, cluster: {server: "https://config.example.com:6443"}}]
    users: [{name: u, user: {token: t}}]
    contexts: [{name: c, context: {cluster: c, user: u}}]
    current-context: c
`}).Clusters["external"]
	if c.Role != RoleExternal || len(c.ControlPlanes) != 1 || c.ControlPlanes[0].Role != RoleExternal {
		t.Fatalf("cluster role %q, control planes %d; want one external control plane", c.Role, len(c.ControlPlanes))
	}
	if c.ID != nil {
		t.Errorf("the external cluster took ID %q: an external istiod's ID names the cluster it serves", c.ID.Value)
	}
	if len(c.RemoteSecrets) != 1 || c.RemoteSecrets[0].Type != "config" {
		t.Errorf("remote secrets = %+v, want the config secret", c.RemoteSecrets)
	}
}

// Gateway chart values that put the network label in labels (no
// networkGateway) install a network gateway: the chart labels the Service,
// which is how istiod finds a network's gateway (Solo's Gloo Platform
// catalog, testdata/real/solo-aoa-catalog-argocd).
func TestGatewayChartLabelledWithANetwork(t *testing.T) {
	c := build(t, map[string]string{"c": `name: "istio-eastwestgateway"
revision: "1-18"
service:
  type: LoadBalancer
env:
  ISTIO_META_REQUESTED_NETWORK_VIEW: "cluster1"
labels:
  istio.io/rev: 1-18
  istio: eastwestgateway
  topology.istio.io/network: cluster1
`}).Clusters["c"]
	if len(c.NetworkGateways) != 1 || c.NetworkGateways[0].Network.Value != "cluster1" || c.NetworkGateways[0].Network.Source.Line != 10 {
		t.Fatalf("network gateways = %+v, want one on cluster1 located at its label", c.NetworkGateways)
	}
	if len(c.ControlPlanes) != 0 {
		t.Errorf("gateway values read as a control plane: %+v", c.ControlPlanes)
	}
}

// A kubeconfig held, the same, by several primaries is read once per build:
// each holder's entry still has its own key and its own provenance.
func TestSharedKubeconfigKeepsEachHoldersProvenance(t *testing.T) {
	secret := func(pad string) string {
		return pad + `apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-c3
  labels: {istio/multiCluster: "true"}
stringData:
  c3: |
    apiVersion: v1
    kind: Config
    current-context: c3
    contexts: [{name: c3, context: {cluster: c3, user: c3}}]
    clusters: [{name: c3, cluster: {server: "https://c3.example.com:6443"}}]
    users: [{name: c3, user: {exec: {command: aws}}}]
`
	}
	f := build(t, map[string]string{"c1": secret(""), "c2": secret("# moved down two lines\n\n")})
	for cluster, line := range map[string]int{"c1": 7, "c2": 9} {
		e := f.Clusters[cluster].RemoteSecrets[0].Entries[0]
		if e.Source.Cluster != cluster || e.Source.Line != line || e.Key != "c3" {
			t.Errorf("%s: entry at %s:%d key %q, want %s:%d key c3", cluster, e.Source.Cluster, e.Source.Line, e.Key, cluster, line)
		}
		if e.ServerHost != "c3.example.com" || !e.HasCredentials || !slices.Equal(e.RefusedAuth, []string{"exec"}) {
			t.Errorf("%s: facts %+v", cluster, e)
		}
	}
}
