package livetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// CopyScenario copies the manifests of src into dst so that they can be
// applied to a cluster as they are: the kubeconfig under each remote-secret
// key that names a cluster of peers becomes a real one for that cluster,
// and objects without a name or namespace get one (the file's name,
// istio-system, as istioctl installs an IstioOperator). The fleet in files
// then describes the servers that run it, so lint and audit read the same
// manifests.
func CopyScenario(src, dst string, peers map[string]*rest.Config) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
			if b, err = rewrite(b, strings.TrimSuffix(d.Name(), filepath.Ext(path)), peers); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// clusterScoped are the kinds of the scenarios that have no namespace, with
// the resource Wipe deletes for those the model reads (Namespaces and
// Nodes are handled apart).
var clusterScoped = map[string]schema.GroupVersionResource{
	"Namespace": {}, "Node": {}, "ValidatingWebhookConfiguration": {},
	"ClusterRole": {}, "ClusterRoleBinding": {}, "CustomResourceDefinition": {},
	"MutatingWebhookConfiguration": {Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"},
	"Istio":                        {Group: "sailoperator.io", Version: "v1", Resource: "istios"},
	"IstioCNI":                     {Group: "sailoperator.io", Version: "v1", Resource: "istiocnis"},
	"ZTunnel":                      {Group: "sailoperator.io", Version: "v1", Resource: "ztunnels"},
}

func isClusterScoped(kind string) bool { _, ok := clusterScoped[kind]; return ok }

func rewrite(b []byte, base string, peers map[string]*rest.Config) ([]byte, error) {
	named := map[string]int{} // unnamed objects per kind in this file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if doc == nil {
			continue
		}
		kind, _ := doc["kind"].(string)
		md, _ := doc["metadata"].(map[string]any)
		if kind != "" && doc["apiVersion"] != nil {
			if md == nil {
				md = map[string]any{}
				doc["metadata"] = md
			}
			if md["name"] == nil || md["name"] == "" {
				named[kind]++
				md["name"] = base
				if n := named[kind]; n > 1 {
					md["name"] = fmt.Sprintf("%s-%d", base, n)
				}
			}
			if (md["namespace"] == nil || md["namespace"] == "") && !isClusterScoped(kind) {
				md["namespace"] = "istio-system"
			}
		}
		if kind == "Secret" && md != nil {
			labels, _ := md["labels"].(map[string]any)
			if fmt.Sprint(labels["istio/multiCluster"]) == "true" {
				for _, field := range []string{"stringData", "data"} {
					data, _ := doc[field].(map[string]any)
					for key := range data {
						cfg, ok := peers[key]
						if !ok {
							continue
						}
						kc, err := KubeconfigBytes(key, cfg)
						if err != nil {
							return nil, err
						}
						delete(data, key)
						sd, _ := doc["stringData"].(map[string]any)
						if sd == nil {
							sd = map[string]any{}
							doc["stringData"] = sd
						}
						sd[key] = string(kc)
					}
				}
			}
		}
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSpace(out.String()) + "\n"), nil
}
