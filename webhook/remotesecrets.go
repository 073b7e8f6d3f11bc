package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// PeersFromRemoteSecrets reads this cluster's Istio remote secrets once and
// returns a client configuration per key (the peer's cluster ID), except
// self. The kubeconfigs are decoded in memory and never logged, printed or
// kept beyond the returned configurations. Kubeconfigs that would run a
// command or read a local file are refused, naming the secret and key only.
func PeersFromRemoteSecrets(ctx context.Context, cfg *rest.Config, self string) (map[string]*rest.Config, []error, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	list, err := cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{LabelSelector: "istio/multiCluster=true"})
	if err != nil {
		return nil, nil, fmt.Errorf("list remote secrets: %w", err)
	}
	out := map[string]*rest.Config{}
	var skipped []error
	for _, s := range list.Items {
		if s.Name == "istio-kubeconfig" {
			continue // an external control plane's config secret, not a peer
		}
		keys := make([]string, 0, len(s.Data))
		for k := range s.Data {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if k == self || out[k] != nil {
				continue
			}
			rc, err := peerConfig(s.Data[k])
			if err != nil {
				skipped = append(skipped, fmt.Errorf("remote secret %s/%s key %s: %w", s.Namespace, s.Name, k, err))
				continue
			}
			out[k] = rc
		}
	}
	return out, skipped, nil
}

func peerConfig(kubeconfig []byte) (*rest.Config, error) {
	kc, err := clientcmd.Load(kubeconfig)
	if err != nil {
		return nil, errors.New("not a kubeconfig")
	}
	ctx := kc.Contexts[kc.CurrentContext]
	if ctx == nil {
		return nil, errors.New("kubeconfig has no current context")
	}
	if u := kc.AuthInfos[ctx.AuthInfo]; u != nil && (u.Exec != nil || u.AuthProvider != nil || u.TokenFile != "" || u.ClientCertificate != "" || u.ClientKey != "") {
		return nil, errors.New("kubeconfig runs a command or reads a local file; only inline credentials are used")
	}
	if c := kc.Clusters[ctx.Cluster]; c != nil && c.CertificateAuthority != "" {
		return nil, errors.New("kubeconfig reads a local CA file; only inline data is used")
	}
	rc, err := clientcmd.NewDefaultClientConfig(*kc, nil).ClientConfig()
	if err != nil {
		return nil, errors.New("kubeconfig does not give a client configuration")
	}
	return rc, nil
}
