package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
)

// tlsServer serves h.HTTP() over TLS with HTTP/2, as the API server calls it.
func tlsServer(t *testing.T, h *Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h.HTTP())
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, srv.Client()
}

// post sends body and decodes the AdmissionReview answered.
func post(t *testing.T, c *http.Client, url string, body []byte) (int, *admissionv1.AdmissionReview, error) {
	t.Helper()
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var ar admissionv1.AdmissionReview
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ar); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, &ar, nil
}

// A body larger than the webhook reads is answered 413 with an
// AdmissionReview saying why, over HTTP/2 and HTTP/1.1, and counted.
func TestOversizeBodyIsAnswered(t *testing.T) {
	h := newHandler(t, checkstest.Reviewer(t), fixture(t), DeciderOptions{})
	srv, c := tlsServer(t, h)
	big := append([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"data":"`), bytes.Repeat([]byte("x"), 8<<20)...)
	big = append(big, `"}}}`...)
	for _, proto := range []string{"HTTP/2", "HTTP/1.1"} {
		client := c
		if proto == "HTTP/1.1" {
			tr := c.Transport.(*http.Transport).Clone()
			tr.ForceAttemptHTTP2, tr.TLSNextProto = false, map[string]func(string, *tls.Conn) http.RoundTripper{}
			tr.TLSClientConfig = tr.TLSClientConfig.Clone()
			tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
			client = &http.Client{Transport: tr}
		}
		code, ar, err := post(t, client, srv.URL+Path, big)
		switch {
		case err != nil:
			t.Errorf("%s: 8 MiB body: no answer: %v", proto, err)
		case code != http.StatusRequestEntityTooLarge || ar.Response == nil || ar.Response.Allowed || ar.Response.Result == nil || ar.Response.Result.Code != http.StatusRequestEntityTooLarge:
			t.Errorf("%s: 8 MiB body: HTTP %d, %+v; want 413 with an AdmissionReview saying so", proto, code, ar.Response)
		}
	}
	if n := count(h.Metrics.Requests.WithLabelValues("error", "too-large")); n != 2 {
		t.Errorf("too-large counted %v times, want 2", n)
	}
}

// Bodies that are not AdmissionReviews are answered 400, counted as
// malformed, and logged at debug level only.
func TestMalformedEnvelopesAreCountedNotLoggedAsErrors(t *testing.T) {
	h := newHandler(t, checkstest.Reviewer(t), fixture(t), DeciderOptions{})
	var mu sync.Mutex
	var lines []string
	h.Log = funcr.New(func(prefix, args string) {
		mu.Lock()
		lines = append(lines, prefix+args)
		mu.Unlock()
	}, funcr.Options{Verbosity: 0})
	srv, c := tlsServer(t, h)
	bodies := []string{`not json`, `{"kind":"AdmissionReview"}`, `{"request": 5}`, `[]`}
	for _, b := range bodies {
		code, ar, err := post(t, c, srv.URL+Path, []byte(b))
		if err != nil || code != http.StatusBadRequest || ar.Response == nil || ar.Response.Allowed {
			t.Errorf("%q: HTTP %d, %v, %v; want 400 with an AdmissionReview", b, code, ar, err)
		}
	}
	if n := count(h.Metrics.Requests.WithLabelValues("error", "malformed")); n != float64(len(bodies)) {
		t.Errorf("malformed counted %v times, want %d", n, len(bodies))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) > 0 {
		t.Errorf("malformed bodies logged at the default verbosity: %q", lines)
	}
}

func count(c prometheus.Counter) float64 {
	var m dtoMetric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}

// stuckEngine reviews the cluster before a request at once, and takes
// far past any timeout to review it after, without noticing ctx.
type stuckEngine struct {
	Reviewer
	release chan struct{}
}

func (s *stuckEngine) Review(ctx context.Context, base *checks.Baseline, in []model.ClusterInput, opt checks.ReviewOptions) (*checks.Baseline, error) {
	if base != nil {
		select {
		case <-s.release:
		case <-time.After(20 * time.Second):
		}
	}
	return s.Reviewer.Review(ctx, base, in, opt)
}

// An evaluation that cannot finish before the API server's timeout (the
// timeout parameter of the URL) is answered at the deadline as
// overloaded, with an HTTP error so that the failure policy decides: an
// answer after the timeout is ignored by the API server, and an
// AdmissionReview with allowed false would refuse the request.
func TestEvaluationPastTheTimeoutIsAnsweredAtTheDeadline(t *testing.T) {
	eng := &stuckEngine{Reviewer: checkstest.Reviewer(t), release: make(chan struct{})}
	defer close(eng.release)
	base := fixture(t)
	ns := find(t, base, "Namespace", "istio-system")
	h := newHandler(t, eng, base, DeciderOptions{})
	srv, c := tlsServer(t, h)
	body, err := admissionReview(review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns))
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 2 * time.Second
	start := time.Now()
	code, ar, err := post(t, c, srv.URL+Path+"?timeout="+timeout.String(), body)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusTooManyRequests || ar.Response == nil || ar.Response.Allowed || ar.Response.UID != "uid-1" {
		t.Errorf("HTTP %d, %+v; want 429 (the failure policy decides) with the request's UID", code, ar.Response)
	}
	if elapsed >= timeout {
		t.Errorf("answered after %s, past the API server's timeout of %s", elapsed, timeout)
	}
	if n := count(h.Metrics.Requests.WithLabelValues("error", "overloaded")); n != 1 {
		t.Errorf("overloaded counted %v times, want 1", n)
	}
}

// Without a timeout in the URL, the configured one bounds the answer; a
// state still being built on the informer side is waited for within it.
func TestStateBeingBuiltIsWaitedForWithinTheDeadline(t *testing.T) {
	objs := fixture(t)
	s := NewStore(1)
	for _, o := range objs {
		s.Handler(0).OnAdd(o, true)
	}
	if s.State() == nil {
		t.Fatal("no state")
	}
	block := make(chan struct{})
	s.build = func(gen uint64, objs []*unstructured.Unstructured) *State {
		<-block
		return NewState(gen, objs)
	}
	s.Handler(0).OnUpdate(objs[0], withLabel(objs[0], netLabel, "network2"))
	d, err := NewDecider(checkstest.Reviewer(t), DeciderOptions{Cluster: "east", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{Decider: d, States: s, Metrics: NewMetrics(nil), Log: logr.Discard()}
	ns := find(t, objs, "Namespace", "istio-system")
	resp := h.Handle(t.Context(), review(admissionv1.Update, withLabel(ns, "team", "a"), ns))
	if resp.Allowed || resp.Result == nil || resp.Result.Code != http.StatusTooManyRequests {
		t.Errorf("answer %+v; want overloaded: the state of the cache as it is is not built, and an older one would miss the change", resp.Result)
	}
	close(block)
	if st, err := s.StateContext(context.Background()); err != nil || st.lookup(keyOf(objs[0])) == nil {
		t.Fatalf("state after the build: %v", err)
	}
}

// A change of the cache builds the state and its "before" review on the
// informer side: no request asks for it, and the next request finds it.
func TestStoreBuildsTheStateOnTheInformerSide(t *testing.T) {
	objs := fixture(t)
	s := NewStore(1)
	prepared := make(chan *State, 16)
	s.prepare = func(st *State) { prepared <- st }
	for _, o := range objs {
		s.Handler(0).OnAdd(o, true)
	}
	first := s.State() // the first state, once synced, is asked for
	if got := <-prepared; got != first {
		t.Fatal("the first state was published before it was prepared")
	}
	// A burst of changes: one or more builds, the last for the last change.
	for i := range 5 {
		s.Handler(0).OnUpdate(objs[0], withLabel(objs[0], "team", strings.Repeat("a", i+1)))
	}
	timeout := time.After(20 * time.Second)
	for {
		select {
		case st := <-prepared:
			s.mu.Lock()
			current := st.Generation == s.gen
			s.mu.Unlock()
			if !current {
				continue
			}
			if got := s.State(); got != st {
				t.Errorf("State() = generation %d, want the prepared %d", got.Generation, st.Generation)
			}
			return
		case <-timeout:
			t.Fatal("no state was built after the changes without a request asking for it")
		}
	}
}

// Prepare computes the "before" review: a request then reviews only the
// cluster after it.
func TestPrepareComputesTheReviewBeforeRequests(t *testing.T) {
	eng := &countingReviewer{Reviewer: checkstest.Reviewer(t)}
	base := fixture(t)
	h := newHandler(t, eng, base, DeciderOptions{})
	st := h.States.State()
	h.Decider.Prepare(st)
	if eng.calls != 1 {
		t.Fatalf("Prepare made %d reviews, want 1", eng.calls)
	}
	ns := find(t, base, "Namespace", "istio-system")
	req, err := RequestFrom(review(admissionv1.Update, withLabel(ns, netLabel, "network2"), ns).AdmissionRequest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Decider.Decide(t.Context(), st, req); err != nil {
		t.Fatal(err)
	}
	if eng.calls != 2 {
		t.Errorf("the request made %d reviews, want 1 (after): the review before it was prepared", eng.calls-1)
	}
}
