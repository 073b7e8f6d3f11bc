package model

import (
	"fmt"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// Where Istio reads the objects the model derives facts from (istio/istio,
// read on master; paths in that repository):
//
//   - Remote secrets: istiod lists Secrets in its own namespace only
//     (kclient.Filter{Namespace: options.SystemNamespace}, the namespace of
//     its pod), with the label selector istio/multiCluster=true (exact value:
//     "True" is not selected), whatever its revision: every istiod of a
//     namespace reads every remote secret there
//     (pkg/kube/multicluster/secretcontroller.go, NewController).
//   - cacerts: mounted from the istiod pod's namespace at /etc/cacerts
//     (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml,
//     volume "cacerts", optional; pilot/pkg/bootstrap/istio_ca.go, ROOT_CA_DIR);
//     istio-ca-secret: read and written by the self-signed CA in the same
//     namespace (istio_ca.go createCA, caOpts Namespace = the istiod's;
//     security/pkg/pki/ca/ca.go, NewSelfSignedIstioCAOptions). Neither
//     depends on a label or a revision.
//   - The network of the system namespace: the topology.istio.io/network
//     label of the namespace named SystemNamespace only
//     (pilot/pkg/serviceregistry/kube/controller/network.go,
//     setNetworkFromNamespace, called for that namespace alone).
//   - The mesh config (istio[-rev] ConfigMap, keys mesh and meshNetworks) and
//     the injector's values (istio-sidecar-injector[-rev]): mounted into the
//     istiod of that revision from its own namespace
//     (istio-discovery templates/deployment.yaml, volumes "config-volume"
//     and "inject"), or read by name from that namespace with
//     SHARED_MESH_CONFIG (pkg/config/mesh/kubemesh).
//
// An object of these kinds anywhere else is someone else's (an
// application's cacerts, a copy kept elsewhere) and the model ignores it:
// Cluster.Ignored lists it with the reason.

// SecretNamespaces returns the namespaces in which an istiod of the cluster made of objs reads
// remote secrets and CA secrets (cacerts, istio-ca-secret), and whether any is known.
//
// An istiod is known from an istiod Deployment, or from an install that
// renders one: an IstioOperator with pilot enabled, a Sail Istio, a Helm
// values file of the istiod chart (their namespace is global.istioNamespace,
// Sail's spec.namespace, the IOP's namespace, else istio-system), including
// external control planes (an istiod in external-istiod). A remote-profile
// install renders no istiod (unless istiodRemote.enabledLocalInjectorIstiod).
//
// When no istiod is known (objects in Git showing only cacerts, a remote
// cluster), the second result is false and the map holds the namespaces
// that count anyway: the system namespaces of the cluster's remote-profile
// installs if any, else istio-system alone. An application namespace never
// counts. The map is never nil and callers may use it either way.
//
// It reads only Deployments, IstioOperators, Sail Istios and values files,
// so that calling it on every build is cheap.
func SecretNamespaces(objs []*source.Object) (map[string]bool, bool) {
	var cs []*contribution
	for _, obj := range objs {
		if !maySpeakForIstiod(obj) {
			continue
		}
		// None of these kinds fails to read: the error is a ConfigMap's.
		if c, _ := contributionOf(obj, ""); c != nil {
			cs = append(cs, c)
		}
	}
	return secretNamespacesOf(cs)
}

// maySpeakForIstiod is a cheap test for the inputs that can show an istiod.
func maySpeakForIstiod(obj *source.Object) bool {
	switch obj.Kind() {
	case "Deployment":
		return isIstiodDeployment(obj)
	case "IstioOperator", "Istio", sailRemoteIstio:
		return isIstioOperator(obj) || isSailIstio(obj)
	case "":
		return isHelmValues(obj)
	}
	return false
}

// secretNamespacesOf is SecretNamespaces over contributions; those of
// ConfigMaps are left out (a ConfigMap shows no istiod, and SecretNamespaces
// does not read them).
func secretNamespacesOf(cs []*contribution) (map[string]bool, bool) {
	out := map[string]bool{}
	fallback := map[string]bool{}
	for _, c := range cs {
		switch c.rank {
		case rankDeployment:
			out[c.namespace] = true
		case rankInstall:
			if rendersIstiod(c) {
				out[c.namespace] = true
			} else {
				fallback[c.namespace] = true
			}
		}
	}
	if len(out) > 0 {
		return out, true
	}
	if len(fallback) == 0 {
		fallback[defaultNamespace] = true
	}
	return fallback, false
}

// rendersIstiod says whether an install (IOP, Sail, Helm values) runs an
// istiod: not a remote profile (unless it asks for a local injector istiod),
// and pilot not disabled.
func rendersIstiod(c *contribution) bool {
	remote := profileName(c.profile) == "remote" || profileName(c.values.str("profile")) == "remote"
	if f := c.values.boolean("istiodRemote.enabled"); f != nil && f.Value {
		remote = true
	}
	if remote {
		f := c.values.boolean("istiodRemote.enabledLocalInjectorIstiod")
		return f != nil && f.Value
	}
	return c.istiod != nil && c.istiod.Value
}

// scopeSecrets keeps the remote secrets and CA secrets that an istiod of c
// reads and moves the others to c.Ignored. A secret whose namespace the
// inputs do not give (a file applied with kubectl -n) is kept: unknown is
// not elsewhere. Only c's lists change, never the records they point to.
func scopeSecrets(c *Cluster, contribs []*contribution) {
	nss, known := secretNamespacesOf(contribs)
	if !hasOutside(c, nss) {
		return
	}
	where := "the namespace of the cluster's istiod"
	if len(nss) > 1 {
		where = "the namespaces of the cluster's istiods"
	}
	if !known {
		where = "the namespace Istio is installed in when the inputs show no istiod"
	}
	where += " (" + strings.Join(sortedKeys(nss), ", ") + ")"
	reason := func(kind, ns string) string {
		return fmt.Sprintf("istiod reads %s only in %s, not in %s", kind, where, ns)
	}
	rss := []*RemoteSecret{}
	for _, rs := range c.RemoteSecrets {
		if rs.Namespace == "" || nss[rs.Namespace] {
			rss = append(rss, rs)
			continue
		}
		c.Ignored = append(c.Ignored, IgnoredObject{Source: rs.Source, Reason: reason("remote secrets", rs.Namespace)})
	}
	cas := []*CASecret{}
	for _, cs := range c.CASecrets {
		if cs.Namespace == "" || nss[cs.Namespace] {
			cas = append(cas, cs)
			continue
		}
		c.Ignored = append(c.Ignored, IgnoredObject{Source: cs.Source, Reason: reason(cs.Name, cs.Namespace)})
	}
	c.RemoteSecrets, c.CASecrets = rss, cas
}

func hasOutside(c *Cluster, nss map[string]bool) bool {
	for _, rs := range c.RemoteSecrets {
		if rs.Namespace != "" && !nss[rs.Namespace] {
			return true
		}
	}
	for _, cs := range c.CASecrets {
		if cs.Namespace != "" && !nss[cs.Namespace] {
			return true
		}
	}
	return false
}

// scopeConfigMaps leaves out the ConfigMaps named like the istiod chart's
// (istio, istio-sidecar-injector, values) that no istiod reads: outside
// istio-system and every namespace where the inputs show an istiod or an
// install, and without the istio.io/rev label the chart puts on all three
// (an application's ConfigMap that happens to be called istio). Such a
// ConfigMap would otherwise make a control plane of its own. The chart's
// ConfigMaps, labelled, always count: on a live remote cluster they are
// all that shows its control plane.
func scopeConfigMaps(c *Cluster, contribs []*contribution) []*contribution {
	var nss map[string]bool
	unread := func(cb *contribution) bool {
		if !isConfigMapRank(cb.rank) || cb.namespace == defaultNamespace || cb.obj.Namespace() == "" {
			return false
		}
		if _, labelled := cb.obj.Label(LabelRevision); labelled {
			return false
		}
		if nss == nil {
			nss = map[string]bool{}
			for _, o := range contribs {
				if !isConfigMapRank(o.rank) {
					nss[o.namespace] = true
				}
			}
		}
		return !nss[cb.namespace]
	}
	var out []*contribution
	for i, cb := range contribs {
		if !unread(cb) {
			if out != nil {
				out = append(out, cb)
			}
			continue
		}
		if out == nil {
			// A new slice from the first one left out: the caller's stays.
			out = append(make([]*contribution, 0, len(contribs)), contribs[:i]...)
		}
		c.Ignored = append(c.Ignored, IgnoredObject{
			Source: sourceAt(cb.obj, c.Name, "metadata.name", false),
			Reason: fmt.Sprintf("istiod reads its ConfigMaps only in its own namespace, and no istiod or install is shown in %s (nor the istio.io/rev label the chart sets)", cb.namespace),
		})
	}
	if out == nil {
		return contribs
	}
	return out
}

func isConfigMapRank(r int) bool {
	return r == rankValuesConfigMap || r == rankInjectorConfigMap || r == rankMeshConfigMap
}
