package live

import (
	"cmp"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// peerToken is the credential of the test kubeconfigs: it must appear in
// no error.
const peerToken = "PLANTED-PEER-TOKEN-77d0"

func testKubeconfig(server, cluster, user string) []byte {
	return []byte("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\n" +
		"clusters:\n- name: c\n  cluster: {server: " + server + cluster + "}\nusers:\n- name: u\n  user: {token: " + peerToken + user + "}\n")
}

func testSecret(ns, name, label string, data map[string][]byte) *source.Object {
	d := map[string]any{}
	for k, v := range data {
		d[k] = base64.StdEncoding.EncodeToString(v)
	}
	return &source.Object{Data: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"namespace": ns, "name": name, "labels": map[string]any{"istio/multiCluster": label}},
		"data":     d,
	}}
}

func istiodIn(ns string) *source.Object {
	return &source.Object{Data: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"namespace": ns, "name": "istiod", "labels": map[string]any{"app": "istiod"}},
	}}
}

func peerNames(ps []RemotePeer) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// Only the remote secrets istiod reads are followed: in its namespace, with
// the exact label, not its own ID, not the external control plane's config.
func TestSelectPeersScope(t *testing.T) {
	objs := []*source.Object{
		istiodIn("mesh-system"),
		testSecret("mesh-system", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://west.example.com", "", "")}),
		testSecret("mesh-system", "istio-remote-secret-self", "true", map[string][]byte{"east": testKubeconfig("https://east.example.com", "", "")}),
		testSecret("mesh-system", "istio-kubeconfig", "true", map[string][]byte{"config": testKubeconfig("https://external.example.com", "", "")}),
		testSecret("mesh-system", "capitalised", "True", map[string][]byte{"north": testKubeconfig("https://north.example.com", "", "")}),
		// An application's secret, and one where istiod would be by default
		// but is not.
		testSecret("shop", "istio-remote-secret-evil", "true", map[string][]byte{"evil": testKubeconfig("https://evil.example.com", "", "")}),
		testSecret("istio-system", "istio-remote-secret-south", "true", map[string][]byte{"south": testKubeconfig("https://south.example.com", "", "")}),
	}
	peers, errs := SelectPeers("east", objs)
	if got := peerNames(peers); !slices.Equal(got, []string{"west"}) || len(errs) != 0 {
		t.Fatalf("peers %v, errors %v; want west only, no error", got, errs)
	}
	if p := peers[0]; p.Config.Host != "https://west.example.com" || p.Secret.Namespace != "mesh-system" || p.Secret.Key != "west" {
		t.Errorf("peer %+v", p)
	}
}

// Two secrets naming one cluster, or two names reaching one API server:
// reported (both secrets named) and none of them followed.
func TestSelectPeersCollisions(t *testing.T) {
	objs := []*source.Object{
		istiodIn("istio-system"),
		testSecret("istio-system", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://west.example.com", "", "")}),
		testSecret("istio-system", "west-copy", "true", map[string][]byte{"west": testKubeconfig("https://other.example.com", "", "")}),
		testSecret("istio-system", "istio-remote-secret-edge", "true", map[string][]byte{
			"edge": testKubeconfig("https://edge.example.com", "", ""), "edge-alias": testKubeconfig("https://EDGE.example.com:443/", "", ""),
		}),
		testSecret("istio-system", "istio-remote-secret-north", "true", map[string][]byte{"north": testKubeconfig("https://north.example.com", "", "")}),
	}
	peers, errs := SelectPeers("", objs)
	if got := peerNames(peers); !slices.Equal(got, []string{"north"}) {
		t.Errorf("peers %v, want north only", got)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"istio-system/istio-remote-secret-west key west and remote secret istio-system/west-copy key west all name cluster \"west\"",
		"already been registered",
		"istio-system/istio-remote-secret-edge key edge and remote secret istio-system/istio-remote-secret-edge key edge-alias reach the same API server",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
	if len(errs) != 2 || strings.Contains(all, peerToken) {
		t.Errorf("want 2 errors quoting no credential, got:\n%s", all)
	}
}

// Every setting istioctl create-remote-secret does not write is refused,
// named with the secret and key and without quoting the kubeconfig.
func TestPeerConfigRefuses(t *testing.T) {
	tests := map[string]struct{ server, cluster, user, want string }{
		"proxy-url":                {cluster: ", proxy-url: http://127.0.0.1:3128", want: "proxy-url"},
		"insecure-skip-tls-verify": {cluster: ", insecure-skip-tls-verify: true", want: "insecure-skip-tls-verify"},
		"certificate-authority":    {cluster: ", certificate-authority: /etc/ca.pem", want: "local CA file"},
		"username":                 {user: ", username: admin, password: hunter2", want: "username and password"},
		"as":                       {user: ", as: system:admin", want: "impersonation"},
		"as-groups":                {user: ", as-groups: [system:masters]", want: "impersonation"},
		"as-uid":                   {user: ", as-uid: \"0\"", want: "impersonation"},
		"as-user-extra":            {user: ", as-user-extra: {scopes: [all]}", want: "impersonation"},
		"exec":                     {user: ", exec: {command: /bin/sh, apiVersion: client.authentication.k8s.io/v1}", want: "exec"},
		"auth-provider":            {user: ", auth-provider: {name: oidc}", want: "auth-provider"},
		"token-file":               {user: ", tokenFile: /var/run/token", want: "local files"},
		"client-certificate":       {user: ", client-certificate: /etc/cert.pem", want: "local files"},
		"client-key":               {user: ", client-key: /etc/key.pem", want: "local files"},
	}
	tests["http server"] = struct{ server, cluster, user, want string }{server: "http://west.example.com:6443", want: "https only"}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			objs := []*source.Object{testSecret("istio-system", "istio-remote-secret-west", "true", map[string][]byte{
				"west": testKubeconfig(cmp.Or(tt.server, "https://west.example.com"), tt.cluster, tt.user),
			})}
			peers, errs := SelectPeers("", objs)
			if len(peers) != 0 || len(errs) != 1 {
				t.Fatalf("peers %v, errors %v: want the kubeconfig refused", peerNames(peers), errs)
			}
			msg := errs[0].Error()
			if !strings.Contains(msg, "remote secret istio-system/istio-remote-secret-west key west") || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q: want the secret, key and %q", msg, tt.want)
			}
			if strings.Contains(msg, peerToken) || strings.Contains(msg, "hunter2") {
				t.Errorf("error quotes the kubeconfig: %s", msg)
			}
		})
	}
}

// What istioctl writes is accepted, and the environment's proxy is not used.
func TestPeerConfigAccepts(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:3128")
	cfg, err := PeerConfig(testKubeconfig("https://west.example.com", ", tls-server-name: api.west, certificate-authority-data: "+base64.StdEncoding.EncodeToString([]byte("ca")), ""))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://west.example.com" || cfg.ServerName != "api.west" || string(cfg.CAData) != "ca" || cfg.BearerToken != peerToken {
		t.Errorf("config %+v", cfg)
	}
	if cfg.Proxy == nil {
		t.Fatal("no Proxy function: client-go would use HTTPS_PROXY")
	}
	req, _ := http.NewRequest(http.MethodGet, "https://west.example.com/api", nil)
	if u, err := cfg.Proxy(req); u != nil || err != nil {
		t.Errorf("proxy for a peer request = %v, %v; want none", u, err)
	}
}

// Two control planes (istiods in two namespaces) may each hold a remote
// secret for the same cluster: followed once when they agree on its API
// server, reported when they do not.
func TestSelectPeersTwoControlPlanes(t *testing.T) {
	base := []*source.Object{istiodIn("tenant-a"), istiodIn("tenant-b")}
	agree := append(slices.Clone(base),
		testSecret("tenant-a", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://west.example.com", "", "")}),
		testSecret("tenant-b", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://west.example.com", "", "-b")}),
	)
	if peers, errs := SelectPeers("", agree); !slices.Equal(peerNames(peers), []string{"west"}) || len(errs) != 0 {
		t.Errorf("agreeing: peers %v, errors %v; want west once", peerNames(peers), errs)
	}
	differ := append(slices.Clone(base),
		testSecret("tenant-a", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://west.example.com", "", "")}),
		testSecret("tenant-b", "istio-remote-secret-west", "true", map[string][]byte{"west": testKubeconfig("https://elsewhere.example.com", "", "")}),
	)
	peers, errs := SelectPeers("", differ)
	if len(peers) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "tenant-a/istio-remote-secret-west key west and remote secret tenant-b/istio-remote-secret-west key west name cluster \"west\" with different API servers") {
		t.Errorf("differing: peers %v, errors %v", peerNames(peers), errs)
	}
}
