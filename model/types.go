package model

// APIVersion versions the fleet document. Rules and users depend on its
// shape: fields are only added within a version (docs/model.md).
const APIVersion = "meshcheck.io/v1alpha1"

// Fleet is the document every rule receives as input: one entry per cluster,
// plus what only the whole fleet shows (meshes, networks).
type Fleet struct {
	APIVersion string              `json:"apiVersion"`
	Kind       string              `json:"kind"`
	Clusters   map[string]*Cluster `json:"clusters"`
	// Meshes groups clusters that are joined by remote secrets, by a
	// remote's control plane, by a shared mesh ID or by configuration.
	Meshes []*Mesh `json:"meshes"`
	// Networks maps each network name to the clusters on it and its gateways.
	Networks map[string]*Network `json:"networks"`
	// Links are the edges the meshes were built from.
	Links []Link `json:"links"`
	// Groups partitions the clusters by finer evidence than Meshes, so that
	// rules compare a cluster with its group rather than with every other
	// cluster, pair by pair.
	Groups Groups `json:"groups"`
}

// Groups maps each cluster to the first cluster, by name, of its group.
type Groups struct {
	// Strong groups clusters joined by control-plane links (a remote and
	// the istiod serving it), declared links and remote secrets held both
	// ways (multi-primary): clusters meant to be one mesh.
	Strong map[string]string `json:"strong"`
	// Linked groups clusters joined by any link but a shared mesh ID.
	Linked map[string]string `json:"linked"`
}

// Source is the provenance of a fact: which object and field it was read
// from, and where that is in a file when it came from one.
type Source struct {
	Cluster string    `json:"cluster,omitempty"`
	Object  ObjectRef `json:"object"`
	Path    string    `json:"path,omitempty"`
	File    string    `json:"file,omitempty"`
	Line    int       `json:"line,omitempty"`
	Column  int       `json:"column,omitempty"`
	// ResourceVersion is the object's metadata.resourceVersion when it was
	// read from a cluster (audit), so a fact says which version it saw.
	ResourceVersion string `json:"resource_version,omitempty"`
}

// ObjectRef names a Kubernetes object (or a Helm values file, kind
// "HelmValues"). The model always knows the kind; a finding not about one
// object (a fleet-wide conflict) has an empty ref, encoded as {}.
type ObjectRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// String renders the ref the way kubectl users read it: Kind ns/name.
func (o ObjectRef) String() string {
	if o.Kind == "" && o.Name == "" {
		return ""
	}
	if o.Name == "" {
		return o.Kind
	}
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// Fact is one known value with where it came from. A nil *Fact means the
// inputs do not show the value: unknown, which rules must not read as absent.
type Fact[T any] struct {
	Value  T      `json:"value"`
	Source Source `json:"source"`
	// Default is set when Istio's default applies because nothing set it
	// (CLUSTER_ID "Kubernetes", trust domain "cluster.local").
	Default bool `json:"default,omitempty"`
	// InheritedFrom names the cluster whose control plane supplies the value
	// (a remote-profile cluster takes mesh values from its primary).
	InheritedFrom string `json:"inherited_from,omitempty"`
}

// Cluster holds the facts of one cluster.
type Cluster struct {
	// Name is meshcheck's name for the cluster: the fleet directory, the
	// --cluster name or the kubeconfig context.
	Name string `json:"name"`
	// ID is the Istio cluster ID (CLUSTER_ID) the cluster's own control plane
	// uses for it.
	ID *Fact[string] `json:"id,omitempty"`
	// Role is primary, remote, external (hosts an istiod serving another
	// cluster) or unknown when no control plane is shown.
	Role string `json:"role"`
	// ConfigCluster is set on the remote that an external istiod reads its
	// configuration from.
	ConfigCluster bool `json:"config_cluster,omitempty"`
	// Network is the default network of injected pods (install values).
	Network *Fact[string] `json:"network,omitempty"`
	// PodCIDRs are the pod IP ranges of the cluster's Nodes (spec.podCIDRs,
	// spec.podCIDR), sorted and deduplicated; the source is the first Node.
	PodCIDRs *Fact[[]string] `json:"pod_cidrs,omitempty"`
	// SystemNamespace is the namespace of the cluster's main control plane.
	SystemNamespace string `json:"system_namespace"`
	// ControlPlaneCluster names the cluster (meshcheck name) whose istiod
	// serves this remote, when known.
	ControlPlaneCluster string `json:"control_plane_cluster,omitempty"`
	// Complete lists the kinds whose inventory is complete (a live audit
	// listed them). Without it, a missing Secret may simply not be in Git.
	Complete map[string]bool `json:"complete"`

	Namespaces       map[string]*Namespace `json:"namespaces"`
	ControlPlanes    []*ControlPlane       `json:"control_planes"`
	NetworkGateways  []*NetworkGateway     `json:"network_gateways"`
	Workloads        []*Workload           `json:"workloads"`
	Gateways         []*Gateway            `json:"gateways"`
	VirtualServices  []*VirtualService     `json:"virtual_services"`
	RemoteSecrets    []*RemoteSecret       `json:"remote_secrets"`
	CASecrets        []*CASecret           `json:"ca_secrets"`
	InjectorWebhooks []*InjectorWebhook    `json:"injector_webhooks"`
	// ZTunnels are ambient's node proxies: Sail ZTunnel resources and the
	// ztunnel chart's DaemonSet.
	ZTunnels []Source `json:"ztunnels"`
	// TLSRoutes are Gateway API TLSRoutes. The model does not follow where
	// they route: a rule takes one to mean a port may be exposed through it.
	TLSRoutes []Source `json:"tls_routes"`
	// Objects are the raw objects read for the cluster, for user rules;
	// Secrets appear without their data.
	Objects []RawObject `json:"objects"`
	// Ignored are objects of a kind the model derives facts from that Istio
	// does not read where they are (a cacerts or a remote secret outside the
	// namespace of the cluster's istiods), with the reason: they are in
	// Objects but no fact comes from them.
	Ignored []IgnoredObject `json:"ignored,omitempty"`
}

// IgnoredObject is an input object the model took no fact from, and why.
type IgnoredObject struct {
	Source Source `json:"source"`
	Reason string `json:"reason"`
}

// Namespace is a namespace whose labels or annotations the inputs show.
type Namespace struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	// Network is the topology.istio.io/network label.
	Network *Fact[string] `json:"network,omitempty"`
	// ControlPlaneClusters is the topology.istio.io/controlPlaneClusters
	// annotation, split on commas.
	ControlPlaneClusters *Fact[[]string] `json:"control_plane_clusters,omitempty"`
	// Revision is the istio.io/rev label (which control plane injects the
	// namespace's pods) and Injection the legacy istio-injection label.
	Revision  *Fact[string] `json:"revision,omitempty"`
	Injection *Fact[string] `json:"injection,omitempty"`
	Source    Source        `json:"source"`
}

// ControlPlane is one Istio control plane installation (a revision in a
// system namespace), merged from every input that describes it.
type ControlPlane struct {
	Namespace string `json:"namespace"`
	Revision  string `json:"revision"`
	// Role is primary, remote or external.
	Role    string        `json:"role"`
	Profile *Fact[string] `json:"profile,omitempty"`
	// Istiod is set when an istiod Deployment runs in this cluster for it.
	Istiod *Fact[bool] `json:"istiod,omitempty"`

	ClusterID           *Fact[string]            `json:"cluster_id,omitempty"`
	ClusterName         *Fact[string]            `json:"cluster_name,omitempty"`
	Network             *Fact[string]            `json:"network,omitempty"`
	MeshID              *Fact[string]            `json:"mesh_id,omitempty"`
	TrustDomain         *Fact[string]            `json:"trust_domain,omitempty"`
	TrustDomainAliases  *Fact[[]string]          `json:"trust_domain_aliases,omitempty"`
	CACertificates      *Fact[int]               `json:"ca_certificates,omitempty"`
	MultiRoot           *Fact[bool]              `json:"multi_root,omitempty"`
	ExternalIstiod      *Fact[bool]              `json:"external_istiod,omitempty"`
	ConfigCluster       *Fact[bool]              `json:"config_cluster,omitempty"`
	RemotePilotAddress  *Fact[string]            `json:"remote_pilot_address,omitempty"`
	InjectionURL        *Fact[string]            `json:"injection_url,omitempty"`
	InjectionPath       *Fact[string]            `json:"injection_path,omitempty"`
	InjectionCluster    *Fact[string]            `json:"injection_cluster,omitempty"`
	InjectionNetwork    *Fact[string]            `json:"injection_network,omitempty"`
	DiscoveryAddress    *Fact[string]            `json:"discovery_address,omitempty"`
	DiscoverySelectors  *Fact[[]any]             `json:"discovery_selectors,omitempty"`
	LocalInjectorIstiod *Fact[bool]              `json:"local_injector_istiod,omitempty"`
	Ambient             *Fact[bool]              `json:"ambient,omitempty"`
	IstioNamespace      *Fact[string]            `json:"istio_namespace,omitempty"`
	MeshNetworks        *Fact[any]               `json:"mesh_networks,omitempty"`
	RevisionTags        *Fact[[]string]          `json:"revision_tags,omitempty"`
	Env                 map[string]*Fact[string] `json:"env"`
	Values              map[string]any           `json:"values"`
	MeshConfig          map[string]any           `json:"mesh_config"`
	Sources             []Source                 `json:"sources"`
	// Unknown are the settings (values paths; mesh config as meshConfig.*)
	// the inputs set to what they do not show: a template action, or
	// releases that disagree. Their facts are absent, and so are Istio's
	// defaults for them.
	Unknown []string `json:"unknown,omitempty"`

	// CACertificateFingerprints are the SHA-256 fingerprints (the form of
	// CASecret.RootFingerprint) of the certificates in
	// meshConfig.caCertificates[].pem, so that a rule can tell whether a
	// peer's root is among the extra roots a multi-root mesh trusts.
	// Entries without pem (spiffeBundleUrl, certSigners) add none.
	CACertificateFingerprints *Fact[[]string] `json:"ca_certificate_fingerprints,omitempty"`
}

// Port is a Service or gateway port.
type Port struct {
	Name       string `json:"name,omitempty"`
	Port       int    `json:"port"`
	TargetPort int    `json:"target_port,omitempty"`
	Protocol   string `json:"protocol,omitempty"`
}

// NetworkGateway is something that acts as a network's east-west gateway: a
// Service labelled topology.istio.io/network, the Service an IOP or the
// gateway chart renders for one, or a Gateway API gateway labelled so.
type NetworkGateway struct {
	Name      string        `json:"name"`
	Namespace string        `json:"namespace"`
	Network   *Fact[string] `json:"network,omitempty"`
	Ports     []Port        `json:"ports"`
	// GatewayPort is the networking.istio.io/gatewayPort label, if set.
	GatewayPort int    `json:"gateway_port,omitempty"`
	Type        string `json:"type,omitempty"`
	// Addresses are external IPs or load-balancer ingress addresses;
	// AddressesKnown says whether the inputs show them: externalIPs, or the
	// status of a live object (one with a uid or resourceVersion).
	Addresses      []string          `json:"addresses"`
	AddressesKnown bool              `json:"addresses_known"`
	Selector       map[string]string `json:"selector"`
	Annotations    map[string]string `json:"annotations"`
	Revision       *Fact[string]     `json:"revision,omitempty"`
	// Class is the gatewayClassName of a Gateway API gateway.
	Class     string     `json:"class,omitempty"`
	Listeners []Listener `json:"listeners"`
	Source    Source     `json:"source"`
}

// Listener is a Gateway API listener.
type Listener struct {
	Name     string            `json:"name"`
	Port     int               `json:"port"`
	Protocol string            `json:"protocol"`
	TLSMode  string            `json:"tls_mode,omitempty"`
	Options  map[string]string `json:"options"`
}

// Workload is a pod template (Deployment, Pod, an IOP gateway component)
// that carries Istio topology settings.
type Workload struct {
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
	// Network is the pod label topology.istio.io/network.
	Network              *Fact[string] `json:"network,omitempty"`
	RequestedNetworkView *Fact[string] `json:"requested_network_view,omitempty"`
	Revision             *Fact[string] `json:"revision,omitempty"`
	Gateway              bool          `json:"gateway"`
	Source               Source        `json:"source"`
}

// Gateway is a networking.istio.io Gateway.
type Gateway struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Selector  map[string]string `json:"selector"`
	Servers   []Server          `json:"servers"`
	Revision  string            `json:"revision,omitempty"`
	Source    Source            `json:"source"`
}

// Server is one server of an Istio Gateway.
type Server struct {
	Port     int      `json:"port"`
	Name     string   `json:"name,omitempty"`
	Protocol string   `json:"protocol,omitempty"`
	TLSMode  string   `json:"tls_mode,omitempty"`
	Hosts    []string `json:"hosts"`
	Source   Source   `json:"source"`
}

// VirtualService is a networking.istio.io VirtualService, reduced to the
// TLS routes the istiod-exposing configuration uses.
type VirtualService struct {
	Name      string     `json:"name"`
	Namespace string     `json:"namespace"`
	Gateways  []string   `json:"gateways"`
	Hosts     []string   `json:"hosts"`
	TLSRoutes []TLSRoute `json:"tls_routes"`
	Source    Source     `json:"source"`
}

// TLSRoute is one tls route of a VirtualService.
type TLSRoute struct {
	Port         int           `json:"port,omitempty"`
	SNIHosts     []string      `json:"sni_hosts"`
	Destinations []Destination `json:"destinations"`
}

// Destination is a route destination.
type Destination struct {
	Host string `json:"host"`
	Port int    `json:"port,omitempty"`
}

// RemoteSecret is a Secret labelled istio/multiCluster=true, reduced to facts
// derived from it. It never holds the credentials themselves.
type RemoteSecret struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Type is remote (istio-remote-secret-*) or config (istio-kubeconfig).
	Type string `json:"type"`
	// ClusterAnnotation is networking.istio.io/cluster.
	ClusterAnnotation *Fact[string] `json:"cluster_annotation,omitempty"`
	// Encrypted is set for a SOPS-encrypted file (a top-level sops key): its
	// values are ciphertext and say nothing about the kubeconfig applied.
	Encrypted bool          `json:"encrypted,omitempty"`
	Entries   []SecretEntry `json:"entries"`
	Source    Source        `json:"source"`
}

// SecretEntry is one data key of a remote secret: the cluster it names and
// what its kubeconfig points at.
type SecretEntry struct {
	Key            string `json:"key"`
	CurrentContext string `json:"current_context,omitempty"`
	// ContextCluster is the cluster of the current context, which istioctl
	// analyze uses as the cluster ID.
	ContextCluster string `json:"context_cluster,omitempty"`
	Server         string `json:"server,omitempty"`
	ServerHost     string `json:"server_host,omitempty"`
	HasCredentials bool   `json:"has_credentials"`
	// RefusedAuth lists the authentication options of the kubeconfig's users
	// that istiod refuses in a remote secret unless its
	// PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS allows them, by the
	// names that variable takes: exec, an auth provider other than oidc
	// (gcp, azure, ...), clientKey, clientCertificate, tokenFile (files).
	RefusedAuth []string `json:"refused_auth,omitempty"`
	// CredentialRejected is what a live audit saw when it connected with
	// this kubeconfig: true when the API server answered 401 Unauthorized,
	// false when it accepted the credential. Absent (unknown) when the
	// kubeconfig was not tried: files, or a cluster reached another way.
	CredentialRejected *Fact[bool] `json:"credential_rejected,omitempty"`
	// Error says why the kubeconfig could not be read, if it could not.
	Error  string `json:"error,omitempty"`
	Source Source `json:"source"`
}

// CASecret is a cacerts (plugged-in CA) or istio-ca-secret (self-signed)
// Secret, reduced to fingerprints. Key material is never kept.
type CASecret struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace"`
	Keys      []string `json:"keys"`
	// RootFingerprint is the SHA-256 of the DER of the first certificate of
	// root-cert.pem (or ca-cert.pem for istio-ca-secret).
	RootFingerprint string `json:"root_fingerprint,omitempty"`
	RootSubject     string `json:"root_subject,omitempty"`
	SelfSigned      bool   `json:"self_signed"`
	// ChainsToRoot says whether ca-cert.pem verifies against root-cert.pem;
	// nil when it could not be decided.
	ChainsToRoot *bool  `json:"chains_to_root,omitempty"`
	Error        string `json:"error,omitempty"`
	Source       Source `json:"source"`
}

// InjectorWebhook is an Istio sidecar-injector MutatingWebhookConfiguration.
type InjectorWebhook struct {
	Name     string `json:"name"`
	Revision string `json:"revision,omitempty"`
	Tag      string `json:"tag,omitempty"`
	Source   Source `json:"source"`
}

// RawObject is one input object as read, for user rules.
type RawObject struct {
	Source Source         `json:"source"`
	Object map[string]any `json:"object"`
}

// Mesh is a group of clusters that form one service mesh.
type Mesh struct {
	// ID is the mesh ID the group's control planes declare; empty when none
	// does. MeshIDs lists all of them when they disagree.
	ID       string   `json:"id"`
	MeshIDs  []string `json:"mesh_ids"`
	Clusters []string `json:"clusters"`
	Networks []string `json:"networks"`
}

// Network lists the clusters on one network and its gateways.
type Network struct {
	Name     string       `json:"name"`
	Clusters []string     `json:"clusters"`
	Gateways []GatewayRef `json:"gateways"`
}

// GatewayRef points at a network gateway of a cluster.
type GatewayRef struct {
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// Link is an edge between two clusters.
type Link struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Kind is remote-secret (From holds a secret for To), control-plane (To's
	// istiod serves From), mesh-id (same declared mesh ID) or declared
	// (configuration says they are one mesh).
	Kind   string  `json:"kind"`
	Source *Source `json:"source,omitempty"`
}
