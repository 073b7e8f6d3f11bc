package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/source"
)

// readTF writes files (main.tf among them) into a directory and reads
// main.tf; positions and notes name files relative to that directory.
func readTF(t *testing.T, files map[string]string) ([]*source.Object, []*source.Error) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	main := filepath.Join(dir, "main.tf")
	objs, errs := Read(main, []byte(files["main.tf"]), source.Limits{})
	for _, o := range objs {
		o.Origin.File = rel(dir, o.Origin.File)
	}
	for _, e := range errs {
		e.File = rel(dir, e.File)
	}
	return objs, errs
}

func rel(dir, p string) string {
	r, err := filepath.Rel(dir, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// loc returns "file:line:col" of the first occurrence of s in text.
func loc(file, text, s string) string {
	i := strings.Index(text, s)
	if i < 0 {
		return "<" + s + " not in " + file + ">"
	}
	line := strings.Count(text[:i], "\n") + 1
	col := i - strings.LastIndex(text[:i], "\n")
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// lineOf returns "file:line" of the first occurrence of s in text.
func lineOf(file, text, s string) string {
	l := loc(file, text, s)
	return l[:strings.LastIndex(l, ":")]
}

// at returns "value@file:line:col" of path in o.
func at(o *source.Object, path string) string {
	v, ok := o.Get(path)
	if !ok {
		return "<absent>"
	}
	line, col := o.Position(path)
	if col == 0 {
		return fmt.Sprintf("%v@%s:%d", v, o.Origin.File, line)
	}
	return fmt.Sprintf("%v@%s:%d:%d", v, o.Origin.File, line, col)
}

func notes(errs []*source.Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// Modelled on the istiod release of nulljunkie/o11y-stack-with-istio
// (terraform/modules/infra/istio/istiod/main.tf, yamlencode values), the set
// blocks of aws-ia/terraform-aws-eks-blueprints (patterns/istio-multi-cluster/
// 2.cluster2/main.tf) and the values file of a users' module ("values =
// [file("${path.module}/values/istiod.yaml")]").
const istiodTF = `locals {
  network = "network1"
}

resource "helm_release" "istiod" {
  name       = "istiod"
  repository = "https://istio-release.storage.googleapis.com/charts"
  chart      = "istiod"
  namespace  = "istio-system"

  values = [
    yamlencode({
      global = {
        meshID = "mesh1"
        multiCluster = {
          clusterName = "cluster1"
        }
        network = local.network
      }
    }),
    file("${path.module}/values/istiod.yaml"),
    <<-EOT
    pilot:
      env:
        PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION: "true"
    EOT
    ,
    templatefile("${path.module}/values/mesh.yaml.tpl", { trust_domain = "cluster.local" }),
  ]

  set {
    name  = "meshConfig.accessLogFile"
    value = "/dev/stdout"
  }

  set {
    name  = "pilot.replicaCount"
    value = 2
  }
}
`

const istiodValuesYAML = `global:
  logging:
    level: default:info
`

const meshTemplate = `meshConfig:
  trustDomain: ${trust_domain}
`

// Each value of a release is located where it is written: in the .tf file
// for yamlencode, heredocs and set, in the values file or template for
// file() and templatefile(); set entries come first (the last written
// first), then the values entries from the last, as Helm applies them.
func TestHelmReleaseValuesAreLocated(t *testing.T) {
	objs, errs := readTF(t, map[string]string{"main.tf": istiodTF, "values/istiod.yaml": istiodValuesYAML, "values/mesh.yaml.tpl": meshTemplate})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", notes(errs))
	}
	var got []string
	for _, o := range objs {
		var vals []string
		for _, p := range []string{"pilot.replicaCount", "meshConfig.accessLogFile", "meshConfig.trustDomain", "pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION", "global.logging.level", "global.network", "global.meshID", "global.multiCluster.clusterName"} {
			if _, ok := o.Get(p); ok {
				a := at(o, p)
				if strings.HasSuffix(o.Origin.File, ".tpl") {
					a = a[:strings.LastIndex(a, ":")] // columns of a rendered template
				}
				vals = append(vals, p+"="+a)
			}
		}
		got = append(got, strings.Join(vals, " "))
	}
	want := []string{
		"pilot.replicaCount=2@" + loc("main.tf", istiodTF, "2\n"),
		"meshConfig.accessLogFile=/dev/stdout@" + loc("main.tf", istiodTF, `"/dev/stdout"`),
		"meshConfig.trustDomain=cluster.local@" + lineOf("values/mesh.yaml.tpl", meshTemplate, "trustDomain"),
		// A flush heredoc's lines and columns are the file's.
		"pilot.env.PILOT_ENABLE_WORKLOAD_ENTRY_AUTOREGISTRATION=true@" + loc("main.tf", istiodTF, `"true"`),
		"global.logging.level=default:info@" + loc("values/istiod.yaml", istiodValuesYAML, "default:info"),
		"global.network=network1@" + loc("main.tf", istiodTF, "local.network") +
			" global.meshID=mesh1@" + loc("main.tf", istiodTF, `"mesh1"`) +
			" global.multiCluster.clusterName=cluster1@" + loc("main.tf", istiodTF, `"cluster1"`),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	// set --set typing: "2" is a number, as Helm's strvals reads it.
	if v, _ := objs[0].Get("pilot.replicaCount"); v != int64(2) {
		t.Errorf("pilot.replicaCount = %#v, want int64 2", v)
	}
}

// Variables, module outputs, data sources, other resources' attributes and
// functions meshcheck does not run are left out, each with a note at its
// file:line; nothing like "${var.x}" is ever kept as a value.
func TestUnknownsAreNoted(t *testing.T) {
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/2.cluster2/main.tf (cluster_name =
	// var.name) and users' merge() of values.
	tf := `locals {
  cluster_name = var.name
}

resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  values = [
    yamlencode({
      global = {
        meshID  = module.mesh.id
        network = "${var.prefix}-network"
        multiCluster = { clusterName = local.cluster_name }
        proxy = { resources = merge(local.a, local.b) }
        istioNamespace = data.kubernetes_namespace.istio.metadata[0].name
        tracer = var.tracing ? "zipkin" : "none"
      }
      pilot = { env = { FOO = "bar" }, tolerations = ["a", var.t] }
    }),
    templatefile("values.tpl", { network = var.network }),
    var.extra_values,
  ]
  set {
    name  = "global.hub"
    value = var.hub
  }
}

resource "kubernetes_namespace" "ns" {
  for_each = var.namespaces
  metadata {
    name = each.key
  }
}
`
	tpl := "global:\n  network: ${network}\n  meshID: mesh1\n"
	objs, errs := readTF(t, map[string]string{"main.tf": tf, "values.tpl": tpl})
	var data []string
	for _, o := range objs {
		data = append(data, fmt.Sprint(o.Data))
	}
	want := []string{
		"map[global:map[meshID:mesh1]]",
		"map[global:map[multiCluster:map[] proxy:map[]] pilot:map[env:map[FOO:bar]]]",
	}
	if diff := cmp.Diff(want, data); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	wantNotes := []string{
		loc("main.tf", tf, "module.mesh.id") + ": not evaluated: helm_release.istiod values[0]: global.meshID: module.mesh.id is a module output",
		loc("main.tf", tf, `"${var.prefix}`) + ": not evaluated: helm_release.istiod values[0]: global.network: var.prefix is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "local.cluster_name }") + ": not evaluated: helm_release.istiod values[0]: global.multiCluster.clusterName: var.name is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "merge(") + ": not evaluated: helm_release.istiod values[0]: global.proxy.resources: it calls merge(), which meshcheck does not evaluate",
		loc("main.tf", tf, "data.kubernetes") + `: not evaluated: helm_release.istiod values[0]: global.istioNamespace: data.kubernetes_namespace.istio.metadata[0].name is a data source (read where Terraform runs)`,
		loc("main.tf", tf, "var.tracing") + ": not evaluated: helm_release.istiod values[0]: global.tracer: a conditional expression, which meshcheck does not evaluate",
		loc("main.tf", tf, `["a"`) + ": not evaluated: helm_release.istiod values[0]: pilot.tolerations: var.t is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "var.extra_values") + ": not evaluated: helm_release.istiod values[2]: var.extra_values is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "var.hub") + ": not evaluated: helm_release.istiod: set global.hub: var.hub is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "var.namespaces") + ": not evaluated: kubernetes_namespace.ns: for_each: var.namespaces is a variable (its value is given where Terraform runs); its instances are not read",
		loc("values.tpl", tpl, "${network}") + ": not evaluated: helm_release.istiod values[1]: global.network: var.network is a variable (its value is given where Terraform runs)",
	}
	if diff := cmp.Diff(wantNotes, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	for _, e := range errs {
		if !isNote(e) {
			t.Errorf("%v is an input error, want a note (source.ErrNotEvaluated)", e)
		}
	}
	for _, o := range objs {
		if s := fmt.Sprint(o.Data); strings.Contains(s, "${") || strings.Contains(s, "var.") || strings.Contains(s, holePrefix) {
			t.Errorf("an unknown kept as a value: %s", s)
		}
	}
}

// The gateway chart names its objects after the release unless values name
// them (gitops.ChartValues, as for Argo CD and Flux); an unknown release
// name is noted, not guessed. base, cni and ztunnel give no values.
func TestGatewayAndOtherCharts(t *testing.T) {
	// Modelled on the east-west gateway of aws-ia/terraform-aws-eks-blueprints
	// (multi-network-multi-primary/eks_1.tf) and helm provider v3's set list.
	tf := `resource "helm_release" "eastwest" {
  name  = "istio-eastwestgateway"
  chart = "https://istio-release.storage.googleapis.com/charts/gateway-1.24.2.tgz"
  set   = [{ name = "networkGateway", value = "network1" }]
}

resource "helm_release" "eastwest_unnamed" {
  name  = "${var.cluster}-eastwest"
  chart = "oci://gcr.io/istio-release/charts/gateway"
  set   = [{ name = "networkGateway", value = "network2" }]
}

resource "helm_release" "base" {
  name  = "istio-base"
  chart = "base"
  set { 
    name  = "defaultRevision"
    value = "default"
  }
}

resource "helm_release" "cni" {
  name  = "istio-cni"
  chart = "cni"
  values = [yamlencode({ global = { network = "x", hub = var.hub } })]
}

resource "helm_release" "other" {
  name  = "prometheus"
  chart = "kube-prometheus-stack"
  values = [yamlencode({ global = { network = "x" } })]
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprint(o.Data))
	}
	want := []string{"map[name:istio-eastwestgateway networkGateway:network1]", "map[networkGateway:network2]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	wantNotes := []string{loc("main.tf", tf, `"${var.cluster}`) + ": not evaluated: helm_release.eastwest_unnamed: the gateway is named after the release, whose name: var.cluster is a variable (its value is given where Terraform runs)"}
	if diff := cmp.Diff(wantNotes, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestChartOf(t *testing.T) {
	for name, want := range map[string]string{
		"istiod": "istiod", "istio/istiod": "istiod", "oci://gcr.io/istio-release/charts/istiod": "istiod",
		"./charts/istio-discovery/": "istiod", "istiod-1.24.2.tgz": "istiod", "https://x/charts/gateway-1.24.2.tgz": "gateway",
		"base": "base", "cni": "cni", "ztunnel": "ztunnel", "gateway": "gateway",
		"istio-ingress": "", "kube-prometheus-stack": "", "istiod-extra": "",
	} {
		if got := chartOf(name); got != want {
			t.Errorf("chartOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// set values are typed as Helm's --set types them; type = "string" keeps
// text; escaped dots stay in one key; what --set would read differently
// (list indexes, commas) is noted.
func TestSetValues(t *testing.T) {
	tf := `resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  set {
    name  = "global.proxy.holdApplicationUntilProxyStarts"
    value = "true"
  }
  set {
    name  = "pilot.env.PILOT_ENABLE_ALPHA_GATEWAY_API"
    value = "true"
    type  = "string"
  }
  set {
    name  = "global.network"
    value = "01"
  }
  set {
    name  = "meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE"
    value = true
  }
  set {
    name  = "podAnnotations.prometheus\\.io/scrape"
    value = "true"
  }
  set {
    name  = "meshConfig.trustDomainAliases"
    value = "{cluster.local,old.local}"
  }
  set_list {
    name  = "pilot.env.list"
    value = ["a", "1"]
  }
  set {
    name  = "meshConfig.extensionProviders[0].name"
    value = "otel"
  }
  set {
    name  = "global.tag"
    value = "a,b"
  }
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprintf("%#v", o.Data))
	}
	want := []string{
		`map[string]interface {}{"pilot":map[string]interface {}{"env":map[string]interface {}{"list":[]interface {}{"a", 1}}}}`,
		`map[string]interface {}{"meshConfig":map[string]interface {}{"trustDomainAliases":[]interface {}{"cluster.local", "old.local"}}}`,
		`map[string]interface {}{"podAnnotations":map[string]interface {}{"prometheus.io/scrape":true}}`,
		`map[string]interface {}{"meshConfig":map[string]interface {}{"defaultConfig":map[string]interface {}{"proxyMetadata":map[string]interface {}{"ISTIO_META_DNS_CAPTURE":true}}}}`,
		`map[string]interface {}{"global":map[string]interface {}{"network":"01"}}`,
		`map[string]interface {}{"pilot":map[string]interface {}{"env":map[string]interface {}{"PILOT_ENABLE_ALPHA_GATEWAY_API":"true"}}}`,
		`map[string]interface {}{"global":map[string]interface {}{"proxy":map[string]interface {}{"holdApplicationUntilProxyStarts":true}}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	wantNotes := []string{
		loc("main.tf", tf, `"otel"`) + ": not evaluated: helm_release.istiod: set meshConfig.extensionProviders[0].name: meshcheck reads names of dotted keys only (no list indexes)",
		loc("main.tf", tf, `"a,b"`) + ": not evaluated: helm_release.istiod: set global.tag: Helm reads commas in a set value as more entries",
	}
	if diff := cmp.Diff(wantNotes, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// kubernetes_namespace, kubernetes_secret and kubernetes_manifest are read
// as the objects they create, located in the .tf file (or in the YAML file
// a manifest decodes).
func TestKubernetesResources(t *testing.T) {
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/multi-network-multi-primary/eks_1.tf and
	// 3.istio-multi-primary/main.tf.
	tf := `resource "kubernetes_namespace_v1" "istio_system" {
  metadata {
    name = "istio-system"
    labels = {
      "topology.istio.io/network" = "network1"
    }
  }
}

resource "kubernetes_secret" "istio_reader" {
  metadata {
    name      = "istio-reader-service-account-istio-remote-secret-token"
    namespace = "istio-system"
    annotations = {
      "kubernetes.io/service-account.name" = "istio-reader-service-account"
    }
  }
  type = "kubernetes.io/service-account-token"
  binary_data = {
    "ca.crt" = "Y2EK"
  }
}

resource "kubernetes_manifest" "gateway" {
  manifest = {
    apiVersion = "networking.istio.io/v1"
    kind       = "Gateway"
    metadata = {
      name      = "cross-network-gateway"
      namespace = "istio-system"
    }
    spec = {
      selector = { istio = "eastwestgateway" }
    }
  }
}

resource "kubernetes_manifest" "from_file" {
  manifest = yamldecode(file("${path.module}/peer-authentication.yaml"))
}

resource "kubernetes_manifest" "from_template" {
  manifest = yamldecode(templatefile("${path.module}/telemetry.yaml.tpl", { provider = var.tracing_provider }))
}
`
	tel := "apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: mesh-default\n  namespace: istio-system\nspec:\n  tracing:\n  - providers:\n    - name: ${provider}\n"
	pa := "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n"
	objs, errs := readTF(t, map[string]string{"main.tf": tf, "peer-authentication.yaml": pa, "telemetry.yaml.tpl": tel})
	wantNotes := []string{loc("telemetry.yaml.tpl", tel, "- providers") + ": not evaluated: yamldecode(): spec.tracing: var.tracing_provider is a variable (its value is given where Terraform runs)"}
	if diff := cmp.Diff(wantNotes, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprintf("%s/%s %s/%s", o.APIVersion(), o.Kind(), o.Namespace(), o.Name()))
	}
	want := []string{
		"v1/Namespace /istio-system",
		"v1/Secret istio-system/istio-reader-service-account-istio-remote-secret-token",
		"networking.istio.io/v1/Gateway istio-system/cross-network-gateway",
		"security.istio.io/v1/PeerAuthentication istio-system/default",
		"telemetry.istio.io/v1/Telemetry istio-system/mesh-default",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("objects (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		obj       int
		path, loc string
	}{
		{0, `metadata.labels.topology\.istio\.io/network`, "network1@" + loc("main.tf", tf, `"network1"`)},
		{1, "type", "kubernetes.io/service-account-token@" + loc("main.tf", tf, `"kubernetes.io/service-account-token"`)},
		{1, `data.ca\.crt`, "Y2EK@" + loc("main.tf", tf, `"Y2EK"`)},
		{2, "spec.selector.istio", "eastwestgateway@" + loc("main.tf", tf, `"eastwestgateway"`)},
		{3, "spec.mtls.mode", "STRICT@" + loc("peer-authentication.yaml", pa, "STRICT")},
	} {
		if got := at(objs[c.obj], c.path); got != c.loc {
			t.Errorf("%s of object %d = %s, want %s", c.path, c.obj, got, c.loc)
		}
	}
}

// A resource with a literal for_each or count is one object per key or
// index; each.key, each.value and count.index are known there.
func TestForEachAndCount(t *testing.T) {
	tf := `resource "kubernetes_namespace" "app" {
  for_each = toset(["sample", "bookinfo"])
  metadata {
    name   = each.key
    labels = { "istio.io/rev" = "1-24" }
  }
}

resource "kubernetes_namespace" "istio" {
  for_each = { "istio-system" = "network1", "istio-gateways" = "network1" }
  metadata {
    name   = each.key
    labels = { "topology.istio.io/network" = each.value }
  }
}

resource "kubernetes_namespace" "numbered" {
  count = 2
  metadata {
    name = "tenant-${count.index}"
  }
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", notes(errs))
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Name()+" "+fmt.Sprint(o.Labels()))
	}
	want := []string{"sample map[istio.io/rev:1-24]", "bookinfo map[istio.io/rev:1-24]",
		"istio-system map[topology.istio.io/network:network1]", "istio-gateways map[topology.istio.io/network:network1]",
		"tenant-0 map[]", "tenant-1 map[]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

// Invalid HCL is an input error at its file:line; the resources it does not
// touch are still read.
func TestInvalidHCL(t *testing.T) {
	tf := `resource "kubernetes_namespace" "ok" {
  metadata {
    name = "istio-system"
  }
}

resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  values = [yamlencode({ global = { network = "network1" )]
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	if len(objs) != 1 || objs[0].Name() != "istio-system" {
		t.Errorf("objects = %v, want the namespace alone", objs)
	}
	if len(errs) == 0 {
		t.Fatal("no error for invalid HCL")
	}
	for _, e := range errs {
		if isNote(e) || e.File != "main.tf" || e.Line != 10 || !strings.Contains(e.Error(), "invalid HCL") {
			t.Errorf("error %q, want an input error at main.tf:10", e)
		}
	}
}

// Secret material (a kubeconfig's token, a CA key) is kept where a Secret
// read from YAML keeps it, and never appears in an error or a note, also
// when the template or the file around it is broken.
func TestSecretMaterialNotInErrors(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXJlYWRlci10b2tlbg.sig"
	const key = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/3.istio-multi-primary (remote secrets from
	// istio-remote-secret.tftpl).
	tf := `resource "kubernetes_secret" "istio_remote_secret_cluster2" {
  metadata {
    labels = {
      "istio/multiCluster" = "true"
    }
    name      = "istio-remote-secret-cluster2"
    namespace = "istio-system"
  }
  data = {
    cluster2 = templatefile("${path.module}/istio-remote-secret.tftpl", {
      cluster_host               = "https://cluster2.example.com"
      cluster_name               = "cluster2"
      cluster_istio_reader_token = "` + token + `"
    })
    broken  = templatefile("${path.module}/broken.tftpl", { token = "` + token + `" })
    unknown = base64decode("` + token + `")
  }
}

resource "kubernetes_secret" "cacerts" {
  metadata {
    name      = "cacerts"
    namespace = "istio-system"
  }
  data = {
    "ca-key.pem" = "` + key + `"
    "bad" = "` + key + ` ${
  }
}
`
	tpl := "apiVersion: v1\nkind: Config\nclusters:\n- name: ${cluster_name}\n  cluster:\n    server: ${cluster_host}\ncontexts:\n- name: ${cluster_name}\n  context: {cluster: ${cluster_name}, user: ${cluster_name}}\ncurrent-context: ${cluster_name}\nusers:\n- name: ${cluster_name}\n  user:\n    token: ${cluster_istio_reader_token}\n"
	broken := "users:\n- user:\n    token: ${token} %{ if }" + token + "\n"
	objs, errs := readTF(t, map[string]string{"main.tf": tf, "istio-remote-secret.tftpl": tpl, "broken.tftpl": broken})
	if len(objs) != 1 || objs[0].Name() != "istio-remote-secret-cluster2" {
		t.Fatalf("objects = %v, want the remote secret (cacerts has invalid HCL)", objs)
	}
	if v, _ := objs[0].Get("stringData.cluster2"); !strings.Contains(fmt.Sprint(v), "token: "+token) {
		t.Errorf("the kubeconfig is not kept in stringData as a YAML Secret keeps it: %v", v)
	}
	if len(errs) < 3 {
		t.Errorf("errors = %v, want notes for the broken template and base64decode and an HCL error", notes(errs))
	}
	// Notes name the fields as the .tf file does (data, not stringData).
	if n := notes(errs); !slices.Contains(n, loc("main.tf", tf, "base64decode")+": not evaluated: kubernetes_secret.istio_remote_secret_cluster2: data.unknown: it calls base64decode(), which meshcheck does not evaluate") {
		t.Errorf("notes %v, want one for data.unknown", n)
	}
	for _, e := range errs {
		for _, secret := range []string{token, key, "c2VjcmV0", "MIIEvQ"} {
			if strings.Contains(e.Error(), secret) {
				t.Errorf("secret material in %q", e)
			}
		}
	}
}

// Locals of the module's other files (a locals.tf beside main.tf) are
// evaluated when they are literals.
func TestLocalsOfSiblingFiles(t *testing.T) {
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/multi-network-multi-primary/locals.tf.
	locals := "locals {\n  meshID       = \"mesh1\"\n  clusterName1 = \"cluster1\"\n  azs          = slice(data.aws_availability_zones.available.names, 0, 3)\n}\n"
	tf := `resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  set = [
    { name = "global.meshID", value = local.meshID },
    { name = "global.multiCluster.clusterName", value = local.clusterName1 },
    { name = "global.network", value = local.networkName1 },
  ]
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf, "locals.tf": locals})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprint(o.Data))
	}
	want := []string{"map[global:map[multiCluster:map[clusterName:cluster1]]]", "map[global:map[meshID:mesh1]]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	if n := notes(errs); len(n) != 1 || !strings.Contains(n[0], "local.networkName1 is not defined") {
		t.Errorf("notes = %v, want one for local.networkName1", n)
	}
}

// What a file may cost is bounded: locals that double each other, deep
// nesting and a count of a billion end in a note or an error, quickly.
func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "  l%d = [local.l%d, local.l%d]\n", i, i-1, i-1)
	}
	b.WriteString("}\nresource \"helm_release\" \"istiod\" {\n  name = \"istiod\"\n  chart = \"istiod\"\n  values = [yamlencode({ a = local.l39 })]\n}\n")
	_, errs := readTF(t, map[string]string{"main.tf": b.String()})
	if !slices.ContainsFunc(notes(errs), func(s string) bool { return strings.Contains(s, "the file builds more than 1000000 values") }) {
		t.Errorf("notes %v, want one saying the file builds too many values", notes(errs))
	}
	count := "resource \"kubernetes_namespace\" \"n\" {\n  count = 1000000000\n  metadata {\n    name = \"x\"\n  }\n}\n"
	_, errs = readTF(t, map[string]string{"main.tf": count})
	if n := notes(errs); len(n) != 1 || !strings.Contains(n[0], "count: it is not a whole number up to 1000") {
		t.Errorf("notes %v, want one saying count is too large", n)
	}
	deep := "locals {\n  x = " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n}\n"
	_, errs = readTF(t, map[string]string{"main.tf": deep})
	if len(errs) != 1 || errs[0].Line != 2 || !strings.Contains(errs[0].Error(), "nesting too deep") {
		t.Errorf("errors = %v, want nesting too deep at line 2", notes(errs))
	}
}

// A template whose interpolations bring lines of their own no longer has
// the template's lines: its values are located at the templatefile() call.
func TestTemplateLinesThatMove(t *testing.T) {
	tf := `resource "helm_release" "istiod" {
  name   = "istiod"
  chart  = "istiod"
  values = [templatefile("values.tpl", { extra = "pilot:\n  replicaCount: 2", mesh = "mesh1" })]
}
`
	tpl := "${extra}\nglobal:\n  meshID: ${mesh}\n"
	objs, errs := readTF(t, map[string]string{"main.tf": tf, "values.tpl": tpl})
	if len(objs) != 1 || len(errs) > 0 {
		t.Fatalf("objects %v, errors %v", objs, notes(errs))
	}
	if got, want := at(objs[0], "global.meshID"), "mesh1@"+loc("main.tf", tf, "templatefile("); got != want {
		t.Errorf("global.meshID = %s, want %s", got, want)
	}
}

// The EKS Blueprints addon modules make helm_release resources of their
// inputs: a release of helm_releases is named after its key unless it gives
// a name, and eks-blueprints-addon is one release.
func TestBlueprintsAddonModules(t *testing.T) {
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/multi-network-multi-primary/eks_1.tf.
	tf := `module "eks_1_addons" {
  source  = "aws-ia/eks-blueprints-addons/aws"
  version = "~> 1.0"

  helm_releases = {
    istiod = {
      chart = "istiod"
      set = [
        {
          name  = "global.meshID"
          value = "mesh1"
        }
      ]
    }
    istio-eastwestgateway = {
      chart  = "gateway"
      values = [yamlencode({ networkGateway = "network1" })]
    }
    prometheus = {
      chart  = "kube-prometheus-stack"
      values = [yamlencode({ global = { network = "x" } })]
    }
  }
}

module "istio_gateway" {
  source = "aws-ia/eks-blueprints-addon/aws"
  chart  = "gateway"
  name   = "istio-ingress"
  set    = [{ name = "networkGateway", value = "network2" }]
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  name   = "istiod"
  chart  = "istiod"
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	if len(errs) > 0 {
		t.Fatalf("errors: %v", notes(errs))
	}
	var got []string
	for _, o := range objs {
		got = append(got, at(o, "global.meshID")+" "+fmt.Sprint(o.Data["name"])+" "+at(o, "networkGateway"))
	}
	want := []string{
		"mesh1@" + loc("main.tf", tf, `"mesh1"`) + " <nil> <absent>",
		"<absent> istio-eastwestgateway network1@" + loc("main.tf", tf, `"network1"`),
		"<absent> istio-ingress network2@" + loc("main.tf", tf, `"network2"`),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

// A file whose resources go to several clusters through provider aliases
// (the remote secrets of both clusters created from one module) cannot give
// those objects a cluster: they are noted, not read into the directory's.
func TestProviderAliases(t *testing.T) {
	// Modelled on aws-ia/terraform-aws-eks-blueprints
	// patterns/istio-multi-cluster/3.istio-multi-primary/main.tf.
	tf := `resource "kubernetes_secret" "istio_remote_secret_cluster2" {
  provider = kubernetes.cluster1
  metadata {
    name = "istio-remote-secret-cluster2"
  }
}

resource "kubernetes_secret" "istio_remote_secret_cluster1" {
  provider = kubernetes.cluster2
  metadata {
    name = "istio-remote-secret-cluster1"
  }
}

resource "helm_release" "istiod" {
  provider = helm.helm_1
  name     = "istiod"
  chart    = "istiod"
  set = [{ name = "global.network", value = "network1" }]
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	if len(objs) != 1 || fmt.Sprint(objs[0].Data) != "map[global:map[network:network1]]" {
		t.Errorf("objects = %v, want istiod's values alone (its provider is the file's one helm configuration)", objs)
	}
	want := []string{
		"main.tf:1:1: not evaluated: kubernetes_secret.istio_remote_secret_cluster2: it is created through provider kubernetes.cluster1, and the module installs into several clusters (kubernetes.cluster1, kubernetes.cluster2): which fleet cluster each is, its files do not say",
		"main.tf:8:1: not evaluated: kubernetes_secret.istio_remote_secret_cluster1: it is created through provider kubernetes.cluster2, and the module installs into several clusters (kubernetes.cluster1, kubernetes.cluster2): which fleet cluster each is, its files do not say",
	}
	if diff := cmp.Diff(want, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// A local's value is located where it is used, wherever the locals block
// is: the values after it keep their own lines.
func TestLocalsAreLocatedWhereUsed(t *testing.T) {
	tf := `resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  values = [yamlencode({
    global = local.global
    pilot  = { replicaCount = 2 }
  })]
}

locals {
  global = {
    meshID  = "mesh1"
    network = "network1"
  }
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	if len(objs) != 1 || len(errs) > 0 {
		t.Fatalf("objects %v, errors %v", objs, notes(errs))
	}
	for path, want := range map[string]string{
		"global.network":     "network1@" + lineOf("main.tf", tf, "local.global") + ":", // its column is after the local's other values
		"pilot.replicaCount": "2@" + loc("main.tf", tf, "2 }"),
	} {
		if got := at(objs[0], path); !strings.HasPrefix(got, want) {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
}

// kubectl_manifest's yaml_body is YAML text in the .tf file (a heredoc,
// often with several documents); jsonencode values are read as yamlencode
// ones; set_sensitive and dynamic set blocks are noted, never read.
func TestKubectlManifestJSONAndSensitive(t *testing.T) {
	// Modelled on the kubectl_manifest heredocs of users' Istio modules
	// (aws-ia/terraform-aws-eks-blueprints multi-network-multi-primary uses
	// the same form for its sample namespace).
	tf := `resource "kubectl_manifest" "eastwest" {
  yaml_body = <<YAML
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: cross-network-gateway
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
---
apiVersion: v1
kind: Namespace
metadata:
  name: sample
  labels:
    istio.io/rev: ${var.revision}
    istio-injection: enabled
YAML
}

resource "helm_release" "istiod" {
  name   = "istiod"
  chart  = "istiod"
  values = [jsonencode({ global = { meshID = "mesh1" } })]
  set_sensitive {
    name  = "global.remotePilotAddress"
    value = var.address
  }
  dynamic "set" {
    for_each = var.settings
    content {
      name  = set.key
      value = set.value
    }
  }
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprintf("%s %s %v", o.Kind(), o.Name(), o.Labels()))
	}
	want := []string{"Gateway cross-network-gateway map[]", "Namespace sample map[istio-injection:enabled]", "  map[]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if got, want := at(objs[0], "spec.selector.istio"), "eastwestgateway@"+loc("main.tf", tf, "eastwestgateway"); got != want {
		t.Errorf("spec.selector.istio = %s, want %s", got, want)
	}
	if got, want := at(objs[2], "global.meshID"), "mesh1@"+loc("main.tf", tf, `"mesh1"`); got != want {
		t.Errorf("global.meshID = %s, want %s", got, want)
	}
	wantNotes := []string{
		loc("main.tf", tf, "${var.revision}") + ": not evaluated: kubectl_manifest.eastwest: metadata.labels.istio\\.io/rev: var.revision is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "set_sensitive") + ": not evaluated: helm_release.istiod: set_sensitive is not read (its values are secret)",
		loc("main.tf", tf, "dynamic") + ": not evaluated: helm_release.istiod: a dynamic set block is not evaluated",
	}
	if diff := cmp.Diff(wantNotes, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// A string encoded from a structure with an unknown part is unknown, never
// an empty or partial text.
func TestEncodedUnknownIsUnknown(t *testing.T) {
	tf := `resource "helm_release" "istiod" {
  name  = "istiod"
  chart = "istiod"
  values = [yamlencode({
    meshConfig = { defaultConfig = { proxyMetadata = { X = jsonencode({ a = var.a }) } } }
  })]
  set {
    name  = "global.meshNetworks"
    value = yamlencode({ network1 = { endpoints = [{ fromRegistry = var.cluster }] } })
  }
}
`
	objs, errs := readTF(t, map[string]string{"main.tf": tf})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprint(o.Data))
	}
	if diff := cmp.Diff([]string{"map[meshConfig:map[defaultConfig:map[proxyMetadata:map[]]]]"}, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	want := []string{
		loc("main.tf", tf, "jsonencode") + ": not evaluated: helm_release.istiod values[0]: meshConfig.defaultConfig.proxyMetadata.X: var.a is a variable (its value is given where Terraform runs)",
		loc("main.tf", tf, "yamlencode({ network1") + ": not evaluated: helm_release.istiod: set global.meshNetworks: var.cluster is a variable (its value is given where Terraform runs)",
	}
	if diff := cmp.Diff(want, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// The aliases of a module count across its files: eks_1.tf and eks_2.tf in
// one directory (aws-ia's multi-network-multi-primary pattern) install two
// clusters, so neither file's aliased resources are read into the one
// cluster the directory is.
func TestProviderAliasesAcrossFiles(t *testing.T) {
	eks1 := `resource "kubernetes_namespace_v1" "istio_system_1" {
  metadata {
    name = "istio-system"
  }
  provider = kubernetes.kubernetes_1
}

resource "helm_release" "istiod_1" {
  name     = "istiod"
  chart    = "istiod"
  set      = [{ name = "global.network", value = "network1" }]
  provider = helm.helm_1
}
`
	eks2 := strings.NewReplacer("_1", "_2", "network1", "network2").Replace(eks1)
	objs, errs := readTF(t, map[string]string{"main.tf": eks1, "eks_2.tf": eks2})
	if len(objs) != 0 {
		t.Errorf("objects %v, want none", objs)
	}
	want := []string{
		"main.tf:1:1: not evaluated: kubernetes_namespace_v1.istio_system_1: it is created through provider kubernetes.kubernetes_1, and the module installs into several clusters (kubernetes.kubernetes_1, kubernetes.kubernetes_2): which fleet cluster each is, its files do not say",
		"main.tf:8:1: not evaluated: helm_release.istiod_1: it is created through provider helm.helm_1, and the module installs into several clusters (helm.helm_1, helm.helm_2): which fleet cluster each is, its files do not say",
	}
	if diff := cmp.Diff(want, notes(errs)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}
