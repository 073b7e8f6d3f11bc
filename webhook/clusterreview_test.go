package webhook

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/clusterreport"
	"github.com/meshcheck/meshcheck/internal/testenv"
)

var (
	policyReportGVR        = schema.GroupVersionResource{Group: "wgpolicyk8s.io", Version: "v1alpha2", Resource: "policyreports"}
	clusterPolicyReportGVR = schema.GroupVersionResource{Group: "wgpolicyk8s.io", Version: "v1alpha2", Resource: "clusterpolicyreports"}
)

// countingClient counts the writes of one reporter.
type countingClient struct {
	client.Client
	writes *atomic.Int64
}

func (c countingClient) Apply(ctx context.Context, obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
	c.writes.Add(1)
	return c.Client.Apply(ctx, obj, opts...)
}

func (c countingClient) Delete(ctx context.Context, obj client.Object, opts ...client.DeleteOption) error {
	c.writes.Add(1)
	return c.Client.Delete(ctx, obj, opts...)
}

// reportResults are a report's results as policy/result pairs, with a
// check that each has a timestamp and the summary counts them.
func reportResults(t *testing.T, u *unstructured.Unstructured) map[string]string {
	t.Helper()
	out := map[string]string{}
	results, _, _ := unstructured.NestedSlice(u.Object, "results")
	counts := map[string]int64{}
	for _, r := range results {
		m := r.(map[string]any)
		ts, _, _ := unstructured.NestedInt64(m, "timestamp", "seconds")
		if ts == 0 {
			t.Errorf("%s: result %v has no timestamp", u.GetName(), m)
		}
		out[fmt.Sprint(m["policy"])] = fmt.Sprint(m["result"])
		counts[fmt.Sprint(m["result"])]++
	}
	for _, k := range []string{"pass", "fail", "warn", "error", "skip"} {
		n, _, _ := unstructured.NestedInt64(u.Object, "summary", k)
		if n != counts[k] {
			t.Errorf("%s/%s: summary.%s = %d, results %d", u.GetNamespace(), u.GetName(), k, n, counts[k])
		}
	}
	return out
}

// resultTime is the timestamp of policy's first result in u.
func resultTime(u *unstructured.Unstructured, policy string) int64 {
	results, _, _ := unstructured.NestedSlice(u.Object, "results")
	for _, r := range results {
		m := r.(map[string]any)
		if m["policy"] == policy {
			ts, _, _ := unstructured.NestedInt64(m, "timestamp", "seconds")
			return ts
		}
	}
	return 0
}

// reportGauges are the gauges the reports' fail and warn results make.
func reportGauges(reports ...*unstructured.Unstructured) map[string]float64 {
	severity := map[string]string{"high": "error", "medium": "warning", "info": "info"}
	out := map[string]float64{}
	for _, u := range reports {
		results, _, _ := unstructured.NestedSlice(u.Object, "results")
		for _, r := range results {
			m := r.(map[string]any)
			if m["result"] == "fail" || m["result"] == "warn" {
				out[fmt.Sprintf("rule=%s severity=%s ", m["policy"], severity[fmt.Sprint(m["severity"])])]++
			}
		}
	}
	return out
}

func gaugeValues(t *testing.T, g *prometheus.GaugeVec) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(g)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := ""
			for _, l := range m.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			out[key] = m.GetGauge().GetValue()
		}
	}
	return out
}

// TestClusterReportThroughAPIServer runs two reporters on one cluster (its
// own API server, with the real wg-policy CRDs, as deploy/base's service
// account with its RBAC): one leads and writes the
// cluster's findings as PolicyReports, with pass results and timestamps;
// a fixed finding leaves its namespace's report and its rule passes; the
// other replica never writes until the leader goes away.
func TestClusterReportThroughAPIServer(t *testing.T) {
	e := &envtest.Environment{
		BinaryAssetsDirectory: testenv.MustAssets(t),
		CRDInstallOptions:     envtest.CRDInstallOptions{Paths: []string{"../testdata/crds"}, ErrorIfPathMissing: true},
	}
	cfg, err := e.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop() }) // after the watch stops (cleanups run last first)
	c := newAPIClient(t, cfg)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// east on network1 with the system namespace labelled network2 (NW001,
	// on a Namespace: cluster-scoped) and a gateway terminating TLS on the
	// cross-network port (NW008, in istio-system).
	must(c.create(ctx, nsGVR, objects(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system, labels: {topology.istio.io/network: network2}}")[0], false))
	must(c.create(ctx, nsGVR, objects(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: meshcheck-system}")[0], false))
	cm := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio-sidecar-injector, namespace: istio-system, labels: {istio.io/rev: default}}\ndata: {}")[0]
	must(unstructured.SetNestedField(cm.Object, injectorValues, "data", "values"))
	must(c.create(ctx, cmGVR, cm, false))
	must(c.create(ctx, gwGVR, gateway(t, "istio-system", "cross-network-gateway", "AUTO_PASSTHROUGH"), false))
	must(c.create(ctx, gwGVR, gateway(t, "istio-system", "legacy-gw", "SIMPLE"), false))

	// The webhook runs as deploy/base's service account, with its RBAC.
	rbac, err := os.ReadFile("../deploy/base/rbac.yaml")
	must(err)
	for _, u := range objects(t, string(rbac)) {
		gvr := schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: strings.ToLower(u.GetKind()) + "s"}
		must(c.create(ctx, gvr, u, false))
	}
	sa, err := e.AddUser(envtest.User{Name: "system:serviceaccount:meshcheck-system:meshcheck-webhook", Groups: []string{"system:serviceaccounts", "system:authenticated"}}, nil)
	must(err)
	cfg = sa.Config() // c stays the administrator's

	w := startWatch(t, cfg, NewMetrics(nil))
	d, err := NewDecider(checkstest.Reviewer(t), DeciderOptions{Cluster: "east"})
	must(err)
	hc, err := rest.HTTPClientFor(cfg)
	must(err)
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, hc)
	must(err)
	cs, err := kubernetes.NewForConfig(cfg)
	must(err)

	type replica struct {
		writes atomic.Int64
		gauge  *prometheus.GaugeVec
		stop   context.CancelFunc
		done   chan struct{}
	}
	var replicas [2]*replica
	var wg sync.WaitGroup
	for i := range replicas {
		r := &replica{gauge: NewMetrics(nil).Current, done: make(chan struct{})}
		replicas[i] = r
		cl, err := client.New(cfg, client.Options{Scheme: clientgoscheme.Scheme, Mapper: mapper})
		must(err)
		rep := clusterreport.New(&ClusterReview{Decider: d, States: w.Store}, countingClient{cl, &r.writes}, cs.CoordinationV1(), r.gauge, logr.Discard(), ReportOptions{
			Namespace: "meshcheck-system", Identity: fmt.Sprintf("replica-%d", i),
			Settle: 100 * time.Millisecond, LeaseDuration: 2 * time.Second, RenewDeadline: time.Second, RetryPeriod: 100 * time.Millisecond,
		})
		rctx, cancel := context.WithCancel(ctx)
		r.stop = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(r.done)
			_ = rep.Start(rctx)
		}()
	}
	defer func() {
		for _, r := range replicas {
			r.stop()
		}
		wg.Wait()
	}()

	get := func(gvr schema.GroupVersionResource, ns string) *unstructured.Unstructured {
		u, err := c.res(gvr, ns).Get(ctx, clusterreport.ReportName, metav1.GetOptions{})
		if err != nil {
			return nil
		}
		return u
	}
	var nsReport, clusterReport *unstructured.Unstructured
	waitFor(t, "the reports", func() bool {
		nsReport, clusterReport = get(policyReportGVR, "istio-system"), get(clusterPolicyReportGVR, "")
		return nsReport != nil && clusterReport != nil
	})
	if got := reportResults(t, nsReport); len(got) != 1 || got["NW008"] != "fail" {
		t.Errorf("istio-system's PolicyReport: %v, want NW008 fail only", got)
	}
	cluster := reportResults(t, clusterReport)
	if cluster["NW001"] != "fail" || cluster["NW008"] != "" {
		t.Errorf("ClusterPolicyReport: NW001 %q (want fail), NW008 %q (want none: it failed in istio-system)", cluster["NW001"], cluster["NW008"])
	}
	passes := 0
	for _, r := range cluster {
		if r == "pass" {
			passes++
		}
	}
	if passes < 10 {
		t.Errorf("ClusterPolicyReport passes %d rules, want the rules without findings (%v)", passes, cluster)
	}

	// One replica leads and writes, the other writes nothing; the gauges
	// are the leader's.
	leader, follower := replicas[0], replicas[1]
	if leader.writes.Load() == 0 {
		leader, follower = follower, leader
	}
	if follower.writes.Load() != 0 {
		t.Errorf("both replicas wrote (%d and %d writes)", leader.writes.Load(), follower.writes.Load())
	}
	// The leader's gauges count the reports' failures and warnings.
	wantGauges := reportGauges(nsReport, clusterReport)
	if wantGauges["rule=NW001 severity=error "] != 1 || wantGauges["rule=NW008 severity=error "] != 1 {
		t.Errorf("the reports count %v, want NW001 and NW008 once each", wantGauges)
	}
	waitFor(t, "the leader's gauges", func() bool { return fmt.Sprint(gaugeValues(t, leader.gauge)) == fmt.Sprint(wantGauges) })
	if g := gaugeValues(t, follower.gauge); len(g) != 0 {
		t.Errorf("the follower's gauges: %v, want none", g)
	}

	// Fixing the gateway removes istio-system's report (no results left),
	// and NW008 passes in the cluster's.
	fixed := time.Now().Unix()
	must(c.update(ctx, gwGVR, gateway(t, "istio-system", "legacy-gw", "AUTO_PASSTHROUGH"), false))
	waitFor(t, "NW008 to pass", func() bool {
		clusterReport = get(clusterPolicyReportGVR, "")
		return clusterReport != nil && reportResults(t, clusterReport)["NW008"] == "pass" && get(policyReportGVR, "istio-system") == nil
	})
	if ts := resultTime(clusterReport, "NW008"); ts < fixed {
		t.Errorf("NW008's pass is stamped %d, before the fix (%d)", ts, fixed)
	}
	delete(wantGauges, "rule=NW008 severity=error ")
	waitFor(t, "the leader's gauges after the fix", func() bool {
		return fmt.Sprint(gaugeValues(t, leader.gauge)) == fmt.Sprint(wantGauges)
	})
	if follower.writes.Load() != 0 {
		t.Errorf("the follower wrote %d times", follower.writes.Load())
	}

	// The leader goes away (releasing the Lease): the other replica takes
	// over and writes the next change.
	leader.stop()
	<-leader.done
	must(c.update(ctx, nsGVR, objects(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system, labels: {topology.istio.io/network: network1}}")[0], false))
	waitFor(t, "the new leader to report NW001 fixed", func() bool {
		u := get(clusterPolicyReportGVR, "")
		return u != nil && reportResults(t, u)["NW001"] == "pass"
	})
	if follower.writes.Load() == 0 {
		t.Error("the report was updated, but not by the remaining replica")
	}
	waitFor(t, "the former leader's gauges to clear", func() bool { return len(gaugeValues(t, leader.gauge)) == 0 })
}
