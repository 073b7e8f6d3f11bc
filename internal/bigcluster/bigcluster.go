// Package bigcluster builds the cluster the webhook's benchmark and load
// test run against, so that both measure the same one: the Istio objects of
// some manifest files, as an API server stores them, and namespaces up to n
// objects, as a large cluster's cache holds (every Namespace is watched).
package bigcluster

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Files are the default manifests: the webhook's test cluster and a cacerts
// Secret, as a cluster sharing a root of trust has.
var Files = []string{"webhook/testdata/cluster.yaml", "examples/fleet/us-east/cacerts.yaml"}

// Objects reads files (relative to root) and adds namespaces up to n
// objects. Callers reduce them as their cache would.
func Objects(root string, files []string, n int) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, file := range files {
		b, err := os.ReadFile(root + "/" + file)
		if err != nil {
			return nil, err
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			j, err := yaml.YAMLToJSON([]byte(doc))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if string(j) == "null" || string(j) == "{}" {
				continue
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(j); err != nil { // integers as int64, as from the API server
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			asStored(u)
			out = append(out, u)
		}
	}
	for i := len(out); i < n; i++ {
		ns := &unstructured.Unstructured{}
		ns.SetAPIVersion("v1")
		ns.SetKind("Namespace")
		ns.SetName(fmt.Sprintf("team-%05d", i))
		ns.SetLabels(map[string]string{"kubernetes.io/metadata.name": ns.GetName(), "istio-injection": "enabled"})
		out = append(out, ns)
	}
	return out, nil
}

// asStored turns a Secret's stringData into data, as the API server does.
func asStored(u *unstructured.Unstructured) {
	sd, ok := u.Object["stringData"].(map[string]any)
	if !ok {
		return
	}
	d, _ := u.Object["data"].(map[string]any)
	if d == nil {
		d = map[string]any{}
	}
	for k, v := range sd {
		s, _ := v.(string)
		d[k] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	u.Object["data"] = d
	delete(u.Object, "stringData")
}
