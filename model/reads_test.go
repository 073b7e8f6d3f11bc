package model

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/source"
)

// everyKind has an object of each kind readObject reads.
var everyKind = `apiVersion: v1
kind: Namespace
metadata: {name: istio-system, labels: {topology.istio.io/network: n1}}
---
apiVersion: v1
kind: Node
metadata: {name: node1}
spec: {podCIDR: 10.244.1.0/24}
---
` + remoteSecretFor("west") + `---
apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: istio-system}
stringData: {root-cert.pem: not a certificate, ca-key.pem: x}
---
apiVersion: v1
kind: Secret
metadata: {name: cacerts, namespace: payments}
stringData: {ca.crt: an application's CA}
---
apiVersion: v1
kind: Service
metadata: {name: istio-eastwestgateway, namespace: istio-system, labels: {topology.istio.io/network: n1}}
spec: {type: LoadBalancer, ports: [{name: tls, port: 15443}]}
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: eastwest, namespace: istio-system}
spec:
  values: {global: {network: n1, meshID: mesh1, multiCluster: {clusterName: east}}}
  components:
    ingressGateways:
      - name: istio-eastwestgateway
        enabled: true
        label: {istio: eastwestgateway, topology.istio.io/network: n1}
        k8s: {env: [{name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: n1}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: cross-network-gateway, namespace: istio-system}
spec:
  selector: {istio: eastwestgateway}
  servers: [{port: {number: 15443, name: tls, protocol: TLS}, tls: {mode: AUTO_PASSTHROUGH}, hosts: ["*.local"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: default}
spec: {hosts: [a.example.com]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eastwest, namespace: istio-system, labels: {topology.istio.io/network: n1}}
spec: {gatewayClassName: istio-east-west, listeners: [{name: mesh, port: 15008, protocol: HBONE}]}
---
apiVersion: sailoperator.io/v1
kind: ZTunnel
metadata: {name: default}
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: route, namespace: istio-system}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector}
`

// remoteSecretFor is a remote secret for the cluster named target.
func remoteSecretFor(target string) string {
	return strings.NewReplacer("TARGET", target).Replace(`apiVersion: v1
kind: Secret
metadata: {name: istio-remote-secret-TARGET, namespace: istio-system, labels: {istio/multiCluster: "true"}}
stringData:
  TARGET: |
    apiVersion: v1
    kind: Config
    clusters: [{name: TARGET, cluster: {server: "https://TARGET.example.com:6443"}}]
    contexts: [{name: TARGET, context: {cluster: TARGET, user: TARGET}}]
    current-context: TARGET
    users: [{name: TARGET, user: {token: t}}]
`)
}

// Build from Reads is Build from the objects, for every kind readObject
// reads, and two builds from the same Reads share the records.
func TestReadsGiveEveryRecordOnce(t *testing.T) {
	in := input(t, "east", everyKind)
	want, _ := Build([]ClusterInput{in}, Options{})
	c := reflect.ValueOf(*want.Clusters["east"])
	for i := range c.NumField() {
		f := c.Type().Field(i)
		if k := f.Type.Kind(); (k == reflect.Slice || k == reflect.Map) && f.Name != "Complete" && c.Field(i).Len() == 0 {
			t.Errorf("everyKind gives no %s: the test would not see addTo miss them", f.Name)
		}
	}
	in.Reads = ReadObjects("east", in.Objects)
	first, _ := Build([]ClusterInput{in}, Options{})
	second, _ := Build([]ClusterInput{in}, Options{})
	for _, got := range []*Fleet{first, second} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("built from reads (-objects +reads):\n%s", diff)
		}
	}
	a, b := first.Clusters["east"], second.Clusters["east"]
	if a.Namespaces["istio-system"] != b.Namespaces["istio-system"] || a.Gateways[0] != b.Gateways[0] || a.ControlPlanes[0] != b.ControlPlanes[0] {
		t.Error("two builds from the same reads do not share their records")
	}
	// A control plane with a contribution not among the reads is merged again.
	changed := in
	changed.Objects = append(slices.Clone(in.Objects), &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "istio", "namespace": "istio-system"},
		"data":     map[string]any{"mesh": "trustDomain: example.org"},
	}})
	merged, _ := Build([]ClusterInput{changed}, Options{})
	if cp := merged.Clusters["east"].ControlPlanes[0]; cp == a.ControlPlanes[0] || cp.TrustDomain == nil || cp.TrustDomain.Value != "example.org" {
		t.Errorf("a new mesh config is not merged: %+v", cp.TrustDomain)
	}
	other, _ := Build([]ClusterInput{{Name: "west", Objects: in.Objects, Reads: in.Reads}}, Options{})
	if other.Clusters["west"].Namespaces["istio-system"].Source.Cluster != "west" {
		t.Error("reads for east were used for west")
	}
}

// A live audit's credential checks change the remote secret of its own
// build, not the record the reads share with other builds.
func TestCredentialChecksDoNotChangeSharedRecords(t *testing.T) {
	in := input(t, "east", everyKind)
	in.Reads = ReadObjects("east", in.Objects)
	in.Credentials = []CredentialCheck{{Secret: SecretKeyRef{Namespace: "istio-system", Name: "istio-remote-secret-west", Key: "west"}, Rejected: true}}
	checked, _ := Build([]ClusterInput{in}, Options{})
	if e := checked.Clusters["east"].RemoteSecrets[0].Entries[0]; e.CredentialRejected == nil || !e.CredentialRejected.Value {
		t.Fatalf("the check is not recorded: %+v", e)
	}
	in.Credentials = nil
	plain, _ := Build([]ClusterInput{in}, Options{})
	if e := plain.Clusters["east"].RemoteSecrets[0].Entries[0]; e.CredentialRejected != nil {
		t.Errorf("a build without checks shows another build's check: %+v", e)
	}
}

// A remote inherits mesh values from its primary in its own build, not in
// the control plane the reads share: read alone, the remote has none.
func TestInheritanceDoesNotChangeSharedControlPlanes(t *testing.T) {
	read := func(name, text string) ClusterInput {
		in := input(t, name, text)
		in.Reads = ReadObjects(name, in.Objects)
		return in
	}
	primary := read("cluster1", primary+"---\n"+remoteSecretFor("cluster2"))
	remote := read("cluster2", `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec: {profile: remote, values: {global: {remotePilotAddress: 203.0.113.10}}}
`)
	fleet, _ := Build([]ClusterInput{primary, remote}, Options{})
	if cp := fleet.Clusters["cluster2"].ControlPlanes[0]; cp.MeshID == nil || cp.MeshID.InheritedFrom != "cluster1" {
		t.Fatalf("the remote did not inherit its mesh ID: %+v", cp.MeshID)
	}
	alone, _ := Build([]ClusterInput{remote}, Options{})
	if cp := alone.Clusters["cluster2"].ControlPlanes[0]; cp.MeshID != nil {
		t.Errorf("read alone, the remote shows the mesh ID another build inherited: %+v", cp.MeshID)
	}
}

// Which secrets count depends on other objects (the istiods): a build
// applies it to its own lists, so builds sharing reads each get their own.
func TestSecretScopeDoesNotChangeSharedRecords(t *testing.T) {
	in := input(t, "east", everyKind)
	in.Reads = ReadObjects("east", in.Objects)
	scoped := func(f *Fleet) []string {
		var out []string
		for _, cs := range f.Clusters["east"].CASecrets {
			out = append(out, cs.Namespace)
		}
		return out
	}
	before, _ := Build([]ClusterInput{in}, Options{})
	if got := scoped(before); !slices.Equal(got, []string{"istio-system"}) {
		t.Fatalf("CA secrets counted: %v, want istio-system's only", got)
	}
	withIstiod := in
	withIstiod.Objects = append(slices.Clone(in.Objects), &source.Object{Data: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "istiod", "namespace": "payments"},
	}})
	if got, _ := Build([]ClusterInput{withIstiod}, Options{}); !slices.Equal(scoped(got), []string{"istio-system", "payments"}) {
		t.Errorf("with an istiod in payments, CA secrets counted: %v", scoped(got))
	}
	after, _ := Build([]ClusterInput{in}, Options{})
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("a build changed what the reads give another (-before +after):\n%s", diff)
	}
}
