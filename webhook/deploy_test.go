package webhook

import (
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/inventory"
)

func render(t *testing.T, dir string) resmap.ResMap {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m
}

func decodeInto(t *testing.T, m resmap.ResMap, kind, name string, into any) {
	t.Helper()
	for _, r := range m.Resources() {
		if r.GetKind() == kind && r.GetName() == name {
			b, err := r.AsYAML()
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.UnmarshalStrict(b, into); err != nil {
				t.Fatalf("%s %s: %v", kind, name, err)
			}
			return
		}
	}
	t.Fatalf("no %s %s rendered", kind, name)
}

// The base renders, fails open with a short timeout, skips kube-system and
// its own namespace, and its RBAC and webhook rules cover what the cache lists.
func TestDeployBase(t *testing.T) {
	m := render(t, "../deploy/base")
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	decodeInto(t, m, "ValidatingWebhookConfiguration", "meshcheck", &vwc)
	covered := map[string]bool{}
	for _, w := range vwc.Webhooks {
		if w.FailurePolicy == nil || *w.FailurePolicy != admissionregistrationv1.Ignore {
			t.Errorf("%s: failurePolicy is not Ignore", w.Name)
		}
		if w.TimeoutSeconds == nil || *w.TimeoutSeconds != 3 {
			t.Errorf("%s: timeoutSeconds is not 3", w.Name)
		}
		if w.SideEffects == nil || *w.SideEffects != admissionregistrationv1.SideEffectClassNone {
			t.Errorf("%s: sideEffects is not None", w.Name)
		}
		if w.ClientConfig.Service == nil || w.ClientConfig.Service.Path == nil || *w.ClientConfig.Service.Path != Path {
			t.Errorf("%s: clientConfig does not call %s", w.Name, Path)
		}
		excluded := false
		for _, e := range w.NamespaceSelector.MatchExpressions {
			excluded = excluded || e.Key == "kubernetes.io/metadata.name" && e.Operator == "NotIn" &&
				slices.Contains(e.Values, "kube-system") && slices.Contains(e.Values, "meshcheck-system")
		}
		if !excluded {
			t.Errorf("%s: namespaceSelector does not exclude kube-system and meshcheck-system", w.Name)
		}
		for _, r := range w.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					covered[g+"/"+res] = true
				}
			}
		}
	}
	var role rbacv1.ClusterRole
	decodeInto(t, m, "ClusterRole", "meshcheck-webhook", &role)
	readable := map[string]bool{}
	for _, r := range role.Rules {
		if !slices.Equal(r.Verbs, []string{"get", "list", "watch"}) {
			t.Errorf("ClusterRole grants %v on %v; want read-only", r.Verbs, r.Resources)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				readable[g+"/"+res] = true
			}
		}
	}
	cached := map[string]bool{}
	for _, k := range inventory.Kinds() {
		if k.AuditOnly {
			continue // not cached by the webhook
		}
		key := k.GVK.Group + "/" + k.Resource
		cached[key] = true
		if !readable[key] {
			t.Errorf("ClusterRole cannot list %s, which the cache watches", key)
		}
		// The API server never sends admission webhook configurations to webhooks.
		if !covered[key] && k.GVK.Group != "admissionregistration.k8s.io" {
			t.Errorf("the webhook's rules do not cover %s", key)
		}
	}
	// And nothing more: no read the cache does not need, no request the
	// decision would answer "not watched".
	for key := range readable {
		if !cached[key] {
			t.Errorf("ClusterRole grants %s, which the cache does not watch", key)
		}
	}
	for key := range covered {
		if !cached[key] {
			t.Errorf("the webhook's rules send %s, which the cache does not watch", key)
		}
	}
	var dep appsv1.Deployment
	decodeInto(t, m, "Deployment", "meshcheck-webhook", &dep)
	c := dep.Spec.Template.Spec.Containers[0]
	switch {
	case dep.Spec.Replicas == nil || *dep.Spec.Replicas < 2:
		t.Error("fewer than 2 replicas")
	case dep.Spec.Template.Spec.Affinity == nil || dep.Spec.Template.Spec.Affinity.PodAntiAffinity == nil:
		t.Error("no pod anti-affinity")
	case c.ReadinessProbe == nil || c.LivenessProbe == nil:
		t.Error("missing probes")
	case c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero():
		t.Error("missing resource requests")
	case c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem:
		t.Error("root filesystem is writable")
	case dep.Spec.Template.Spec.SecurityContext == nil || dep.Spec.Template.Spec.SecurityContext.RunAsNonRoot == nil || !*dep.Spec.Template.Spec.SecurityContext.RunAsNonRoot:
		t.Error("may run as root")
	}
	for _, kind := range []string{"Namespace", "ServiceAccount", "ClusterRoleBinding", "Service", "PodDisruptionBudget"} {
		if len(m.Resources()) == 0 || !hasKind(m, kind) {
			t.Errorf("no %s rendered", kind)
		}
	}
}

func TestDeployCertManager(t *testing.T) {
	m := render(t, "../deploy/overlays/cert-manager")
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	decodeInto(t, m, "ValidatingWebhookConfiguration", "meshcheck", &vwc)
	if got := vwc.Annotations["cert-manager.io/inject-ca-from"]; got != "meshcheck-system/meshcheck-webhook" {
		t.Errorf("inject-ca-from = %q", got)
	}
	var cert struct {
		Spec struct {
			SecretName string   `json:"secretName"`
			DNSNames   []string `json:"dnsNames"`
		} `json:"spec"`
	}
	for _, r := range m.Resources() {
		if r.GetKind() == "Certificate" {
			b, _ := r.AsYAML()
			if err := yaml.Unmarshal(b, &cert); err != nil {
				t.Fatal(err)
			}
		}
	}
	var dep appsv1.Deployment
	decodeInto(t, m, "Deployment", "meshcheck-webhook", &dep)
	if dep.Spec.Template.Spec.Volumes[0].Secret.SecretName != cert.Spec.SecretName {
		t.Errorf("the Deployment mounts %q, the Certificate writes %q", dep.Spec.Template.Spec.Volumes[0].Secret.SecretName, cert.Spec.SecretName)
	}
	if !slices.Contains(cert.Spec.DNSNames, "meshcheck-webhook.meshcheck-system.svc") || !hasKind(m, "Issuer") {
		t.Errorf("Certificate dnsNames %v or Issuer missing", cert.Spec.DNSNames)
	}
}

func hasKind(m resmap.ResMap, kind string) bool {
	for _, r := range m.Resources() {
		if r.GetKind() == kind {
			return true
		}
	}
	return false
}

var _ runtime.Object = (*appsv1.Deployment)(nil)
