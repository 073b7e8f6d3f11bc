// Package inventory lists the Kubernetes kinds the fleet model reads from a
// live cluster, with the server-side selectors that keep listing them cheap
// on big clusters. Audit lists them; the webhook's cache watches them. It
// holds no client code: callers do the listing.
package inventory

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind is one kind the model reads, and how to select only what it needs.
type Kind struct {
	GVK        schema.GroupVersionKind
	Resource   string // plural resource name
	Namespaced bool
	// LabelSelector and FieldSelector are applied server-side; empty means all.
	LabelSelector string
	FieldSelector string
	// Optional kinds come from CRDs a cluster may not have (Sail, Istio
	// networking, Gateway API, IstioOperator): their absence is normal.
	Optional bool
	// Completes names the model inventory that a successful list of this
	// kind makes complete (model.Cluster.Complete), or "".
	Completes string
	// AuditOnly kinds are listed by audit but never cached by the webhook:
	// Nodes change with every scale-up and are too many to watch for what
	// they give (pod CIDRs); the injector labels every Pod of a multi-network
	// mesh with its network, which would cache every Pod and send every Pod
	// change to the webhook.
	AuditOnly bool
	// IfReadable kinds add facts where the credentials may list them: a
	// forbidden list is skipped, not an error that makes the audit partial.
	IfReadable bool
	// DropStatus removes status from listed objects: the model reads none
	// of it. A Node's status (images, conditions) is most of its size, and
	// Pods and Deployments update theirs far more often than their spec.
	DropStatus bool
	// InIstiodNamespaces kinds count only in the namespaces where the
	// cluster's istiods read them (model.SecretNamespaces): remote secrets,
	// cacerts and istio-ca-secret. The model ignores the others; a lister
	// that knows those namespaces (from the istiods it listed first) may
	// list there only, so that no application's Secret is read.
	InIstiodNamespaces bool
}

// GVR returns the kind's group, version and resource.
func (k Kind) GVR() schema.GroupVersionResource {
	return k.GVK.GroupVersion().WithResource(k.Resource)
}

func gvk(group, version, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

// Kinds returns what the model reads, in listing order. Secrets are listed
// in three narrow selections so that no other Secret is ever read: the
// label and names istiod selects them on (an application's Secret that
// happens to be named cacerts is still listed where istiod's namespace is
// not known; the model ignores it).
func Kinds() []Kind {
	return []Kind{
		{GVK: gvk("", "v1", "Namespace"), Resource: "namespaces"},
		{GVK: gvk("", "v1", "Secret"), Resource: "secrets", Namespaced: true, LabelSelector: "istio/multiCluster=true", Completes: "Secret", InIstiodNamespaces: true},
		{GVK: gvk("", "v1", "Secret"), Resource: "secrets", Namespaced: true, FieldSelector: "metadata.name=cacerts", Completes: "Secret", InIstiodNamespaces: true},
		{GVK: gvk("", "v1", "Secret"), Resource: "secrets", Namespaced: true, FieldSelector: "metadata.name=istio-ca-secret", Completes: "Secret", InIstiodNamespaces: true},
		{GVK: gvk("", "v1", "Service"), Resource: "services", Namespaced: true, LabelSelector: "topology.istio.io/network"},
		// The istiod chart labels its ConfigMaps (istio, istio-sidecar-injector,
		// values) with istio.io/rev.
		{GVK: gvk("", "v1", "ConfigMap"), Resource: "configmaps", Namespaced: true, LabelSelector: "istio.io/rev"},
		{GVK: gvk("apps", "v1", "Deployment"), Resource: "deployments", Namespaced: true, LabelSelector: "app=istiod", DropStatus: true},
		{GVK: gvk("apps", "v1", "Deployment"), Resource: "deployments", Namespaced: true, LabelSelector: "topology.istio.io/network", DropStatus: true},
		{GVK: gvk("", "v1", "Pod"), Resource: "pods", Namespaced: true, LabelSelector: "topology.istio.io/network", AuditOnly: true, DropStatus: true},
		{GVK: gvk("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration"), Resource: "mutatingwebhookconfigurations", LabelSelector: "istio.io/rev"},
		{GVK: gvk("install.istio.io", "v1alpha1", "IstioOperator"), Resource: "istiooperators", Namespaced: true, Optional: true},
		{GVK: gvk("sailoperator.io", "v1", "Istio"), Resource: "istios", Optional: true},
		{GVK: gvk("networking.istio.io", "v1", "Gateway"), Resource: "gateways", Namespaced: true, Optional: true},
		{GVK: gvk("networking.istio.io", "v1", "VirtualService"), Resource: "virtualservices", Namespaced: true, Optional: true},
		{GVK: gvk("gateway.networking.k8s.io", "v1", "Gateway"), Resource: "gateways", Namespaced: true, Optional: true},
		// TLSRoute is v1 from Gateway API 1.5; a cluster serving only an
		// alpha version shows none, as a cluster without the CRD.
		{GVK: gvk("gateway.networking.k8s.io", "v1", "TLSRoute"), Resource: "tlsroutes", Namespaced: true, Optional: true},
		{GVK: gvk("sailoperator.io", "v1", "ZTunnel"), Resource: "ztunnels", Optional: true},
		// Nodes give the pod CIDRs (NW010), where readable.
		{GVK: gvk("", "v1", "Node"), Resource: "nodes", AuditOnly: true, IfReadable: true, DropStatus: true},
	}
}
