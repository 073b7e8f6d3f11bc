package webhook

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
)

var (
	nsGVR  = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	cmGVR  = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	secGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	gwGVR  = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "gateways"}
	depGVR = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
)

// istiodDeployment is istiod's Deployment as the test clusters hold it: it
// tells the model that an istiod runs there and reads istio-system.
const istiodDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system, labels: {app: istiod}}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec: {containers: [{name: discovery, image: istio/pilot}]}`

// warnings records the admission warnings the API server passes on.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, msg string) {
	w.mu.Lock()
	w.msgs = append(w.msgs, msg)
	w.mu.Unlock()
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

type apiClient struct {
	dyn  dynamic.Interface
	warn *warnings
}

func newAPIClient(t *testing.T, cfg *rest.Config) *apiClient {
	t.Helper()
	c := rest.CopyConfig(cfg)
	w := &warnings{}
	c.WarningHandler = w
	d, err := dynamic.NewForConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{dyn: d, warn: w}
}

func (c *apiClient) res(gvr schema.GroupVersionResource, ns string) dynamic.ResourceInterface {
	if ns == "" {
		return c.dyn.Resource(gvr)
	}
	return c.dyn.Resource(gvr).Namespace(ns)
}

func (c *apiClient) create(ctx context.Context, gvr schema.GroupVersionResource, u *unstructured.Unstructured, dryRun bool) error {
	opt := metav1.CreateOptions{}
	if dryRun {
		opt.DryRun = []string{metav1.DryRunAll}
	}
	_, err := c.res(gvr, u.GetNamespace()).Create(ctx, u, opt)
	return err
}

func (c *apiClient) update(ctx context.Context, gvr schema.GroupVersionResource, u *unstructured.Unstructured, dryRun bool) error {
	opt := metav1.UpdateOptions{}
	if dryRun {
		opt.DryRun = []string{metav1.DryRunAll}
	}
	cur, err := c.res(gvr, u.GetNamespace()).Get(ctx, u.GetName(), metav1.GetOptions{})
	if err != nil {
		return err
	}
	u = u.DeepCopy()
	u.SetResourceVersion(cur.GetResourceVersion())
	_, err = c.res(gvr, u.GetNamespace()).Update(ctx, u, opt)
	return err
}

// eventually waits until the webhook's cache has caught up with what the
// test wrote: cond is a dry-run request whose answer changes once it has.
func eventually(t *testing.T, what string, cond func(context.Context) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		return cond(ctx), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func denied(err error, code string) bool {
	return err != nil && strings.Contains(err.Error(), "denied the request") && strings.Contains(err.Error(), code)
}
