package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// readFleet reads testdata/terraform/<fleet>/<cluster>/*.tf, one cluster
// per directory, as lint does, and returns the model and the notes.
func readFleet(t *testing.T, fleet string) (*model.Fleet, []*source.Error) {
	t.Helper()
	root := filepath.Join("..", "testdata", "terraform", fleet)
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var in []model.ClusterInput
	var all []*source.Error
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, d.Name(), "*.tf"))
		ci := model.ClusterInput{Name: d.Name()}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			objs, errs := Read(f, b, source.Limits{})
			ci.Objects = append(ci.Objects, objs...)
			all = append(all, errs...)
		}
		in = append(in, ci)
	}
	f, merrs := model.Build(in, model.Options{})
	for _, e := range merrs {
		t.Errorf("model: %v", e)
	}
	return f, all
}

func findings(t *testing.T, f *model.Fleet) []checks.Finding {
	t.Helper()
	e, err := checks.New(t.Context(), checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func factString[T any](f *model.Fact[T]) string {
	if f == nil {
		return "<unknown>"
	}
	return fmt.Sprintf("%v@%s:%d", f.Value, filepath.ToSlash(f.Source.File), f.Source.Line)
}

// The valid multi-primary multi-network fleet gives the model its cluster
// names, networks, mesh ID, remote secrets and CA, located in the .tf
// files, and lints clean at warning level.
func TestValidFleet(t *testing.T) {
	f, notes := readFleet(t, "eks-multi-network")
	const dir = "../testdata/terraform/eks-multi-network/"
	var got []string
	for _, name := range []string{"cluster1", "cluster2"} {
		c := f.Clusters[name]
		if c == nil || len(c.ControlPlanes) != 1 {
			t.Fatalf("%s: %+v, want one control plane", name, c)
		}
		cp := c.ControlPlanes[0]
		got = append(got, fmt.Sprintf("%s: id %s network %s mesh %s", name, factString(cp.ClusterID), factString(cp.Network), factString(cp.MeshID)))
		for _, rs := range c.RemoteSecrets {
			for _, e := range rs.Entries {
				got = append(got, fmt.Sprintf("%s: remote secret %s/%s key %s context %s server %s credentials %v at %s:%d", name, rs.Namespace, rs.Name, e.Key, e.ContextCluster, e.ServerHost, e.HasCredentials, filepath.ToSlash(e.Source.File), e.Source.Line))
			}
		}
		for _, gw := range c.NetworkGateways {
			got = append(got, fmt.Sprintf("%s: gateway %s network %s", name, gw.Name, factString(gw.Network)))
		}
		for _, ca := range c.CASecrets {
			got = append(got, fmt.Sprintf("%s: %s/%s keys %v", name, ca.Namespace, ca.Name, ca.Keys))
		}
	}
	main1, main2 := dir+"cluster1/main.tf", dir+"cluster2/main.tf"
	want := []string{
		"cluster1: id cluster1@" + main1 + ":88 network network1@" + main1 + ":93 mesh mesh1@" + main1 + ":83",
		"cluster1: remote secret istio-system/istio-remote-secret-cluster2 key cluster2 context cluster2 server 0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E.gr7.us-east-2.eks.amazonaws.com credentials true at " + main1 + ":226",
		"cluster1: gateway istio-eastwestgateway network network1@" + main1 + ":141",
		"cluster1: /cacerts keys [ca-cert.pem ca-key.pem cert-chain.pem root-cert.pem]",
		// cluster2 installs through the eks-blueprints-addons module.
		"cluster2: id cluster2@" + main2 + ":100 network network2@" + main2 + ":104 mesh mesh1@" + main2 + ":96",
		"cluster2: remote secret istio-system/istio-remote-secret-cluster1 key cluster1 context cluster1 server 6A1F2B3C4D5E6F708192A3B4C5D6E7F8.gr7.us-east-2.eks.amazonaws.com credentials true at " + main2 + ":235",
		"cluster2: gateway istio-eastwestgateway network network2@" + main2 + ":148",
		"cluster2: /cacerts keys [ca-cert.pem ca-key.pem cert-chain.pem root-cert.pem]",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("model (-want +got):\n%s", diff)
	}
	// The cacerts namespace refers to the namespace resource: unknown.
	for _, n := range notes {
		if !isNote(n) || !strings.Contains(n.Error(), "kubernetes_secret.cacerts: metadata.namespace: ") {
			t.Errorf("unexpected %v", n)
		}
	}
	for _, x := range findings(t, f) {
		if x.Severity >= checks.Warning {
			t.Errorf("%s %s %s: %s (%s:%d)", x.Rule, x.Severity, x.Cluster, x.Message, x.File, x.Line)
		}
	}
}

// The fleet with the known mistake (a module copied with its hardcoded
// clusterName) raises CL002 at the clusterName each cluster sets.
func TestMistakeFleet(t *testing.T) {
	f, _ := readFleet(t, "duplicate-cluster-name")
	var got []string
	for _, x := range findings(t, f) {
		if x.Rule == "CL002" {
			got = append(got, fmt.Sprintf("%s %s:%d", x.Cluster, filepath.ToSlash(x.File), x.Line))
		}
	}
	slices.Sort(got)
	const dir = "../testdata/terraform/duplicate-cluster-name/"
	want := []string{"cluster1 " + dir + "cluster1/istio.tf:38", "cluster2 " + dir + "cluster2/istio.tf:38"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CL002 findings (-want +got):\n%s", diff)
	}
}

// A fleet whose Istio is installed by local-exec commands gives no object
// and lists each command that installs or configures Istio as not
// evaluated, so that the run says it understood nothing there.
func TestLocalExecFleet(t *testing.T) {
	f, notes := readFleet(t, "gke-local-exec")
	for name, c := range f.Clusters {
		if len(c.ControlPlanes) > 0 || len(c.RemoteSecrets) > 0 || len(c.CASecrets) > 0 {
			t.Errorf("%s: %+v, want nothing read from commands", name, c)
		}
	}
	var got []string
	for _, n := range notes {
		got = append(got, fmt.Sprintf("%s:%d", filepath.ToSlash(n.File), n.Line))
		if !isNote(n) || !strings.Contains(n.Error(), "a local-exec provisioner runs a command that installs or configures Istio") {
			t.Errorf("unexpected %v", n)
		}
		if strings.Contains(n.Error(), "istioctl") || strings.Contains(n.Error(), "var.istio_ca_key") {
			t.Errorf("the command is quoted: %v", n)
		}
	}
	const dir = "../testdata/terraform/gke-local-exec/"
	var want []string
	for _, c := range []string{"cluster1", "cluster2"} {
		for _, line := range []int{21, 32, 46, 66} {
			want = append(want, fmt.Sprintf("%s%s/istio.tf:%d", dir, c, line))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}
