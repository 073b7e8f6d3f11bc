package livetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/meshcheck/meshcheck/source"
)

// SeedDir creates in the cluster every Kubernetes object of the manifests
// under dir, namespaces first, and their status where they have one.
// Documents without apiVersion and kind (Helm values) are skipped.
func SeedDir(ctx context.Context, cfg *rest.Config, dir string) error {
	_, objs, errs := source.ReadPaths([]string{dir}, nil, source.DefaultLimits())
	if len(errs) > 0 {
		return fmt.Errorf("read %s: %w", dir, errs[0])
	}
	return Seed(ctx, cfg, objs)
}

// Seed creates objs in the cluster.
func Seed(ctx context.Context, cfg *rest.Config, objs []*source.Object) error {
	dyn, dc, err := clients(cfg)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	ensureNS := func(name string) error {
		ns := &unstructured.Unstructured{}
		ns.SetAPIVersion("v1")
		ns.SetKind("Namespace")
		ns.SetName(name)
		_, err := dyn.Resource(nsGVR).Create(ctx, ns, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	}
	// Namespaces from the manifests first, with their labels.
	var rest []*source.Object
	for _, o := range objs {
		if o.APIVersion() == "v1" && o.Kind() == "Namespace" {
			if err := create(ctx, dyn, nsGVR, o, false); err != nil {
				return err
			}
			continue
		}
		rest = append(rest, o)
	}
	for _, o := range rest {
		if o.APIVersion() == "" || o.Kind() == "" {
			continue
		}
		gv, err := schema.ParseGroupVersion(o.APIVersion())
		if err != nil {
			return err
		}
		m, err := mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: o.Kind()}, gv.Version)
		if err != nil {
			return fmt.Errorf("%s %s: %w", o.Kind(), o.Name(), err)
		}
		if m.Scope.Name() == meta.RESTScopeNameNamespace {
			if o.Namespace() == "" {
				return fmt.Errorf("%s %s: no namespace", o.Kind(), o.Name())
			}
			if err := ensureNS(o.Namespace()); err != nil {
				return err
			}
		}
		if err := create(ctx, dyn, m.Resource, o, m.Scope.Name() == meta.RESTScopeNameNamespace); err != nil {
			return err
		}
	}
	return nil
}

func create(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, o *source.Object, namespaced bool) error {
	b, err := json.Marshal(o.Data)
	if err != nil {
		return err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		return err
	}
	// As kubectl apply does with a `kubectl get -o yaml` output.
	u.SetResourceVersion("")
	u.SetUID("")
	u.SetManagedFields(nil)
	status, hasStatus := u.Object["status"]
	var ri dynamic.ResourceInterface = dyn.Resource(gvr)
	if namespaced {
		ri = dyn.Resource(gvr).Namespace(u.GetNamespace())
	}
	created, err := ri.Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	if hasStatus {
		created.Object["status"] = status
		if _, err := ri.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) && !errors.Is(err, context.Canceled) {
			return fmt.Errorf("status of %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	return nil
}

// nsGVR is the Namespaces resource.
var nsGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// clients are the dynamic and discovery clients of cfg.
func clients(cfg *rest.Config) (*dynamic.DynamicClient, *discovery.DiscoveryClient, error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	return dyn, dc, err
}

// AssignLoadBalancers does what a cloud's load-balancer controller would:
// every LoadBalancer Service without an address gets addr(namespace, name)
// in its status, or, when that is "", one from 192.0.2.0/24 (TEST-NET-1).
// envtest runs no such controller.
func AssignLoadBalancers(ctx context.Context, cfg *rest.Config, addr func(namespace, name string) string) error {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "services"}
	list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range list.Items {
		svc := &list.Items[i]
		typ, _, _ := unstructured.NestedString(svc.Object, "spec", "type")
		ingress, _, _ := unstructured.NestedSlice(svc.Object, "status", "loadBalancer", "ingress")
		if typ != "LoadBalancer" || len(ingress) > 0 {
			continue
		}
		ip := ""
		if addr != nil {
			ip = addr(svc.GetNamespace(), svc.GetName())
		}
		if ip == "" {
			ip = fmt.Sprintf("192.0.2.%d", 10+i%200)
		}
		if err := unstructured.SetNestedSlice(svc.Object, []any{map[string]any{"ip": ip}}, "status", "loadBalancer", "ingress"); err != nil {
			return err
		}
		if _, err := dyn.Resource(gvr).Namespace(svc.GetNamespace()).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("status of service %s/%s: %w", svc.GetNamespace(), svc.GetName(), err)
		}
	}
	return nil
}
