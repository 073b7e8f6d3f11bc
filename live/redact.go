package live

import (
	"encoding/base64"
	"encoding/pem"
	"maps"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// Redacted replaces every secret value a snapshot keeps.
const Redacted = "meshcheck-redacted"

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// redact returns a copy of obj fit to be written: Secrets keep the facts
// the model derives (kubeconfig skeletons with a credential marker, public
// certificates) and nothing else; every object loses its managed fields
// and last-applied annotation, which can hold a Secret's data.
func redact(obj *source.Object) map[string]any {
	out := maps.Clone(obj.Data)
	md, _ := out["metadata"].(map[string]any)
	md = maps.Clone(md)
	delete(md, "managedFields")
	if ann, ok := md["annotations"].(map[string]any); ok {
		ann = maps.Clone(ann)
		delete(ann, lastApplied)
		md["annotations"] = ann
	}
	out["metadata"] = md
	if obj.Kind() != "Secret" {
		return out
	}
	// Written back as data, as the cluster returned it, so that findings
	// name the same paths (data.<key>) when lint reads the snapshot.
	delete(out, "stringData")
	data := map[string]any{}
	for _, key := range secretKeys(obj) {
		v := secretValue(obj, key)
		switch {
		case isTrue(obj.Label(model.LabelMultiCluster)):
			v = kubeconfigSkeleton(v)
		default:
			v = publicCerts(v)
		}
		data[key] = base64.StdEncoding.EncodeToString(v)
	}
	out["data"] = data
	return out
}

// kubeconfigSkeleton keeps the names, servers and contexts of a kubeconfig,
// and a marker where a credential was, so that the model derives the same
// facts. Anything that does not parse becomes the marker alone.
func kubeconfigSkeleton(b []byte) []byte {
	cfg, err := clientcmd.Load(b)
	if err != nil {
		return []byte(Redacted)
	}
	sk := clientcmdapi.NewConfig()
	sk.CurrentContext = cfg.CurrentContext
	for name, c := range cfg.Clusters {
		sk.Clusters[name] = &clientcmdapi.Cluster{Server: c.Server}
	}
	for name, c := range cfg.Contexts {
		sk.Contexts[name] = &clientcmdapi.Context{Cluster: c.Cluster, AuthInfo: c.AuthInfo, Namespace: c.Namespace}
	}
	for name, u := range cfg.AuthInfos {
		red := &clientcmdapi.AuthInfo{}
		if u.Token != "" || u.TokenFile != "" || len(u.ClientKeyData) > 0 || u.ClientKey != "" ||
			u.Exec != nil || u.AuthProvider != nil || u.Password != "" {
			red.Token = Redacted
		}
		sk.AuthInfos[name] = red
	}
	out, err := clientcmd.Write(*sk)
	if err != nil {
		return []byte(Redacted)
	}
	return out
}

// publicCerts keeps the CERTIFICATE blocks of a PEM value; a value with
// none (a private key, anything else) becomes the marker, so the key's
// presence is still known.
func publicCerts(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: blk.Bytes})...)
		}
	}
	if out == nil {
		return []byte(Redacted)
	}
	return out
}

// isTrue reads a label such as istio/multiCluster, set to "true" in any case.
func isTrue(v string, set bool) bool { return set && strings.EqualFold(v, "true") }
