package referee

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// builtinNamespaces are the namespaces the API server creates itself.
var builtinNamespaces = map[string]bool{
	"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true,
}

// wipe returns an API server to the state StartAPIServer left it in, as far
// as istiod can tell: no Services (but the API server's own), EndpointSlices,
// Pods, Secrets, ConfigMaps or Leases in any namespace, and no labels or
// annotations on the namespaces a fleet created. Without a namespace
// controller a deleted namespace would stay Terminating and refuse new
// objects, so namespaces are kept, unlabelled.
func wipe(ctx context.Context, cs kubernetes.Interface) error {
	nss, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("wipe: list namespaces: %w", err)
	}
	all := metav1.DeleteOptions{GracePeriodSeconds: new(int64)}
	for _, ns := range nss.Items {
		n := ns.Name
		steps := []func() error{
			func() error {
				return cs.DiscoveryV1().EndpointSlices(n).DeleteCollection(ctx, all, metav1.ListOptions{})
			},
			func() error { return cs.CoreV1().Pods(n).DeleteCollection(ctx, all, metav1.ListOptions{}) },
			func() error { return cs.CoordinationV1().Leases(n).DeleteCollection(ctx, all, metav1.ListOptions{}) },
		}
		if !builtinNamespaces[n] {
			steps = append(steps,
				func() error { return cs.CoreV1().Secrets(n).DeleteCollection(ctx, all, metav1.ListOptions{}) },
				func() error { return cs.CoreV1().ConfigMaps(n).DeleteCollection(ctx, all, metav1.ListOptions{}) },
			)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("wipe namespace %s: %w", n, err)
			}
		}
		svcs, err := cs.CoreV1().Services(n).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("wipe: list services in %s: %w", n, err)
		}
		for _, s := range svcs.Items {
			if n == "default" && s.Name == "kubernetes" {
				continue
			}
			if err := cs.CoreV1().Services(n).Delete(ctx, s.Name, all); err != nil {
				return fmt.Errorf("wipe: delete service %s/%s: %w", n, s.Name, err)
			}
		}
		if !builtinNamespaces[n] && (len(ns.Labels) > 1 || len(ns.Annotations) > 0) {
			// Keep only the label the API server sets itself.
			patch := []byte(`[{"op":"replace","path":"/metadata/labels","value":{"kubernetes.io/metadata.name":"` + n + `"}},` +
				`{"op":"replace","path":"/metadata/annotations","value":{}}]`)
			if _, err := cs.CoreV1().Namespaces().Patch(ctx, n, types.JSONPatchType, patch, metav1.PatchOptions{}); err != nil {
				return fmt.Errorf("wipe: reset namespace %s: %w", n, err)
			}
		}
	}
	return nil
}
