package referee

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// quietOnce silences controller-runtime's logger (envtest logs through it).
var quietOnce sync.Once

// APIServer is one test cluster: a real kube-apiserver and etcd (envtest)
// with Istio's CRDs installed.
type APIServer struct {
	env    *envtest.Environment
	Config *rest.Config
	Client kubernetes.Interface
}

// StartAPIServer starts a kube-apiserver and etcd from assets (the
// KUBEBUILDER_ASSETS directory) with the CRDs of crdFiles installed.
func StartAPIServer(assets string, crdFiles []string) (*APIServer, error) {
	quietOnce.Do(func() { ctrllog.SetLogger(logr.Discard()) })
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDInstallOptions:     envtest.CRDInstallOptions{Paths: crdFiles, ErrorIfPathMissing: true},
	}
	// istiod's services and endpoints live on loopback addresses, which the
	// default endpoint reconciler refuses to publish for the API server.
	env.ControlPlane.GetAPIServer().Configure().Set("endpoint-reconciler-type", "none")
	cfg, err := env.Start()
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("start kube-apiserver: %w", err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	return &APIServer{env: env, Config: cfg, Client: cs}, nil
}

// StartAPIServers starts n API servers in parallel.
func StartAPIServers(n int, assets string, crdFiles []string) ([]*APIServer, error) {
	out := make([]*APIServer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i], errs[i] = StartAPIServer(assets, crdFiles) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, s := range out {
			if s != nil {
				_ = s.Stop()
			}
		}
		return nil, err
	}
	return out, nil
}

// Stop stops the API server and etcd.
func (s *APIServer) Stop() error { return s.env.Stop() }

// Kubeconfig is a kubeconfig for the API server whose one context is named
// name; withCredential false leaves the user without a credential, as a
// remote secret with none would.
func (s *APIServer) Kubeconfig(name string, withCredential bool) ([]byte, error) {
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{Server: s.Config.Host, CertificateAuthorityData: s.Config.CAData}
	user := &clientcmdapi.AuthInfo{}
	if withCredential {
		user = &clientcmdapi.AuthInfo{ClientCertificateData: s.Config.CertData, ClientKeyData: s.Config.KeyData, Token: s.Config.BearerToken}
	}
	kc.AuthInfos[name] = user
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	kc.CurrentContext = name
	return clientcmd.Write(*kc)
}

// Wipe deletes what a fleet left in the API server, so that the next fleet
// starts from Istio's CRDs and the built-in namespaces: every namespace but
// the built-in ones is emptied of the kinds the referee creates and then
// deleted. Namespaces have no namespace controller here, so they would stay
// Terminating: they are emptied and kept, and their labels reset.
func (s *APIServer) Wipe(ctx context.Context) error {
	return wipe(ctx, s.Client)
}
