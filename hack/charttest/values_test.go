package charttest

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/config"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func webhookConfig(t *testing.T, objs []*unstructured.Unstructured) admissionregistrationv1.ValidatingWebhookConfiguration {
	t.Helper()
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	into(t, mustFind(t, objs, "ValidatingWebhookConfiguration", "meshcheck"), &vwc)
	if len(vwc.Webhooks) != 3 {
		t.Fatalf("%d webhooks, want 3", len(vwc.Webhooks))
	}
	return vwc
}

func deployment(t *testing.T, objs []*unstructured.Unstructured) (appsv1.Deployment, corev1.Container) {
	t.Helper()
	var d appsv1.Deployment
	into(t, mustFind(t, objs, "Deployment", "meshcheck-webhook"), &d)
	return d, d.Spec.Template.Spec.Containers[0]
}

func volume(d appsv1.Deployment, name string) *corev1.Volume {
	for i, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == name {
			return &d.Spec.Template.Spec.Volumes[i]
		}
	}
	return nil
}

func mounted(c corev1.Container, name, path string) bool {
	return slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == name && m.MountPath == path })
}

// Each value reaches the objects it is documented to change.
func TestValues(t *testing.T) {
	ca := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	for _, tt := range []struct {
		name, values string
		check        func(t *testing.T, objs []*unstructured.Unstructured)
	}{
		{"failing closed", "enforcement: {failurePolicy: Fail, timeoutSeconds: 5}", func(t *testing.T, objs []*unstructured.Unstructured) {
			for _, w := range webhookConfig(t, objs).Webhooks {
				if *w.FailurePolicy != admissionregistrationv1.Fail || *w.TimeoutSeconds != 5 {
					t.Errorf("%s: failurePolicy %s, timeoutSeconds %d; want Fail, 5", w.Name, *w.FailurePolicy, *w.TimeoutSeconds)
				}
			}
		}},
		{"excluded namespaces", "excludedNamespaces: [team-a, team-b]", func(t *testing.T, objs []*unstructured.Unstructured) {
			for _, w := range webhookConfig(t, objs).Webhooks {
				e := w.NamespaceSelector.MatchExpressions
				if len(e) != 1 || !slices.Equal(e[0].Values, []string{"kube-system", namespace, "team-a", "team-b"}) {
					t.Errorf("%s: namespaceSelector %v", w.Name, e)
				}
			}
			_, c := deployment(t, objs)
			for _, want := range []string{"--exclude-namespace=team-a", "--exclude-namespace=team-b"} {
				if !slices.Contains(c.Args, want) {
					t.Errorf("args %q lack %s", c.Args, want)
				}
			}
		}},
		{"peers", "peers: {fromRemoteSecrets: true, kubeconfigs: [{name: west, secretName: meshcheck-peer-west}, {name: north, secretName: north-kc, key: config}]}", func(t *testing.T, objs []*unstructured.Unstructured) {
			d, c := deployment(t, objs)
			for _, want := range []string{"--peer-kubeconfig=west=/peers/west/kubeconfig", "--peer-kubeconfig=north=/peers/north/config", "--peers-from-remote-secrets"} {
				if !slices.Contains(c.Args, want) {
					t.Errorf("args %q lack %s", c.Args, want)
				}
			}
			for name, secret := range map[string]string{"west": "meshcheck-peer-west", "north": "north-kc"} {
				v := volume(d, "peer-"+name)
				if v == nil || v.Secret == nil || v.Secret.SecretName != secret || !mounted(c, "peer-"+name, "/peers/"+name) {
					t.Errorf("peer %s: volume %+v not the Secret %s mounted at /peers/%s", name, v, secret, name)
				}
			}
		}},
		{"configuration and per-rule enforcement", `
enforcement: {rules: {NW008: warn, CL005: deny}}
config:
  rules: {MS011: {disabled: true}, NW008: {severity: error}}
  exemptions: [{rule: NW001, namespace: istio-system, reason: migration}]`, func(t *testing.T, objs []*unstructured.Unstructured) {
			cm := mustFind(t, objs, "ConfigMap", "meshcheck-webhook-config")
			text, _, _ := unstructured.NestedString(cm.Object, "data", "config.yaml")
			// The file the webhook reads, validated as it validates it.
			cfg, err := config.Parse([]byte(text))
			if err != nil {
				t.Fatalf("the webhook would refuse its configuration: %v\n%s", err, text)
			}
			if cfg.Rules["NW008"].Enforcement != "warn" || cfg.Rules["NW008"].Severity != "error" || cfg.Rules["CL005"].Enforcement != "deny" ||
				!cfg.Rules["MS011"].Disabled || len(cfg.Exemptions) != 1 {
				t.Errorf("configuration %+v from\n%s", cfg, text)
			}
			d, c := deployment(t, objs)
			if !slices.Contains(c.Args, "--config=/etc/meshcheck/config.yaml") || slices.Contains(c.Args, "--no-config") {
				t.Errorf("args %q", c.Args)
			}
			if v := volume(d, "config"); v == nil || v.ConfigMap == nil || v.ConfigMap.Name != "meshcheck-webhook-config" || !mounted(c, "config", "/etc/meshcheck") {
				t.Errorf("config volume %+v", v)
			}
			if d.Spec.Template.Annotations["checksum/config"] == "" {
				t.Error("no checksum/config annotation: a configuration change would not restart the webhook, which reads it once")
			}
		}},
		{"no configuration", "", func(t *testing.T, objs []*unstructured.Unstructured) {
			if cm := find(objs, "ConfigMap", "meshcheck-webhook-config"); cm != nil {
				t.Error("a ConfigMap without configuration")
			}
		}},
		{"self-managed certificate", "certificates: {certManager: {enabled: false}, secretName: my-tls, caBundle: " + ca + "}", func(t *testing.T, objs []*unstructured.Unstructured) {
			vwc := webhookConfig(t, objs)
			for _, w := range vwc.Webhooks {
				if base64.StdEncoding.EncodeToString(w.ClientConfig.CABundle) != ca {
					t.Errorf("%s: caBundle %q", w.Name, w.ClientConfig.CABundle)
				}
			}
			if _, ok := vwc.Annotations["cert-manager.io/inject-ca-from"]; ok {
				t.Error("cainjector annotation without cert-manager")
			}
			d, _ := deployment(t, objs)
			if v := volume(d, "certs"); v == nil || v.Secret.SecretName != "my-tls" {
				t.Errorf("certs volume %+v", v)
			}
			for _, k := range []string{"Issuer", "Certificate"} {
				for _, o := range objs {
					if o.GetKind() == k {
						t.Errorf("%s rendered without cert-manager", key(o))
					}
				}
			}
		}},
		{"cert-manager with an existing issuer", "certificates: {certManager: {issuerRef: {kind: ClusterIssuer, name: corp-ca, group: cert-manager.io}, duration: 2160h}}", func(t *testing.T, objs []*unstructured.Unstructured) {
			if find(objs, "Issuer", "meshcheck-selfsigned") != nil {
				t.Error("self-signed Issuer rendered beside issuerRef")
			}
			cert := mustFind(t, objs, "Certificate", "meshcheck-webhook")
			ref, _, _ := unstructured.NestedStringMap(cert.Object, "spec", "issuerRef")
			if ref["kind"] != "ClusterIssuer" || ref["name"] != "corp-ca" {
				t.Errorf("issuerRef %v", ref)
			}
			if d, _, _ := unstructured.NestedString(cert.Object, "spec", "duration"); d != "2160h" {
				t.Errorf("duration %q", d)
			}
			if got := webhookConfig(t, objs).Annotations["cert-manager.io/inject-ca-from"]; got != namespace+"/meshcheck-webhook" {
				t.Errorf("inject-ca-from %q", got)
			}
		}},
		{"ServiceMonitor off by default", "", func(t *testing.T, objs []*unstructured.Unstructured) {
			for _, o := range objs {
				if o.GetKind() == "ServiceMonitor" {
					t.Errorf("%s rendered by default", key(o))
				}
			}
		}},
		{"ServiceMonitor", "metrics: {serviceMonitor: {enabled: true, interval: 30s, labels: {release: prom}}}", func(t *testing.T, objs []*unstructured.Unstructured) {
			sm := mustFind(t, objs, "ServiceMonitor", "meshcheck-webhook")
			if sm.GetAPIVersion() != "monitoring.coreos.com/v1" || sm.GetLabels()["release"] != "prom" {
				t.Errorf("ServiceMonitor %s with labels %v", sm.GetAPIVersion(), sm.GetLabels())
			}
			var svc corev1.Service
			into(t, mustFind(t, objs, "Service", "meshcheck-webhook"), &svc)
			sel, _, _ := unstructured.NestedStringMap(sm.Object, "spec", "selector", "matchLabels")
			for k, v := range sel {
				if svc.Labels[k] != v {
					t.Errorf("the ServiceMonitor selects %s=%s, which the Service does not carry (%v)", k, v, svc.Labels)
				}
			}
			eps, _, _ := unstructured.NestedSlice(sm.Object, "spec", "endpoints")
			port := eps[0].(map[string]any)["port"]
			if !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == port }) || eps[0].(map[string]any)["interval"] != "30s" {
				t.Errorf("endpoint %v: the Service has no port %v", eps[0], port)
			}
		}},
		{"image", "", func(t *testing.T, objs []*unstructured.Unstructured) {
			if _, c := deployment(t, objs); c.Image != "ghcr.io/meshcheck/meshcheck:"+loadChart(t).Metadata.AppVersion {
				t.Errorf("image %s: the tag is not the chart's appVersion", c.Image)
			}
		}},
		{"image tag and digest", "image: {repository: registry.example.com/meshcheck, tag: v1.2.3, digest: sha256:" + strings.Repeat("ab", 32) + "}", func(t *testing.T, objs []*unstructured.Unstructured) {
			if _, c := deployment(t, objs); c.Image != "registry.example.com/meshcheck@sha256:"+strings.Repeat("ab", 32) {
				t.Errorf("image %s", c.Image)
			}
		}},
		{"replicas, resources, cluster name, report interval", "replicas: 3\nclusterName: east\nreport: {interval: 5m}\nresources: {requests: {cpu: 200m}}", func(t *testing.T, objs []*unstructured.Unstructured) {
			d, c := deployment(t, objs)
			if *d.Spec.Replicas != 3 || c.Resources.Requests.Cpu().String() != "200m" {
				t.Errorf("replicas %d, requests %v", *d.Spec.Replicas, c.Resources.Requests)
			}
			for _, want := range []string{"--cluster-name=east", "--report", "--report-interval=5m"} {
				if !slices.Contains(c.Args, want) {
					t.Errorf("args %q lack %s", c.Args, want)
				}
			}
		}},
		{"report off", "report: {enabled: false}\npodDisruptionBudget: {enabled: false}", func(t *testing.T, objs []*unstructured.Unstructured) {
			if _, c := deployment(t, objs); slices.Contains(c.Args, "--report") {
				t.Errorf("args %q", c.Args)
			}
			for _, o := range objs {
				if strings.HasSuffix(o.GetName(), "-report") || o.GetKind() == "PodDisruptionBudget" {
					t.Errorf("%s rendered", key(o))
				}
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, render(t, values(t, tt.values))) })
	}
}

// values.schema.json refuses values that would render a broken install,
// naming the value.
func TestSchemaRefuses(t *testing.T) {
	ch := loadChart(t)
	for _, tt := range []struct{ values, want string }{
		{"enforcement: {failurePolicy: Sometimes}", "failurePolicy"},
		{"enforcement: {rules: {NW001: block}}", "NW001"},
		{"replicas: two", "replicas"},
		{"replica: 3", "replica"},
		{"excludedNamespaces: [Team_A]", "excludedNamespaces"},
		{"peers: {kubeconfigs: [{name: west}]}", "secretName"},
		{"certificates: {caBundle: 'not base64!'}", "caBundle"},
		{"report: {interval: often}", "interval"},
		{"metrics: {serviceMonitor: {enabled: yes-please}}", "enabled"},
	} {
		_, err := renderChart(ch, values(t, tt.values))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %s", tt.values, err, tt.want)
		}
	}
}

// Helm's linter (helm lint --strict) finds nothing, with the defaults and
// with every optional part on.
func TestLint(t *testing.T) {
	for _, v := range []string{
		"",
		"certificates: {certManager: {enabled: false}, caBundle: Zm9v}\nexcludedNamespaces: [team-a]\npeers: {fromRemoteSecrets: true, kubeconfigs: [{name: west, secretName: w}]}\nmetrics: {serviceMonitor: {enabled: true}}\nenforcement: {rules: {NW008: warn}}",
	} {
		bad, err := Lint(chartDir, values(t, v))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range bad {
			t.Errorf("values %q: %s", v, m.Error())
		}
	}
}

func TestVersions(t *testing.T) {
	for _, tt := range []struct{ in, chart, app string }{
		{"v1.2.3", "1.2.3", "v1.2.3"},
		{"v1.2.3-rc.1", "1.2.3-rc.1", "v1.2.3-rc.1"},
		{"v1.2.3-4-gabc1234-dirty", "1.2.3-4-gabc1234-dirty", "v1.2.3-4-gabc1234-dirty"},
		{"060c6af-dirty", "0.0.0-060c6af-dirty", "060c6af-dirty"},
		{"0601234", "0.0.0-g0601234", "0601234"},
		{"dev", "0.0.0-dev", "dev"},
	} {
		c, a, err := Versions(tt.in)
		if err != nil || c != tt.chart || a != tt.app {
			t.Errorf("Versions(%q) = %q, %q, %v; want %q, %q", tt.in, c, a, err, tt.chart, tt.app)
		}
	}
	if _, _, err := Versions(""); err == nil {
		t.Error("an empty version is accepted")
	}
}
