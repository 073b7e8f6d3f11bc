package webhook

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// requestsServed is how many admission requests the webhook server has
// answered (its metrics are in controller-runtime's registry).
func requestsServed(t *testing.T) float64 {
	t.Helper()
	mfs, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, mf := range mfs {
		if mf.GetName() == "meshcheck_webhook_requests_total" {
			for _, m := range mf.GetMetric() {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

const injectorValues = `{"profile":"ambient","global":{"network":"network1","meshID":"mesh1","multiCluster":{"clusterName":"east"}}}`

func gateway(t *testing.T, ns, name, mode string) *unstructured.Unstructured {
	return objects(t, `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: `+name+`, namespace: `+ns+`}
spec:
  selector: {istio: eastwestgateway}
  servers:
    - port: {number: 15443, name: tls, protocol: TLS}
      tls: {mode: `+mode+`}
      hosts: ["*.local"]`)[0]
}

// TestAdmissionThroughAPIServer installs deploy/base's
// ValidatingWebhookConfiguration in a real kube-apiserver and shows the
// webhook's decisions as kubectl users see them.
func TestAdmissionThroughAPIServer(t *testing.T) {
	e := apiServer(t)
	c := newAPIClient(t, e.Config)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// The cluster before the webhook runs (failurePolicy Ignore lets these
	// through): east on network1, its istiod, with one pre-existing problem (legacy-gw
	// terminates TLS on 15443) that must not block unrelated changes.
	istioSystem := objects(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system, labels: {topology.istio.io/network: network1}}")[0]
	must(c.create(ctx, nsGVR, istioSystem, false))
	must(c.create(ctx, nsGVR, objects(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: meshcheck-system}")[0], false))
	cm := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio-sidecar-injector, namespace: istio-system, labels: {istio.io/rev: default}}\ndata: {}")[0]
	must(unstructured.SetNestedField(cm.Object, injectorValues, "data", "values"))
	must(c.create(ctx, cmGVR, cm, false))
	// istiod runs here: it reads the remote secrets of istio-system.
	must(c.create(ctx, depGVR, objects(t, istiodDeployment)[0], false))
	must(c.create(ctx, gwGVR, gateway(t, "istio-system", "cross-network-gateway", "AUTO_PASSTHROUGH"), false))
	must(c.create(ctx, gwGVR, gateway(t, "istio-system", "legacy-gw", "SIMPLE"), false))

	stop := startServer(t, e, DeciderOptions{
		Cluster: "east", Exclude: []string{"meshcheck-system", "kube-system"},
		Enforcement: map[string]Enforcement{"CL005": Deny},
	})

	tests := []struct {
		name  string
		apply func() error
		deny  string   // rule code expected in the denial; "" means allowed
		want  []string // more substrings of the denial
		warn  string   // rule code expected in a warning
	}{
		{
			name:  "label contradicting the installed network",
			apply: func() error { return c.update(ctx, nsGVR, withLabel(istioSystem, netLabel, "network2"), false) },
			deny:  "NW001", want: []string{`"network2"`, `"network1"`, "kubectl label namespace istio-system"},
		},
		{
			name:  "same, as a dry run",
			apply: func() error { return c.update(ctx, nsGVR, withLabel(istioSystem, netLabel, "network2"), true) },
			deny:  "NW001",
		},
		{
			name:  "consistent label",
			apply: func() error { return c.update(ctx, nsGVR, withLabel(istioSystem, "team", "mesh"), false) },
		},
		{
			name:  "cross-network gateway terminating TLS on 15443",
			apply: func() error { return c.create(ctx, gwGVR, gateway(t, "istio-system", "new-gw", "ISTIO_MUTUAL"), false) },
			deny:  "NW008", want: []string{"AUTO_PASSTHROUGH"},
		},
		{
			name: "remote secret named after this cluster (CL005, enforcement deny)",
			apply: func() error {
				return c.create(ctx, secGVR, remoteSecret(t, "istio-remote-secret-east", "east", "https://east.example.com"), false)
			},
			deny: "CL005", want: []string{`keyed "east"`},
		},
		{
			name: "remote secret whose kubeconfig istiod cannot use (CL004 error, denied)",
			apply: func() error {
				s := remoteSecret(t, "istio-remote-secret-west", "west", "https://west.example.com")
				kc, _, _ := unstructured.NestedString(s.Object, "stringData", "west")
				must(unstructured.SetNestedField(s.Object, strings.Replace(kc, "token: PLANTED-SECRET-TOKEN", "{}", 1), "stringData", "west"))
				return c.create(ctx, secGVR, s, false)
			},
			deny: "CL004", want: []string{"no credential"},
		},
		{
			name: "warning-severity change reaches the client",
			apply: func() error {
				s := remoteSecret(t, "istio-remote-secret-west", "west", "https://west.example.com")
				must(unstructured.SetNestedField(s.Object, "west-1", "metadata", "annotations", "networking.istio.io/cluster"))
				return c.create(ctx, secGVR, s, false)
			},
			warn: "CL004",
		},
		{
			name: "object in the webhook's own namespace",
			apply: func() error {
				return c.create(ctx, gwGVR, gateway(t, "meshcheck-system", "bad-gw", "ISTIO_MUTUAL"), false)
			},
		},
		{
			name: "reasoned exemption annotation",
			apply: func() error {
				gw := withAnnotation(gateway(t, "istio-system", "exempt-gw", "ISTIO_MUTUAL"), "ignore-check.meshcheck.io/NW008", "terminating on purpose for the migration")
				return c.create(ctx, gwGVR, gw, false)
			},
		},
		{
			name: "change that does not make an already broken cluster worse",
			apply: func() error {
				return c.update(ctx, gwGVR, withAnnotation(gateway(t, "istio-system", "legacy-gw", "SIMPLE"), "owner", "netops"), false)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.warn.take()
			err := tt.apply()
			switch {
			case tt.deny == "" && err != nil:
				t.Fatalf("want allowed, got %v", err)
			case tt.deny != "" && !denied(err, tt.deny):
				t.Fatalf("want denied with %s, got %v", tt.deny, err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("denial does not contain %q:\n%v", s, err)
				}
			}
			ws := c.warn.take()
			t.Logf("error: %v; warnings: %q", err, ws)
			if tt.warn != "" && !strings.Contains(strings.Join(ws, "\n"), tt.warn+":") {
				t.Errorf("warnings %q do not contain %s", ws, tt.warn)
			}
			if tt.warn == "" && len(ws) > 0 {
				t.Errorf("unexpected warnings %q", ws)
			}
		})
	}

	// The match conditions send each kind only with the labels the cache
	// selects it on: an injected workload's istio.io/rev does not send a
	// Service, a network label does not send a ConfigMap.
	t.Run("only what the cache selects reaches the webhook", func(t *testing.T) {
		svcGVR := schema.GroupVersionResource{Version: "v1", Resource: "services"}
		for _, tc := range []struct {
			gvr  schema.GroupVersionResource
			yaml string
			sent bool
		}{
			{svcGVR, "apiVersion: v1\nkind: Service\nmetadata: {name: app, namespace: istio-system, labels: {istio.io/rev: default}}\nspec: {ports: [{port: 80}]}", false},
			{cmGVR, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: istio-system, labels: {topology.istio.io/network: network1}}", false},
			{cmGVR, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: values, namespace: istio-system, labels: {istio.io/rev: default}}", true},
			{svcGVR, "apiVersion: v1\nkind: Service\nmetadata: {name: eastwest, namespace: istio-system, labels: {topology.istio.io/network: network1}}\nspec: {ports: [{port: 15443}]}", true},
		} {
			before := requestsServed(t)
			must(c.create(ctx, tc.gvr, objects(t, tc.yaml)[0], false))
			if sent := requestsServed(t) > before; sent != tc.sent {
				t.Errorf("sent = %v, want %v:\n%s", sent, tc.sent, tc.yaml)
			}
		}
	})

	wo := e.WebhookInstallOptions
	t.Run("TLS 1.2 minimum", func(t *testing.T) { checkTLS(t, wo.LocalServingHost, wo.LocalServingPort) })
	t.Run("certificate reloaded when the files change", func(t *testing.T) {
		checkCertReload(t, wo.LocalServingCertDir, wo.LocalServingHost, wo.LocalServingPort)
	})

	t.Run("webhook stopped: failurePolicy Ignore lets requests through", func(t *testing.T) {
		stop()
		if err := c.create(ctx, gwGVR, gateway(t, "istio-system", "while-down", "ISTIO_MUTUAL"), false); err != nil {
			t.Fatalf("want allowed while the webhook is down, got %v", err)
		}
	})
}
