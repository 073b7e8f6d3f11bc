package live

import (
	"errors"
	"fmt"
	"slices"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshcheck/meshcheck/model"
)

// Target is one cluster to read.
type Target struct {
	// Name is meshcheck's name for the cluster: the kubeconfig context, or
	// the remote-secret key (the Istio cluster ID) for a discovered peer.
	Name   string
	Config *rest.Config
	// Via names the cluster whose remote secret led to this one; "" for a
	// kubeconfig context.
	Via string
	// Secret is the remote-secret key in Via whose kubeconfig Config came
	// from; zero for a kubeconfig context.
	Secret model.SecretKeyRef
	// Err, when set, says why the context gives no usable configuration
	// (it names a cluster or user the kubeconfig lacks): the cluster is
	// reported with this error, as an unreachable one is, and not read.
	Err error
}

// Selection says which kubeconfig files and contexts make up the fleet.
type Selection struct {
	// Kubeconfigs are files merged in order, as in KUBECONFIG (the first
	// file that sets a value wins). Empty means KUBECONFIG, else ~/.kube/config.
	Kubeconfigs []string
	// Contexts to read; empty means the current context.
	Contexts []string
	// AllContexts reads every context of the merged kubeconfig.
	AllContexts bool
}

// Targets resolves the selection into rest configs, one per context. A
// context that gives no usable configuration is a target with Err set: one
// dangling context must not stop the others from being read.
func Targets(sel Selection) ([]Target, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if len(sel.Kubeconfigs) > 0 {
		rules = &clientcmd.ClientConfigLoadingRules{Precedence: sel.Kubeconfigs}
	}
	// Files named explicitly must exist; KUBECONFIG entries that do not
	// are skipped, as kubectl does.
	for _, p := range sel.Kubeconfigs {
		if _, err := clientcmd.LoadFromFile(p); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w", p, err)
		}
	}
	raw, err := rules.Load()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	names, err := contexts(raw, sel)
	if err != nil {
		return nil, err
	}
	out := make([]Target, 0, len(names))
	for _, name := range names {
		cc := clientcmd.NewNonInteractiveClientConfig(*raw, name, &clientcmd.ConfigOverrides{}, rules)
		cfg, err := cc.ClientConfig()
		if err != nil {
			out = append(out, Target{Name: name, Err: fmt.Errorf("context %s: %w", name, err)})
			continue
		}
		out = append(out, Target{Name: name, Config: cfg})
	}
	return out, nil
}

func contexts(raw *clientcmdapi.Config, sel Selection) ([]string, error) {
	switch {
	case sel.AllContexts:
		if len(sel.Contexts) > 0 {
			return nil, errors.New("--all-contexts and --context are exclusive")
		}
		var names []string
		for name := range raw.Contexts {
			names = append(names, name)
		}
		slices.Sort(names)
		if len(names) == 0 {
			return nil, errors.New("the kubeconfig has no contexts")
		}
		return names, nil
	case len(sel.Contexts) > 0:
		var names []string
		for _, name := range sel.Contexts {
			if _, ok := raw.Contexts[name]; !ok {
				return nil, fmt.Errorf("context %q is not in the kubeconfig", name)
			}
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		return names, nil
	default:
		if raw.CurrentContext == "" {
			return nil, errors.New("no current context: give --context NAME or --all-contexts")
		}
		return []string{raw.CurrentContext}, nil
	}
}
