package livetest

import (
	"context"
	"fmt"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
)

var systemNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// Wipe removes what scenarios seed, so that one server can hold several
// scenarios in turn: every object of the non-system namespaces, the
// namespaces themselves (finalized by hand: envtest runs no namespace
// controller), and the cluster-scoped kinds the model reads.
func Wipe(ctx context.Context, cfg *rest.Config) error {
	cfg = rest.CopyConfig(cfg)
	cfg.WarningHandler = rest.NoWarnings{}
	dyn, dc, err := clients(cfg)
	if err != nil {
		return err
	}
	lists, err := dc.ServerPreferredNamespacedResources()
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	nss, err := dyn.Resource(nsGVR).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, ns := range nss.Items {
		name := ns.GetName()
		if slices.Contains(systemNamespaces, name) {
			continue
		}
		for _, l := range lists {
			gv, _ := schema.ParseGroupVersion(l.GroupVersion)
			for _, r := range l.APIResources {
				if !slices.Contains(r.Verbs, "deletecollection") {
					continue
				}
				err := dyn.Resource(gv.WithResource(r.Name)).Namespace(name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
				if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsMethodNotSupported(err) {
					return fmt.Errorf("delete %s in %s: %w", r.Name, name, err)
				}
			}
		}
		if err := dyn.Resource(nsGVR).Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		live, err := dyn.Resource(nsGVR).Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			live.Object["spec"] = map[string]any{"finalizers": []any{}}
			if _, err := dyn.Resource(nsGVR).Update(ctx, live, metav1.UpdateOptions{}, "finalize"); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("finalize namespace %s: %w", name, err)
			}
		}
		err = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			_, err := dyn.Resource(nsGVR).Get(ctx, name, metav1.GetOptions{})
			return apierrors.IsNotFound(err), nil
		})
		if err != nil {
			return fmt.Errorf("namespace %s not gone: %w", name, err)
		}
	}
	for _, gvr := range clusterScoped {
		if gvr.Resource == "" {
			continue
		}
		err := dyn.Resource(gvr).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete %s: %w", gvr.Resource, err)
		}
	}
	return nil
}
