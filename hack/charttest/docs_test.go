package charttest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// freeForm are values whose content is the user's (Kubernetes fields,
// .meshcheck.yaml, rule codes, labels): documented as a whole.
var freeForm = map[string]bool{
	"resources": true, "podSecurityContext": true, "securityContext": true, "affinity": true,
	"nodeSelector": true, "podAnnotations": true, "podLabels": true, "config": true,
	"enforcement.rules": true, "certificates.certManager.issuerRef": true, "metrics.serviceMonitor.labels": true,
}

// Every value of values.yaml is in docs/helm.md's table, as `path` or, in a
// row that names its parent, as `.last`.
func TestValuesDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "helm.md"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || freeForm[prefix] || (len(m) == 0 && prefix != "") {
			paths = append(paths, prefix)
			return
		}
		for k, c := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			walk(p, c)
		}
	}
	walk("", values(t, string(b)))
	sort.Strings(paths)
	if len(paths) < 20 {
		t.Fatalf("only %d values found: %v", len(paths), paths)
	}
	for _, p := range paths {
		if strings.Contains(string(doc), "`"+p+"`") {
			continue
		}
		i := strings.LastIndex(p, ".")
		documented := false
		for _, line := range strings.Split(string(doc), "\n") {
			if i > 0 && strings.HasPrefix(line, "| ") && strings.Contains(line, "`"+p[:i]+".") && strings.Contains(line, "`"+p[i:]+"`") {
				documented = true
			}
		}
		if !documented {
			t.Errorf("value %s is not in docs/helm.md", p)
		}
	}
}
