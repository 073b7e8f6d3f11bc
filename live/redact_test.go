package live

import (
	"encoding/base64"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

const token = "PLANTED-TOKEN-0d5f"

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

const kubeconfig = `apiVersion: v1
kind: Config
current-context: west
clusters:
- name: west
  cluster: {server: "https://west.example.com:6443", certificate-authority-data: Q0E=}
contexts:
- name: west
  context: {cluster: west, user: west}
users:
- name: west
  user: {token: ` + token + `}
`

func remoteSecret(key, kc string) *source.Object {
	return &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{
			"name": "istio-remote-secret-" + key, "namespace": "istio-system",
			"labels":      map[string]any{"istio/multiCluster": "true"},
			"annotations": map[string]any{lastApplied: `{"stringData":{"west":"` + token + `"}}`},
		},
		"data": map[string]any{key: base64.StdEncoding.EncodeToString([]byte(kc))},
	}}
}

func TestRedactRemoteSecret(t *testing.T) {
	out := model.Redact(remoteSecret("west", kubeconfig))
	text := strings.ToLower(strings.Join(values(out), " "))
	if strings.Contains(text, strings.ToLower(token)) {
		t.Fatalf("redacted secret holds the token: %v", out)
	}
	b, _ := base64.StdEncoding.DecodeString(out["data"].(map[string]any)["west"].(string))
	cfg, err := clientcmd.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "west" || cfg.Clusters["west"].Server != "https://west.example.com:6443" {
		t.Errorf("the skeleton lost the facts: %+v", cfg)
	}
	if cfg.AuthInfos["west"].Token != model.Redacted {
		t.Errorf("the skeleton should mark the credential as present")
	}
}

func TestRedactCACerts(t *testing.T) {
	obj := &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "cacerts", "namespace": "istio-system"},
		"stringData": map[string]any{
			"ca-key.pem":    "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n",
			"root-cert.pem": "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n",
		},
	}}
	obj.Data["data"] = map[string]any{"ca-key.pem": base64.StdEncoding.EncodeToString([]byte("KEY"))}
	out := model.Redact(obj)
	data := out["data"].(map[string]any)
	key, _ := base64.StdEncoding.DecodeString(data["ca-key.pem"].(string))
	root, _ := base64.StdEncoding.DecodeString(data["root-cert.pem"].(string))
	if string(key) != model.Redacted {
		t.Errorf("ca-key.pem = %q, want the marker", key)
	}
	if !strings.Contains(string(root), "Q0VSVA==") {
		t.Errorf("root-cert.pem lost its certificate: %q", root)
	}
	if _, ok := out["stringData"]; ok {
		t.Error("stringData kept")
	}
}

func values(v any) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, k)
			out = append(out, values(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, values(e)...)
		}
		return out
	case string:
		b, err := base64.StdEncoding.DecodeString(v)
		if err == nil {
			return []string{v, string(b)}
		}
		return []string{v}
	}
	return nil
}

func TestPeerConfig(t *testing.T) {
	tests := []struct {
		name, kubeconfig, wantErr string
	}{
		{"inline token", kubeconfig, ""},
		{"exec", strings.Replace(kubeconfig, "{token: "+token+"}", "{exec: {command: /bin/sh, apiVersion: client.authentication.k8s.io/v1}}", 1), "exec"},
		{"token file", strings.Replace(kubeconfig, "{token: "+token+"}", "{tokenFile: /etc/passwd}", 1), "local files"},
		{"ca file", strings.Replace(kubeconfig, "certificate-authority-data: Q0E=", "certificate-authority: /etc/ca", 1), "local CA file"},
		{"not yaml", "users: [" + token, "does not parse"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := PeerConfig([]byte(tt.kubeconfig))
			if tt.wantErr == "" {
				if err != nil || cfg.Host != "https://west.example.com:6443" || cfg.BearerToken != token {
					t.Fatalf("PeerConfig = %+v, %v", cfg, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error quotes the secret: %v", err)
			}
		})
	}
}

func TestPeersSkipKnownClusters(t *testing.T) {
	known := Result{Target: Target{Name: "east"}, Input: inputOf("east", remoteSecret("west", kubeconfig), remoteSecret("east", kubeconfig))}
	peers, errs := Peers([]Result{known}, 0)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(peers) != 1 || peers[0].Name != "west" || peers[0].Via != "east" {
		t.Fatalf("peers = %+v", peers)
	}
	// A cluster found again (same key or same server) is not read twice.
	again, _ := Peers([]Result{known, {Target: peers[0]}}, 0)
	if len(again) != 0 {
		t.Errorf("peer found twice: %+v", again)
	}
}

func inputOf(name string, objs ...*source.Object) model.ClusterInput {
	return model.ClusterInput{Name: name, Objects: objs}
}
