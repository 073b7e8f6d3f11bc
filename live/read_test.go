package live

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/inventory"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/source"
)

// One API server for the package's tests, seeded once by TestMain.
var server *livetest.Cluster

func TestMain(m *testing.M) {
	// Fuzz workers run only the fuzz target: an API server per worker would
	// make each of them start slower than a fuzzing run lasts.
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		os.Exit(m.Run())
	}
	code := func() int {
		c, err := livetest.Start("live")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		server = c
		defer c.Stop()
		if err := livetest.Seed(context.Background(), c.Admin, seedObjects()); err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

const unrelatedToken = "UNRELATED-SECRET-TOKEN-51ab"

// seedObjects: an Istio control plane's objects, a few remote secrets, and
// Secrets and ConfigMaps meshcheck has no business reading.
func seedObjects() []*source.Object {
	obj := func(apiVersion, kind, ns, name string, labels map[string]any, extra map[string]any) *source.Object {
		md := map[string]any{"name": name, "labels": labels}
		if ns != "" {
			md["namespace"] = ns
		}
		d := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md}
		for k, v := range extra {
			d[k] = v
		}
		return &source.Object{Data: d}
	}
	out := []*source.Object{
		obj("v1", "Namespace", "", "istio-system", map[string]any{"topology.istio.io/network": "network1"}, nil),
		obj("v1", "Namespace", "", "apps", nil, nil),
		obj("v1", "Secret", "apps", "db-password", nil, map[string]any{"stringData": map[string]any{"password": unrelatedToken}}),
		obj("v1", "Secret", "istio-system", "cacerts", nil, map[string]any{"stringData": map[string]any{"ca-key.pem": "k"}}),
		// An application's own secrets that match the selectors: istiod never
		// reads them (not its namespace), so audit must not either.
		obj("v1", "Secret", "apps", "cacerts", nil, map[string]any{"stringData": map[string]any{"ca.crt": unrelatedToken}}),
		obj("v1", "Secret", "apps", "istio-remote-secret-spoof", map[string]any{"istio/multiCluster": "true"}, map[string]any{"stringData": map[string]any{"spoof": unrelatedToken}}),
	}
	for i := range 7 {
		out = append(out, obj("v1", "ConfigMap", "istio-system", fmt.Sprintf("istio-%d", i), map[string]any{"istio.io/rev": "default"}, nil))
		out = append(out, obj("v1", "ConfigMap", "apps", fmt.Sprintf("app-%d", i), nil, map[string]any{"data": map[string]any{"x": unrelatedToken}}))
		out = append(out, obj("v1", "Secret", "istio-system", fmt.Sprintf("istio-remote-secret-c%d", i),
			map[string]any{"istio/multiCluster": "true"}, map[string]any{"stringData": map[string]any{fmt.Sprintf("c%d", i): "not a kubeconfig"}}))
	}
	return out
}

// recording returns a copy of cfg that records the URLs it requests.
func recording(cfg *rest.Config, mu *sync.Mutex, urls *[]*url.URL) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripper(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			*urls = append(*urls, r.URL)
			mu.Unlock()
			return rt.RoundTrip(r)
		})
	}
	return c
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestReadPaginatesAndSelects(t *testing.T) {
	var mu sync.Mutex
	var urls []*url.URL
	target := Target{Name: "live", Config: recording(server.Admin, &mu, &urls)}
	res := Read(t.Context(), []Target{target}, Options{PageSize: 2})[0]
	if res.Partial() {
		t.Fatalf("errors: %v", res.Errors)
	}
	count := map[string]int{}
	for _, o := range res.Input.Objects {
		count[o.Kind()]++
		if o.Namespace() == "apps" && o.Kind() != "Namespace" {
			t.Errorf("read %s apps/%s, which no selector asks for", o.Kind(), o.Name())
		}
	}
	// 7 remote secrets + cacerts; 7 istio.io/rev ConfigMaps; 2 namespaces
	// (kube-system, default and kube-public, kube-node-lease too: all namespaces are listed).
	if count["Secret"] != 8 || count["ConfigMap"] != 7 {
		t.Errorf("read %v", count)
	}
	if !slices.Equal(res.Input.Complete, []string{"Secret"}) {
		t.Errorf("complete = %v, want [Secret]", res.Input.Complete)
	}
	// Page size 2: the 7 remote secrets take 4 requests, the later ones
	// continuing the first; every request is a selected, limited list.
	var remote []url.Values
	for _, u := range urls {
		q := u.Query()
		if q.Get("limit") != "2" {
			t.Errorf("unlimited list: %s", u)
		}
		if strings.HasSuffix(u.Path, "/secrets") && q.Get("labelSelector") == "" && q.Get("fieldSelector") == "" {
			t.Errorf("secrets listed without a selector: %s", u)
		}
		if strings.HasSuffix(u.Path, "/secrets") && !strings.HasSuffix(u.Path, "/namespaces/istio-system/secrets") {
			t.Errorf("secrets listed outside istiod's namespace (istio-system when no istiod is known): %s", u)
		}
		if strings.HasSuffix(u.Path, "/secrets") && q.Get("labelSelector") == "istio/multiCluster=true" {
			remote = append(remote, q)
		}
	}
	if len(remote) != 4 || remote[0].Get("continue") != "" || remote[3].Get("continue") == "" {
		t.Errorf("remote secrets: %d requests %v, want 4 pages", len(remote), remote)
	}
	for _, o := range res.Input.Objects {
		if s := fmt.Sprint(o.Data); strings.Contains(s, unrelatedToken) {
			t.Errorf("unrelated data read: %s %s", o.Kind(), o.Name())
		}
	}
}

func TestReadOptionalAndMissingKinds(t *testing.T) {
	kinds := []inventory.Kind{
		{GVK: schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Absent"}, Resource: "absents", Optional: true},
		{GVK: schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Required"}, Resource: "requireds"},
		{GVK: schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, Resource: "namespaces"},
	}
	res := Read(t.Context(), []Target{{Name: "live", Config: server.Admin}}, Options{Kinds: kinds})[0]
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "requireds.example.com") {
		t.Fatalf("want one error for the required kind, got %v", res.Errors)
	}
	if len(res.Input.Objects) == 0 {
		t.Error("the namespaces were not read after the error")
	}
}

func TestReadForbiddenKind(t *testing.T) {
	// A user with no role at all: every kind is forbidden, each said clearly.
	cfg, err := server.User("nobody", "nobodies")
	if err != nil {
		t.Fatal(err)
	}
	res := Read(t.Context(), []Target{{Name: "live", Config: cfg}}, Options{})[0]
	// Kinds read where readable (Nodes) are skipped, not reported.
	want := 0
	for _, k := range inventory.Kinds() {
		if !k.IfReadable {
			want++
		}
	}
	if len(res.Errors) != want {
		t.Fatalf("want one error per kind but Nodes, got %d (want %d): %v", len(res.Errors), want, res.Errors)
	}
	for _, e := range res.Errors {
		if !strings.Contains(e.Error(), "forbidden") || !strings.Contains(e.Error(), "docs/audit.md") {
			t.Errorf("unclear: %v", e)
		}
		if strings.Contains(e.Error(), "nodes") {
			t.Errorf("a forbidden Node list is not an error: %v", e)
		}
	}
	if len(res.Input.Complete) != 0 {
		t.Errorf("complete = %v after forbidden secrets", res.Input.Complete)
	}
	// 403 on every list: the credentials were accepted, the role is missing.
	if res.Rejected {
		t.Error("a forbidden read counts as a rejected credential")
	}
}

func TestReadTimeoutAndUnreachable(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	defer hang.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	// Credentials the server refuses: one error for the cluster, not one per kind.
	refused := rest.CopyConfig(server.Admin)
	refused.CertData, refused.KeyData, refused.BearerToken = nil, nil, "not-a-token"
	res := Read(t.Context(), []Target{{Name: "refused", Config: refused}}, Options{})
	if len(res[0].Errors) != 1 || !strings.Contains(res[0].Errors[0].Error(), "unauthorized") || !res[0].Rejected {
		t.Errorf("refused: rejected %v, %v", res[0].Rejected, res[0].Errors)
	}
	targets := []Target{
		{Name: "hangs", Config: &rest.Config{Host: hang.URL}},
		{Name: "gone", Config: &rest.Config{Host: closed.URL}},
	}
	var done atomic.Int64
	res = Read(t.Context(), targets, Options{Timeout: 500 * time.Millisecond, Concurrency: 2, Done: func(Result) { done.Add(1) }})
	// A healthy cluster, read with the default timeout, is unaffected.
	res = append(res, Read(t.Context(), []Target{{Name: "live", Config: server.Admin}}, Options{Done: func(Result) { done.Add(1) }})...)
	if len(res[0].Errors) != 1 || !strings.Contains(res[0].Errors[0].Error(), "timed out") {
		t.Errorf("hangs: %v", res[0].Errors)
	}
	if len(res[1].Errors) != 1 || !strings.Contains(res[1].Errors[0].Error(), "unreachable") {
		t.Errorf("gone: %v", res[1].Errors)
	}
	if res[2].Partial() || len(res[2].Input.Objects) == 0 {
		t.Errorf("live was not read: %v", res[2].Errors)
	}
	for _, r := range res {
		if r.Rejected {
			t.Errorf("%s: rejected, but no server refused its credentials", r.Target.Name)
		}
	}
	if done.Load() != 3 {
		t.Errorf("Done called %d times", done.Load())
	}
}

func TestReadNodesWithoutStatus(t *testing.T) {
	node := &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Node",
		"metadata": map[string]any{"name": "worker-1"},
		"spec":     map[string]any{"podCIDR": "10.244.1.0/24", "podCIDRs": []any{"10.244.1.0/24"}},
		"status":   map[string]any{"nodeInfo": map[string]any{"kubeletVersion": "v1.37.2"}},
	}}
	if err := livetest.Seed(t.Context(), server.Admin, []*source.Object{node}); err != nil {
		t.Fatal(err)
	}
	var kinds []inventory.Kind
	for _, k := range inventory.Kinds() {
		if k.GVK.Kind == "Node" {
			kinds = append(kinds, k)
		}
	}
	res := Read(t.Context(), []Target{{Name: "live", Config: server.Admin}}, Options{Kinds: kinds})[0]
	if len(res.Errors) != 0 || len(res.Input.Objects) != 1 {
		t.Fatalf("want the Node, got %d objects, errors %v", len(res.Input.Objects), res.Errors)
	}
	got := res.Input.Objects[0].Data
	if _, ok := got["status"]; ok {
		t.Error("the Node's status was kept")
	}
	if spec, _ := got["spec"].(map[string]any); spec["podCIDR"] != "10.244.1.0/24" {
		t.Errorf("spec = %v", got["spec"])
	}
}
