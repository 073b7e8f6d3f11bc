package model

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// FuzzBuild feeds arbitrary manifests, split over two clusters, to the model
// builder: it must never panic, and the model must always encode.
func FuzzBuild(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/corpus/*/iop/*/*.yaml")
	more, _ := filepath.Glob("../testdata/mistakes/*/*/*.yaml")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
			f.Add(string(b), "")
		}
	}
	f.Add(primary, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata: {mesh: '{'}\n")
	f.Add("apiVersion: v1\nkind: Secret\nmetadata: {name: cacerts}\ndata: {root-cert.pem: '!!'}\n", "networkGateway: [1]\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		var in []ClusterInput
		for i, text := range []string{a, b} {
			objs, _ := source.Read(strings.NewReader(text), "f.yaml", source.DefaultLimits())
			in = append(in, ClusterInput{Name: []string{"c1", "c2"}[i], Objects: objs})
		}
		fleet, _ := Build(in, Options{Meshes: [][]string{{"c1", "c2"}}})
		if len(fleet.Clusters) != 2 {
			t.Fatalf("clusters = %d", len(fleet.Clusters))
		}
		if _, err := json.Marshal(fleet); err != nil {
			t.Fatalf("model does not encode: %v", err)
		}
	})
}

// FuzzRedact: a remote secret's kubeconfig, redacted, is still base64, the
// model derives the same facts from it as from the kubeconfig, and its
// users hold nothing but the credential marker under the keys that say
// which credential istiod refuses, and an auth provider's name. It is the one fuzz target
// of the secret reduction that the webhook's cache and audit's snapshots
// apply (Redact).
func FuzzRedact(f *testing.F) {
	f.Add("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: https://x:6443}\nusers:\n- name: u\n  user: {token: SECRET-VALUE-1}\n")
	f.Add("users: [{name: u, user: {client-key-data: S0VZ, password: p}}]")
	f.Add("current-context: 7\ncontexts: [{name: 7, context: {cluster: 7, user: 7}}]\nusers: [{name: 7, user: {exec: {command: x}}}]")
	f.Add("users: [{name: a, user: {auth-provider: {name: gcp, config: {access-token: SECRET}}}}, {name: b, user: {client-certificate: /etc/c, tokenFile: /t}}]")
	f.Add("{")
	f.Fuzz(func(t *testing.T, kubeconfig string) {
		obj := &source.Object{Data: map[string]any{
			"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": "s", "labels": map[string]any{LabelMultiCluster: "true"}},
			"data":     map[string]any{"k": base64.StdEncoding.EncodeToString([]byte(kubeconfig))},
		}}
		out, _ := Redact(obj)["data"].(map[string]any)["k"].(string)
		sk, err := base64.StdEncoding.DecodeString(out)
		if err != nil {
			t.Fatalf("redacted value is not base64: %v", err)
		}
		if objs, _ := source.Read(strings.NewReader(string(sk)), "", source.DefaultLimits()); len(objs) > 0 {
			for _, u := range asList(objs[0].Data["users"]) {
				for k, v := range asMap(asMap(u)["user"]) {
					ap := asMap(v)
					_, refused := refusedKeys[k]
					switch {
					case (k == "token" || refused) && v == Redacted:
					case k == "auth-provider" && len(ap) == 1 && nameOf(ap["name"]) == ap["name"]:
					default:
						t.Fatalf("the skeleton keeps a credential (%s):\n%s", k, sk)
					}
				}
			}
		}
		want, got := kubeconfigEntry([]byte(kubeconfig)), kubeconfigEntry(sk)
		if (want.Error == "") != (got.Error == "") {
			t.Fatalf("error %q from the kubeconfig, %q from its skeleton:\n%s", want.Error, got.Error, sk)
		}
		want.Error, got.Error = "", "" // where a parse failed may differ
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("facts differ:\nkubeconfig: %+v\nskeleton:   %+v\n%s", want, got, sk)
		}
	})
}
