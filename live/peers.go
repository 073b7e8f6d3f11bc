package live

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// RemotePeer is a cluster that a remote secret of a holder cluster names,
// with the client configuration its kubeconfig gives.
type RemotePeer struct {
	// Name is the remote-secret key: the peer's cluster ID.
	Name   string
	Secret model.SecretKeyRef
	Config *rest.Config
	// Digest is the kubeconfig's SHA-256: a rotated secret changes it.
	Digest [sha256.Size]byte
}

// SelectPeers returns the peers that the istiod of the cluster holding objs
// reads from its remote secrets, as istiod selects them
// (pkg/kube/multicluster/secretcontroller.go): Secrets labelled exactly
// istio/multiCluster=true in a namespace where an istiod of the cluster
// reads them (model.SecretNamespaces; istiod applies no revision filter),
// each key a cluster, except self (istiod ignores its own ID) and the
// external control plane's config secret. A remote secret anywhere else is
// someone else's object and is not followed.
//
// Collisions are reported, and none of the colliding keys is followed:
//   - two secrets with the same key: istiod registers the one it processes
//     first and ignores the other ("cluster has already been registered");
//     which one comes first depends on the order its informer delivers them,
//     so the inputs cannot tell which the mesh uses;
//   - two keys reaching the same API server: istiod registers the one
//     cluster twice under two IDs.
//
// Kubeconfigs PeerConfig refuses are reported too. Errors name the secret
// and key and never quote the kubeconfig.
func SelectPeers(self string, objs []*source.Object) ([]RemotePeer, []error) {
	scope, _ := model.SecretNamespaces(objs)
	byKey := map[string][]secretKey{}
	for _, obj := range objs {
		if obj.Kind() != "Secret" || obj.APIVersion() != "v1" || !scope[obj.Namespace()] || obj.Name() == "istio-kubeconfig" {
			continue
		}
		if v, _ := obj.Label(model.LabelMultiCluster); v != "true" {
			continue // istiod's selector is exact: "True" is not selected
		}
		vals, _ := model.SecretData(obj)
		for key, kc := range vals {
			if key == self {
				continue
			}
			ref := model.SecretKeyRef{Namespace: obj.Namespace(), Name: obj.Name(), Key: key}
			byKey[key] = append(byKey[key], secretKey{ref, kc})
		}
	}
	var errs []error
	var cands []RemotePeer
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		es := byKey[key]
		slices.SortFunc(es, func(a, b secretKey) int { return strings.Compare(describeRef(a.ref), describeRef(b.ref)) })
		if dup := sameNamespace(es); len(dup) > 1 {
			var names []string
			for _, e := range dup {
				names = append(names, describeRef(e.ref))
			}
			errs = append(errs, fmt.Errorf("%s all name cluster %q: istiod keeps the one it reads first and ignores the others (\"cluster has already been registered\"), so which one the mesh uses is unknown; none is followed", strings.Join(names, " and "), key))
			continue
		}
		// One secret per namespace: the istiods of two namespaces (two
		// control planes) may each name the cluster, alike.
		var peer *RemotePeer
		for _, e := range es {
			cfg, err := PeerConfig(e.kc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", describeRef(e.ref), err))
				peer = nil
				break
			}
			if peer != nil && serverKey(peer.Config.Host) != serverKey(cfg.Host) {
				errs = append(errs, fmt.Errorf("%s and %s name cluster %q with different API servers; none is followed", describeRef(peer.Secret), describeRef(e.ref), key))
				peer = nil
				break
			}
			if peer == nil {
				peer = &RemotePeer{Name: key, Secret: e.ref, Config: cfg, Digest: sha256.Sum256(e.kc)}
			}
		}
		if peer != nil {
			cands = append(cands, *peer)
		}
	}
	byHost := map[string][]int{}
	for i, c := range cands {
		h := serverKey(c.Config.Host)
		byHost[h] = append(byHost[h], i)
	}
	var out []RemotePeer
	for i, c := range cands {
		same := byHost[serverKey(c.Config.Host)]
		if len(same) == 1 {
			out = append(out, c)
			continue
		}
		if same[0] != i {
			continue // reported once, with the first
		}
		var names []string
		for _, j := range same {
			names = append(names, describeRef(cands[j].Secret))
		}
		errs = append(errs, fmt.Errorf("%s reach the same API server under different cluster names (istiod registers it once per name), so which name it has is unknown; none is followed", strings.Join(names, " and ")))
	}
	return out, errs
}

// secretKey is one key of a remote secret and its kubeconfig.
type secretKey struct {
	ref model.SecretKeyRef
	kc  []byte
}

// sameNamespace returns the entries of the first namespace holding more
// than one, or nil.
func sameNamespace(es []secretKey) []secretKey {
	by := map[string][]secretKey{}
	for _, e := range es {
		by[e.ref.Namespace] = append(by[e.ref.Namespace], e)
	}
	for _, ns := range slices.Sorted(maps.Keys(by)) {
		if len(by[ns]) > 1 {
			return by[ns]
		}
	}
	return nil
}

func describeRef(r model.SecretKeyRef) string {
	return fmt.Sprintf("remote secret %s/%s key %s", r.Namespace, r.Name, r.Key)
}

// serverKey identifies an API server: scheme, lowercased host and port
// (the scheme's default when none is given), without a trailing slash.
func serverKey(host string) string {
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimSuffix(host, "/"))
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80"}[u.Scheme]
		if port == "" {
			port = "443"
		}
	}
	return strings.ToLower(u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port) + strings.TrimSuffix(u.Path, "/"))
}

// Peers returns the clusters that the remote secrets of results[from:]
// name (SelectPeers, per holder, itself excluded), except those of results
// (by name or API server). Errors are the holder's.
func Peers(results []Result, from int) ([]Target, []*Error) {
	known := map[string]bool{}
	for _, r := range results {
		known[r.Target.Name] = true
		if r.Target.Config != nil {
			known["host:"+serverKey(r.Target.Config.Host)] = true
		}
	}
	var out []Target
	var errs []*Error
	for _, r := range results[from:] {
		// The holder's name is its context, or for a peer the key it was
		// found under: its cluster ID, whose key istiod ignores.
		peers, perrs := SelectPeers(r.Target.Name, r.Input.Objects)
		for _, err := range perrs {
			errs = append(errs, &Error{Cluster: r.Target.Name, Err: err})
		}
		for _, p := range peers {
			host := "host:" + serverKey(p.Config.Host)
			if known[p.Name] || known[host] {
				continue
			}
			known[p.Name], known[host] = true, true
			out = append(out, Target{Name: p.Name, Config: p.Config, Via: r.Target.Name, Secret: p.Secret})
		}
	}
	return out, errs
}

// PeerConfig builds a rest config from a remote secret's kubeconfig, with
// only what istioctl create-remote-secret writes
// (istioctl/pkg/multicluster/remote_secret.go): the server, its CA data and
// TLS server name, and a bearer token or client certificate and key data.
// Anything else is refused rather than ignored, since a secret that carries
// it was not written for istiod by istioctl: a proxy (proxy-url would send
// the credential, and every request, through another host), disabled TLS
// verification, a command to run (exec, auth-provider), a local file to
// read, a username and password, impersonation. Proxy settings of the
// environment (HTTPS_PROXY) are not used for peers either. Errors never
// quote the kubeconfig.
func PeerConfig(kubeconfig []byte) (*rest.Config, error) {
	if len(kubeconfig) == 0 {
		return nil, fmt.Errorf("empty kubeconfig")
	}
	cfg, err := clientcmd.Load(kubeconfig)
	if err != nil {
		// The parser's message may quote the secret: do not pass it on.
		return nil, fmt.Errorf("kubeconfig does not parse")
	}
	if err := onlyWhatIstioctlWrites(cfg); err != nil {
		return nil, err
	}
	kctx := cfg.Contexts[cfg.CurrentContext]
	if kctx == nil {
		return nil, fmt.Errorf("kubeconfig is not usable: current-context %q names no context", cfg.CurrentContext)
	}
	cluster := cfg.Clusters[kctx.Cluster]
	if cluster == nil {
		return nil, fmt.Errorf("kubeconfig is not usable: context %q names no cluster %q", cfg.CurrentContext, kctx.Cluster)
	}
	user := cfg.AuthInfos[kctx.AuthInfo]
	if user == nil {
		return nil, fmt.Errorf("kubeconfig is not usable: context %q names no user %q", cfg.CurrentContext, kctx.AuthInfo)
	}
	u, err := url.Parse(cluster.Server)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("kubeconfig is not usable: cluster %q has no server URL", kctx.Cluster)
	}
	if u.Scheme != "https" {
		// istioctl writes https servers; over http the token travels in clear.
		return nil, fmt.Errorf("cluster %q has a %s server URL: meshcheck sends a secret's credential over https only", kctx.Cluster, cmp.Or(u.Scheme, "schemeless"))
	}
	// Built field by field, so that a field added to kubeconfigs later is
	// not used before it is reviewed here.
	return &rest.Config{
		Host:        cluster.Server,
		BearerToken: user.Token,
		TLSClientConfig: rest.TLSClientConfig{
			ServerName: cluster.TLSServerName,
			CAData:     cluster.CertificateAuthorityData,
			CertData:   user.ClientCertificateData,
			KeyData:    user.ClientKeyData,
		},
		Proxy: noProxy,
	}, nil
}

// noProxy connects directly: without it, client-go's transport would use
// HTTPS_PROXY and HTTP_PROXY from the environment.
func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// onlyWhatIstioctlWrites refuses every setting of cfg that a remote secret
// does not need, in any cluster or user of it (not only the current one).
func onlyWhatIstioctlWrites(cfg *clientcmdapi.Config) error {
	for _, name := range slices.Sorted(maps.Keys(cfg.AuthInfos)) {
		u := cfg.AuthInfos[name]
		var bad string
		switch {
		case u.Exec != nil || u.AuthProvider != nil:
			bad = "an exec or auth-provider credential, which meshcheck does not run"
		case u.TokenFile != "" || u.ClientCertificate != "" || u.ClientKey != "":
			bad = "local files, which meshcheck does not read from a secret"
		case u.Username != "" || u.Password != "":
			bad = "a username and password, which istioctl create-remote-secret never writes"
		case u.Impersonate != "" || u.ImpersonateUID != "" || len(u.ImpersonateGroups) > 0 || len(u.ImpersonateUserExtra) > 0:
			bad = "impersonation (as, as-uid, as-groups, as-user-extra), which istioctl create-remote-secret never writes"
		}
		if bad != "" {
			return fmt.Errorf("user %q uses %s", name, bad)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Clusters)) {
		c := cfg.Clusters[name]
		var bad string
		switch {
		case c.ProxyURL != "":
			bad = "sets proxy-url: a remote secret's requests and credential go to its server only"
		case c.InsecureSkipTLSVerify:
			bad = "sets insecure-skip-tls-verify, which would send the credential to any server that answers"
		case c.CertificateAuthority != "":
			bad = "refers to a local CA file, which meshcheck does not read from a secret"
		}
		if bad != "" {
			return fmt.Errorf("cluster %q %s", name, bad)
		}
	}
	return nil
}

// ReadFleet reads the targets and, with followPeers, the clusters their
// remote secrets name, until no new one appears; then it tells each
// cluster what reading its peers learned of its credentials (CP014).
func ReadFleet(ctx context.Context, targets []Target, opt Options, followPeers bool) ([]Result, []*Error) {
	results := Read(ctx, targets, opt)
	var errs []*Error
	for scanned := 0; followPeers; {
		peers, perrs := Peers(results, scanned)
		scanned = len(results)
		errs = append(errs, perrs...)
		if len(peers) == 0 {
			break
		}
		results = append(results, Read(ctx, peers, opt)...)
	}
	RecordCredentials(results)
	return results, errs
}
