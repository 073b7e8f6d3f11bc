package live

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshcheck/meshcheck/model"
)

// Peers returns the clusters that the remote secrets in results[from:]
// name, except those of results (by name or API server). The kubeconfigs are
// decoded in memory only; errors say which secret and key, never quote it.
func Peers(results []Result, from int) ([]Target, []*Error) {
	known := map[string]bool{}
	for _, r := range results {
		known[r.Target.Name] = true
		if r.Target.Config != nil {
			known["host:"+r.Target.Config.Host] = true
		}
	}
	var out []Target
	var errs []*Error
	for _, r := range results[from:] {
		for _, obj := range r.Input.Objects {
			if obj.Kind() != "Secret" || !model.IsRemoteSecret(obj) || obj.Name() == "istio-kubeconfig" {
				continue
			}
			vals, _ := model.SecretData(obj)
			for _, key := range slices.Sorted(maps.Keys(vals)) {
				if known[key] {
					continue
				}
				where := fmt.Sprintf("remote secret %s/%s key %s", obj.Namespace(), obj.Name(), key)
				cfg, err := PeerConfig(vals[key])
				if err != nil {
					errs = append(errs, &Error{Cluster: r.Target.Name, Err: fmt.Errorf("%s: %w", where, err)})
					continue
				}
				if known["host:"+cfg.Host] {
					continue
				}
				known[key], known["host:"+cfg.Host] = true, true
				out = append(out, Target{
					Name: key, Config: cfg, Via: r.Target.Name,
					Secret: model.SecretKeyRef{Namespace: obj.Namespace(), Name: obj.Name(), Key: key},
				})
			}
		}
	}
	return out, errs
}

// PeerConfig builds a rest config from a remote secret's kubeconfig. Only
// inline credentials are accepted: a secret must not make meshcheck run a
// command (exec, auth-provider) or read a local file. Errors never quote
// the kubeconfig.
func PeerConfig(kubeconfig []byte) (*rest.Config, error) {
	if len(kubeconfig) == 0 {
		return nil, fmt.Errorf("empty kubeconfig")
	}
	cfg, err := clientcmd.Load(kubeconfig)
	if err != nil {
		// The parser's message may quote the secret: do not pass it on.
		return nil, fmt.Errorf("kubeconfig does not parse")
	}
	if err := inlineOnly(cfg); err != nil {
		return nil, err
	}
	rc, err := clientcmd.NewNonInteractiveClientConfig(*cfg, cfg.CurrentContext, &clientcmd.ConfigOverrides{}, nil).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig is not usable (current-context %q)", cfg.CurrentContext)
	}
	return rc, nil
}

func inlineOnly(cfg *clientcmdapi.Config) error {
	for name, u := range cfg.AuthInfos {
		switch {
		case u.Exec != nil || u.AuthProvider != nil:
			return fmt.Errorf("user %q uses an exec or auth-provider credential, which meshcheck does not run", name)
		case u.TokenFile != "" || u.ClientCertificate != "" || u.ClientKey != "":
			return fmt.Errorf("user %q refers to local files, which meshcheck does not read from a secret", name)
		}
	}
	for name, c := range cfg.Clusters {
		if c.CertificateAuthority != "" {
			return fmt.Errorf("cluster %q refers to a local CA file, which meshcheck does not read from a secret", name)
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
