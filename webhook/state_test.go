package webhook

import (
	"context"
	"fmt"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks/checkstest"
)

func namespace(name string, labels map[string]string) *unstructured.Unstructured {
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName(name)
	ns.SetLabels(labels)
	return ns
}

func TestStateProjection(t *testing.T) {
	objs := fixture(t)
	for i := range 100 {
		l := map[string]string{"istio-injection": "enabled", "team": fmt.Sprint(i)}
		if i%2 == 1 {
			l = map[string]string{"istio.io/rev": "canary"}
		}
		objs = append(objs, namespace(fmt.Sprintf("team-%03d", i), l))
	}
	objs = append(objs, objs[0]) // seen twice, kept once
	reads := checkstest.Engine(t).NamespaceReads()
	st := NewProjectedState(1, objs, reads)
	if st.Len() != 103 {
		t.Errorf("Len = %d, want 103", st.Len())
	}
	got := st.projKeys
	want := "install.istio.io/IstioOperator/istio-system/control-plane networking.istio.io/Gateway/istio-system/cross-network-gateway /Namespace//istio-system /Namespace//team-000 /Namespace//team-001"
	if strings.Join(got, " ") != want {
		t.Errorf("projection\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// Without the engine's word (or with a user's rule), every namespace
	// stands for itself.
	if all := NewState(1, objs); len(all.proj) != 103 {
		t.Errorf("projection of %d objects with every namespace, want 103", len(all.proj))
	}
}

// Namespaces outside the projection are decided like the others.
func TestHandleOutsideProjection(t *testing.T) {
	objs := fixture(t)
	plain := map[string]string{"istio-injection": "enabled"}
	wrong := map[string]string{"istio.io/rev": "1-99-0"}
	objs = append(objs,
		namespace("team-a", plain), namespace("team-b", plain),
		namespace("team-c", wrong), namespace("team-d", wrong))
	ns := func(name string, l map[string]string) *unstructured.Unstructured { return namespace(name, l) }
	tests := []struct {
		name string
		req  admission.Request
		warn string
	}{
		{"label the rules ignore", review(admissionv1.Update, ns("team-b", map[string]string{"istio-injection": "enabled", "owner": "x"}), ns("team-b", plain)), ""},
		{"unknown revision", review(admissionv1.Update, ns("team-b", wrong), ns("team-b", plain)), "CP011: namespace team-b"},
		{"already wrong, still wrong", review(admissionv1.Update, ns("team-d", map[string]string{"istio.io/rev": "1-98-0"}), ns("team-d", wrong)), ""},
		{"new namespace with both labels", review(admissionv1.Create, ns("team-e", map[string]string{"istio-injection": "enabled", "istio.io/rev": "default"}), nil), "CP011: namespace team-e has both"},
		{"delete", review(admissionv1.Delete, nil, ns("team-d", wrong)), ""},
	}
	h := newHandler(t, checkstest.Reviewer(t), objs, DeciderOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := h.Handle(context.Background(), tt.req)
			if !resp.Allowed {
				t.Fatalf("denied: %v", resp.Result)
			}
			switch {
			case tt.warn == "" && len(resp.Warnings) > 0:
				t.Errorf("unexpected warnings %q", resp.Warnings)
			case tt.warn != "" && (len(resp.Warnings) != 1 || !strings.HasPrefix(resp.Warnings[0], tt.warn)):
				t.Errorf("warnings %q, want one starting %q", resp.Warnings, tt.warn)
			}
		})
	}
}
