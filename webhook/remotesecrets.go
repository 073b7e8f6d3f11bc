package webhook

import (
	"context"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/model"
)

// PeersFromRemoteSecrets reads this cluster's Istio remote secrets once and
// returns a client configuration per peer (see peersIn).
func PeersFromRemoteSecrets(ctx context.Context, cfg *rest.Config, self string) (map[string]*rest.Config, []error, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	list, err := cs.CoreV1().Secrets("").List(ctx, metav1.ListOptions{LabelSelector: model.LabelMultiCluster + "=true"})
	if err != nil {
		return nil, nil, fmt.Errorf("list remote secrets: %w", err)
	}
	peers, skipped := peersIn(list.Items, self)
	return peers, skipped, nil
}

// peersIn returns a client configuration per key of the remote secrets (the
// peer's cluster ID), except self and keys reaching an API server already
// taken. The kubeconfigs are decoded in memory and never logged, printed or
// kept beyond the configurations; those live.PeerConfig refuses (a command
// to run, a local file to read) are skipped, naming the secret and key.
func peersIn(secrets []corev1.Secret, self string) (map[string]*rest.Config, []error) {
	out := map[string]*rest.Config{}
	hosts := map[string]bool{}
	var skipped []error
	for _, s := range secrets {
		if s.Name == "istio-kubeconfig" {
			continue // an external control plane's config secret, not a peer
		}
		for _, k := range slices.Sorted(maps.Keys(s.Data)) {
			if k == self || out[k] != nil {
				continue
			}
			rc, err := live.PeerConfig(s.Data[k])
			if err != nil {
				skipped = append(skipped, fmt.Errorf("remote secret %s/%s key %s: %w", s.Namespace, s.Name, k, err))
				continue
			}
			if hosts[rc.Host] {
				continue // the same cluster under another name
			}
			out[k], hosts[rc.Host] = rc, true
		}
	}
	return out, skipped
}
