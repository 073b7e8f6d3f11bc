package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
)

// objects parses a multi-document YAML string.
func objects(t testing.TB, docs string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range strings.Split(docs, "\n---\n") {
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(d), &m); err != nil {
			t.Fatalf("parse %q: %v", d, err)
		}
		if len(m) == 0 {
			continue
		}
		b, _ := json.Marshal(m)
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

func fixture(t testing.TB) []*unstructured.Unstructured {
	t.Helper()
	b, err := os.ReadFile("testdata/cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return objects(t, string(b))
}

// find returns a copy of the fixture object of kind and name.
func find(t testing.TB, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o.DeepCopy()
		}
	}
	t.Fatalf("no %s %s in fixture", kind, name)
	return nil
}

// review builds the admission request for op on obj (old for UPDATE/DELETE).
func review(op admissionv1.Operation, obj, old *unstructured.Unstructured) admission.Request {
	ref := obj
	if ref == nil {
		ref = old
	}
	gvk := ref.GroupVersionKind()
	r := admissionv1.AdmissionRequest{
		UID: "uid-1", Operation: op,
		Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
		Namespace: ref.GetNamespace(), Name: ref.GetName(),
	}
	if gvk.Group == "" && gvk.Kind == "Namespace" {
		r.Namespace = ref.GetName() // as the API server sends a Namespace
	}
	if obj != nil {
		b, _ := obj.MarshalJSON()
		r.Object = runtime.RawExtension{Raw: b}
	}
	if old != nil {
		b, _ := old.MarshalJSON()
		r.OldObject = runtime.RawExtension{Raw: b}
	}
	return admission.Request{AdmissionRequest: r}
}

type fixedState struct{ st *State }

func (f fixedState) State() *State { return f.st }

func newHandler(t testing.TB, eng Reviewer, objs []*unstructured.Unstructured, opt DeciderOptions) *Handler {
	t.Helper()
	if opt.Cluster == "" {
		opt.Cluster = "east"
	}
	if opt.Exclude == nil {
		opt.Exclude = []string{"kube-system", "meshcheck-system"}
	}
	d, err := NewDecider(eng, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &Handler{Decider: d, States: fixedState{d.NewState(1, objs)}, Metrics: NewMetrics(nil)}
}

func withLabel(u *unstructured.Unstructured, k, v string) *unstructured.Unstructured {
	u = u.DeepCopy()
	l := u.GetLabels()
	if l == nil {
		l = map[string]string{}
	}
	l[k] = v
	u.SetLabels(l)
	return u
}

func withAnnotation(u *unstructured.Unstructured, k, v string) *unstructured.Unstructured {
	u = u.DeepCopy()
	a := u.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[k] = v
	u.SetAnnotations(a)
	return u
}

func withTLSMode(t testing.TB, u *unstructured.Unstructured, mode string) *unstructured.Unstructured {
	u = u.DeepCopy()
	servers, _, _ := unstructured.NestedSlice(u.Object, "spec", "servers")
	s := servers[0].(map[string]any)
	s["tls"] = map[string]any{"mode": mode}
	if err := unstructured.SetNestedSlice(u.Object, servers, "spec", "servers"); err != nil {
		t.Fatal(err)
	}
	return u
}

const netLabel = "topology.istio.io/network"

// remoteSecret is a remote secret keyed key whose kubeconfig reaches server.
func remoteSecret(t testing.TB, name, key, server string) *unstructured.Unstructured {
	kc := "apiVersion: v1\nkind: Config\ncurrent-context: " + key + "\nclusters:\n- name: " + key +
		"\n  cluster:\n    server: " + server + "\ncontexts:\n- name: " + key + "\n  context:\n    cluster: " + key +
		"\n    user: " + key + "\nusers:\n- name: " + key + "\n  user:\n    token: PLANTED-SECRET-TOKEN\n"
	return objects(t, `apiVersion: v1
kind: Secret
metadata:
  name: `+name+`
  namespace: istio-system
  labels: {istio/multiCluster: "true"}
  annotations: {networking.istio.io/cluster: `+key+`}
stringData:
  `+key+`: |
`+indent(kc, "    "))[0]
}

func indent(s, p string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return p + strings.Join(lines, "\n"+p) + "\n"
}

type failingEngine struct{}

func (failingEngine) Review(context.Context, *checks.Baseline, []model.ClusterInput, checks.ReviewOptions) (*checks.Baseline, error) {
	return nil, errors.New("engine exploded")
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// TestDecideReevaluatesOnlyTheRulesARequestCanAffect: a label no rule reads
// re-evaluates no rule and is allowed; a network change re-evaluates the
// rules that read networks, not all of them, and is still denied.
func TestDecideReevaluatesOnlyTheRulesARequestCanAffect(t *testing.T) {
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	eng := checkstest.Reviewer(t)
	h := newHandler(t, eng, base, DeciderOptions{})
	st := h.States.State()
	decide := func(obj *unstructured.Unstructured) Decision {
		req, err := RequestFrom(review(admissionv1.Update, obj, ns).AdmissionRequest)
		if err != nil {
			t.Fatal(err)
		}
		d, err := h.Decider.Decide(t.Context(), st, req)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := decide(withLabel(ns, "team", "mesh")); !d.Allowed || d.Outcome != Evaluated || d.Rules != 0 {
		t.Errorf("label no rule reads: allowed=%v outcome=%s rules=%d, want allowed, evaluated, 0 rules", d.Allowed, d.Outcome, d.Rules)
	}
	d := decide(withLabel(ns, netLabel, "network2"))
	if d.Allowed || !slices.ContainsFunc(d.Denied, func(f checks.Finding) bool { return f.Rule == "NW001" }) {
		t.Errorf("network change: allowed=%v denied=%v, want NW001 to deny", d.Allowed, d.Denied)
	}
	all := len(eng.Rules())
	if d.Rules == 0 || d.Rules >= all {
		t.Errorf("network change re-evaluated %d of %d rules, want some but not all", d.Rules, all)
	}
	t.Logf("a network change re-evaluates %d of %d rules", d.Rules, all)
}

// countingReviewer counts the reviews a decision asks for.
type countingReviewer struct {
	Reviewer
	calls int
}

func (c *countingReviewer) NamespaceReads() checks.NamespaceReads {
	return c.Reviewer.(namespaceReader).NamespaceReads()
}

func (c *countingReviewer) Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error) {
	c.calls++
	return c.Reviewer.Review(ctx, base, in, opt)
}

// Namespaces outside the projection (all but one of each kind): a change
// the rules cannot tell is answered before waiting for a CPU, and a new one
// is reviewed once (after), not also as an empty "before".
func TestNamespacesOutsideTheProjection(t *testing.T) {
	objs := bigCluster(t, 40)
	eng := &countingReviewer{Reviewer: checkstest.Reviewer(t)}
	h := newHandler(t, eng, objs, DeciderOptions{MaxWait: time.Millisecond})
	st := h.States.State()
	var outside *unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "Namespace" && !st.inProj[keyOf(o)] {
			outside = o
			break
		}
	}
	if outside == nil {
		t.Fatal("every namespace is in the projection")
	}
	decide := func(op admissionv1.Operation, obj, old *unstructured.Unstructured) (Decision, error) {
		req, err := RequestFrom(review(op, obj, old).AdmissionRequest)
		if err != nil {
			t.Fatal(err)
		}
		return h.Decider.Decide(t.Context(), st, req)
	}
	for range cap(h.Decider.slots) { // every CPU busy
		h.Decider.slots <- struct{}{}
	}
	if d, err := decide(admissionv1.Update, withLabel(outside, "team", "web"), outside); err != nil || d.Outcome != Ignored {
		t.Errorf("a label no rule reads, CPUs busy: %+v, %v; want ignored without waiting", d, err)
	}
	if _, err := decide(admissionv1.Update, withLabel(outside, "istio-injection", "disabled"), outside); !errors.Is(err, ErrOverloaded) {
		t.Errorf("an injection change, CPUs busy: %v; want it to wait for a CPU", err)
	}
	for range cap(h.Decider.slots) {
		<-h.Decider.slots
	}
	if _, err := decide(admissionv1.Update, withLabel(outside, "istio-injection", "disabled"), outside); err != nil {
		t.Fatal(err)
	}
	eng.calls = 0
	created := withLabel(outside, "istio-injection", "enabled")
	created.SetName("brand-new")
	if d, err := decide(admissionv1.Create, created, nil); err != nil || d.Outcome != Evaluated || eng.calls != 1 {
		t.Errorf("a new namespace: %+v, %v, %d reviews; want evaluated with 1 review", d, err, eng.calls)
	}
}
