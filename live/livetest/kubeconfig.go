package livetest

import (
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig builds a kubeconfig with one context per entry (context name
// to rest config), the first one current.
func Kubeconfig(names []string, cfgs map[string]*rest.Config) *clientcmdapi.Config {
	kc := clientcmdapi.NewConfig()
	for i, name := range names {
		cfg := cfgs[name]
		kc.Clusters[name] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
		kc.AuthInfos[name] = &clientcmdapi.AuthInfo{
			ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken,
		}
		kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
		if i == 0 {
			kc.CurrentContext = name
		}
	}
	return kc
}

// WriteKubeconfig writes Kubeconfig(names, cfgs) to path.
func WriteKubeconfig(path string, names []string, cfgs map[string]*rest.Config) error {
	return clientcmd.WriteToFile(*Kubeconfig(names, cfgs), path)
}

// KubeconfigBytes renders the kubeconfig of one context, as a remote
// secret holds it.
func KubeconfigBytes(name string, cfg *rest.Config) ([]byte, error) {
	return clientcmd.Write(*Kubeconfig([]string{name}, map[string]*rest.Config{name: cfg}))
}
