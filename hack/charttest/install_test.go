package charttest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	release "helm.sh/helm/v4/pkg/release/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// assets are the kube-apiserver and etcd `make envtest-bins` builds
// (KUBEBUILDER_ASSETS, which make exports, or bin/k8s/current). Missing
// binaries fail the test and say how to build them.
func assets(t *testing.T) string {
	t.Helper()
	if a := os.Getenv("KUBEBUILDER_ASSETS"); a != "" {
		return a
	}
	bin := filepath.Join(root, "bin", "k8s")
	current, err := os.ReadFile(filepath.Join(bin, "current"))
	if err != nil {
		t.Fatalf("no envtest binaries in %s: run make envtest-bins", bin)
	}
	dir, _ := filepath.Abs(filepath.Join(bin, strings.TrimSpace(string(current))))
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			t.Fatalf("%s missing in %s: run make envtest-bins", b, dir)
		}
	}
	return dir
}

// buildMeshcheck builds meshcheck and meshcheck-webhook, side by side as in
// the image, from the working tree.
func buildMeshcheck(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./cmd/meshcheck", "./cmd/meshcheck-webhook")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "meshcheck")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// warnings collects the admission warnings the API server returns.
type warnings struct {
	mu   sync.Mutex
	text []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.text = append(w.text, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.text
	w.text = nil
	return t
}

var gatewayGVR = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "gateways"}

func gateway(name, mode string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1", "kind": "Gateway",
		"metadata": map[string]any{"name": name, "namespace": "istio-system"},
		"spec": map[string]any{
			"selector": map[string]any{"istio": "eastwestgateway"},
			"servers": []any{map[string]any{
				"port":  map[string]any{"number": int64(15443), "name": "tls", "protocol": "TLS"},
				"tls":   map[string]any{"mode": mode},
				"hosts": []any{"*.local"},
			}},
		},
	}}
}

// TestInstall installs the chart with the Helm SDK into a real
// kube-apiserver, runs meshcheck out of cluster with the args, environment
// and configuration the chart's Deployment gives the container, points the
// chart's ValidatingWebhookConfiguration (its rules, matchConditions,
// namespaceSelector and the caBundle given as a value) at it, and shows the
// API server refusing one change, admitting another, and applying the
// per-rule enforcement set in the chart's values.
func TestInstall(t *testing.T) {
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets(t),
		CRDInstallOptions:     envtest.CRDInstallOptions{Paths: []string{filepath.Join(root, "webhook", "testdata", "crds")}, ErrorIfPathMissing: true},
	}
	if _, err := env.Start(); err != nil {
		t.Fatalf("start envtest: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	wo := env.WebhookInstallOptions
	user, err := env.AddUser(envtest.User{Name: "meshcheck", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		t.Fatal(err)
	}
	var warned warnings
	rc := rest.CopyConfig(env.Config)
	rc.WarningHandler = &warned
	cs := kubernetes.NewForConfigOrDie(rc)
	dyn := dynamic.NewForConfigOrDie(rc)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// The cluster: east on network1, with its cross-network gateway.
	istioSystem := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "istio-system", Labels: map[string]string{"topology.istio.io/network": "network1"}}}
	_, err = cs.CoreV1().Namespaces().Create(ctx, istioSystem, metav1.CreateOptions{})
	must(err)
	_, err = cs.CoreV1().ConfigMaps("istio-system").Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "istio-sidecar-injector", Labels: map[string]string{"istio.io/rev": "default"}},
		Data:       map[string]string{"values": `{"profile":"ambient","global":{"network":"network1","meshID":"mesh1","multiCluster":{"clusterName":"east"}}}`},
	}, metav1.CreateOptions{})
	must(err)
	_, err = dyn.Resource(gatewayGVR).Namespace("istio-system").Create(ctx, gateway("cross-network-gateway", "AUTO_PASSTHROUGH"), metav1.CreateOptions{})
	must(err)

	// helm install meshcheck deploy/chart/meshcheck -n meshcheck-system --create-namespace,
	// with a self-managed certificate: envtest's serving CA as caBundle.
	cfg := action.NewConfiguration()
	ns := namespace
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Namespace = &kubeconfig, &ns
	must(cfg.Init(flags, namespace, "secret"))
	in := action.NewInstall(cfg)
	in.ReleaseName, in.Namespace, in.CreateNamespace = releaseName, namespace, true
	in.WaitStrategy, in.Timeout = kube.HookOnlyStrategy, time.Minute // no pods run in envtest
	vals := values(t, `
clusterName: east
excludedNamespaces: [team-x]
enforcement: {rules: {NW008: warn}}
certificates:
  certManager: {enabled: false}
  caBundle: `+base64.StdEncoding.EncodeToString(wo.LocalServingCAData))
	r, err := in.RunWithContext(ctx, loadChart(t), vals)
	if err != nil {
		t.Fatalf("helm install: %v", err)
	}
	if rel := r.(*release.Release); rel.Info.Status != "deployed" {
		t.Fatalf("release %s", rel.Info.Status)
	}

	// The webhook configuration as the chart installed it, its calls sent to
	// the local server instead of the Service (no pod runs in envtest).
	vwc, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, "meshcheck", metav1.GetOptions{})
	must(err)
	if vwc.Labels["app.kubernetes.io/managed-by"] != "Helm" {
		t.Fatalf("ValidatingWebhookConfiguration meshcheck is not the chart's: labels %v", vwc.Labels)
	}
	url := fmt.Sprintf("https://%s/validate", net.JoinHostPort(wo.LocalServingHost, strconv.Itoa(wo.LocalServingPort)))
	for i := range vwc.Webhooks {
		w := &vwc.Webhooks[i]
		if !bytes.Equal(w.ClientConfig.CABundle, wo.LocalServingCAData) {
			t.Fatalf("%s: the caBundle is not the one given as a value", w.Name)
		}
		if w.ClientConfig.Service == nil || w.ClientConfig.Service.Name != "meshcheck-webhook" || w.ClientConfig.Service.Namespace != namespace {
			t.Fatalf("%s: clientConfig %+v does not name the chart's Service", w.Name, w.ClientConfig)
		}
		w.ClientConfig.Service, w.ClientConfig.URL = nil, &url
	}
	_, err = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Update(ctx, vwc, metav1.UpdateOptions{})
	must(err)

	// The container as the chart's Deployment runs it, and its configuration
	// from the chart's ConfigMap.
	dep, err := cs.AppsV1().Deployments(namespace).Get(ctx, "meshcheck-webhook", metav1.GetOptions{})
	must(err)
	c := dep.Spec.Template.Spec.Containers[0]
	cm, err := cs.CoreV1().ConfigMaps(namespace).Get(ctx, "meshcheck-webhook-config", metav1.GetOptions{})
	must(err)
	confDir := t.TempDir()
	must(os.WriteFile(filepath.Join(confDir, "config.yaml"), []byte(cm.Data["config.yaml"]), 0o600))
	args := slices.Clone(c.Args)
	for i, a := range args {
		switch {
		case a == "--cert-dir=/certs":
			args[i] = "--cert-dir=" + wo.LocalServingCertDir
		case a == "--config=/etc/meshcheck/config.yaml":
			args[i] = "--config=" + filepath.Join(confDir, "config.yaml")
		}
	}
	probes := freeAddr(t)
	args = append(args, "--kubeconfig", kubeconfig, "--host", wo.LocalServingHost, "--port", strconv.Itoa(wo.LocalServingPort),
		"--metrics-bind-address", "0", "--health-probe-bind-address", probes)
	if len(c.Env) != 1 || c.Env[0].Name != "POD_NAMESPACE" || c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.namespace" {
		t.Fatalf("container env %+v", c.Env)
	}
	server := exec.Command(buildMeshcheck(t), args...)
	server.Env = append(os.Environ(), "POD_NAMESPACE="+dep.Namespace)
	var stderr syncBuffer
	server.Stderr = &stderr
	must(server.Start())
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	t.Cleanup(func() {
		_ = server.Process.Signal(os.Interrupt)
		if err := <-exited; err != nil {
			t.Errorf("meshcheck serve %q: %v\n%s", args, err, stderr.String())
		}
	})
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 90*time.Second, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-exited:
			exited <- err
			return false, fmt.Errorf("exited: %v", err)
		default:
		}
		resp, err := http.Get("http://" + probes + "/readyz")
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		t.Fatalf("meshcheck serve %q never became ready: %v\n%s", args, err, stderr.String())
	}

	relabel := func(k, v string, dryRun bool) error {
		ns, err := cs.CoreV1().Namespaces().Get(ctx, "istio-system", metav1.GetOptions{})
		if err != nil {
			return err
		}
		ns.Labels[k] = v
		o := metav1.UpdateOptions{}
		if dryRun {
			o.DryRun = []string{metav1.DryRunAll}
		}
		_, err = cs.CoreV1().Namespaces().Update(ctx, ns, o)
		return err
	}
	// The API server reads webhook configurations from its informer: wait
	// (with dry runs, which change nothing) until it calls the webhook.
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		return relabel("topology.istio.io/network", "network2", true) != nil, nil
	}); err != nil {
		t.Fatalf("the API server never refused the network change:\n%s", stderr.String())
	}

	// Refused: the system namespace's network contradicts the installed one.
	err = relabel("topology.istio.io/network", "network2", false)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `admission webhook "istio.meshcheck.io" denied the request`) || !strings.Contains(err.Error(), "NW001") {
		t.Errorf("network change: %v; want a denial by istio.meshcheck.io for NW001", err)
	}
	// Admitted: a label no rule objects to.
	if err := relabel("team", "mesh", false); err != nil {
		t.Errorf("unrelated label: %v; want it admitted", err)
	}
	// The chart's enforcement.rules: NW008 (error severity, denied by
	// default) only warns.
	warned.take()
	if _, err := dyn.Resource(gatewayGVR).Namespace("istio-system").Create(ctx, gateway("new-gw", "ISTIO_MUTUAL"), metav1.CreateOptions{}); err != nil {
		t.Errorf("gateway terminating TLS on 15443: %v; want it admitted with a warning (enforcement.rules NW008: warn)", err)
	}
	if w := warned.take(); !slices.ContainsFunc(w, func(s string) bool { return strings.Contains(s, "NW008") }) {
		t.Errorf("warnings %q lack NW008", w)
	}
	if t.Failed() {
		t.Logf("meshcheck serve %q:\n%s", args, stderr.String())
	}
}
