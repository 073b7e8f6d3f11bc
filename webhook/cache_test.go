package webhook

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/inventory"
)

// startWatch runs a Watch of the inventory on e until the test ends, with
// its object count in m, and waits until it synced.
func startWatch(t *testing.T, cfg *rest.Config, m *Metrics) *Watch {
	t.Helper()
	sels, err := selections(inventory.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := NewWatch(ctx, cfg, clientgoscheme.Scheme, mapper, logr.Discard(), sels)
	if err != nil {
		t.Fatal(err)
	}
	// As Run does: the count is told to the metric, set before the caches start.
	w.Store.onChange = func(n int) { m.Objects.Set(float64(n)) }
	for _, c := range w.Caches {
		go func() { _ = c.Start(ctx) }()
	}
	for _, c := range w.Caches {
		if !c.WaitForCacheSync(ctx) {
			t.Fatal("caches not synced")
		}
	}
	return w
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		return cond(), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// An optional kind whose CRD is installed after the watch started is
// watched from then on: its objects reach the state without a restart.
func TestWatchPicksUpKindsInstalledLater(t *testing.T) {
	e := apiServer(t)
	defer func(d time.Duration) { LateKindsInterval = d }(LateKindsInterval)
	LateKindsInterval = 100 * time.Millisecond
	w := startWatch(t, e.Config, NewMetrics(nil))
	gw := schema.GroupVersionKind{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "Gateway"}
	key := objectKey(gw.Group, gw.Kind, "default", "late")
	if st := w.Store.State(); st == nil || st.lookup(key) != nil {
		t.Fatal("state not synced, or it already holds the Gateway")
	}
	crd := &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "gateways.gateway.networking.k8s.io",
			// As Gateway API's own CRDs: *.k8s.io groups need it.
			Annotations: map[string]string{"api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api/pull/891"}},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: gw.Group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: "Gateway", ListKind: "GatewayList", Plural: "gateways", Singular: "gateway"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: ptr.To(true),
				}},
			}},
		},
	}
	if _, err := envtest.InstallCRDs(e.Config, envtest.CRDInstallOptions{CRDs: []*apiextensionsv1.CustomResourceDefinition{crd}}); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gw)
	u.SetNamespace("default")
	u.SetName("late")
	u.Object["spec"] = map[string]any{"gatewayClassName": "istio"}
	c := newAPIClient(t, e.Config)
	gvr := schema.GroupVersionResource{Group: gw.Group, Version: gw.Version, Resource: "gateways"}
	if err := c.create(context.Background(), gvr, u, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the Gateway in the state", func() bool {
		st := w.Store.State()
		return st != nil && st.lookup(key) != nil
	})
}

// The object-count metric follows the cache, not the requests: a new
// object is counted with no request and no read of the state.
func TestWatchCountsObjectsWithoutRequests(t *testing.T) {
	e := apiServer(t)
	m := NewMetrics(prometheus.NewRegistry())
	startWatch(t, e.Config, m)
	count := func() float64 {
		var out dtoMetric
		if err := m.Objects.Write(&out); err != nil {
			t.Fatal(err)
		}
		return out.GetGauge().GetValue()
	}
	waitFor(t, "a first count", func() bool { return count() > 0 })
	before := count()
	ns := &unstructured.Unstructured{}
	ns.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "Namespace"})
	ns.SetName("counted")
	if err := newAPIClient(t, e.Config).create(context.Background(), nsGVR, ns, false); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the count to include the new namespace", func() bool { return count() == before+1 })
}
