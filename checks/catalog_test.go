package checks

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestCatalogRequiresCompleteMetadata(t *testing.T) {
	const full = `# METADATA
# title: T
# description: D
# custom:
#   code: XX001
#   severity: warning
#   dimensions: [network]
#   scope: cluster
#   remediation: R
package meshcheck.rules.x.xx001

violation contains {"message": "m"} if false
`
	tests := []struct {
		name, drop, want string
	}{
		{"complete", "", ""},
		{"no code", "#   code: XX001\n", "custom.code"},
		{"no title", "# title: T\n", "title"},
		{"no severity", "#   severity: warning\n", "custom.severity"},
		{"no scope", "#   scope: cluster\n", "custom.scope"},
		{"no dimensions", "#   dimensions: [network]\n", "custom.dimensions"},
		{"no remediation", "#   remediation: R\n", "custom.remediation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(full, tt.drop, "", 1)
			if tt.drop == "" {
				src = full
			}
			m, err := ast.ParseModuleWithOpts("x.rego", src, ast.ParserOptions{ProcessAnnotation: true})
			if err != nil {
				t.Fatal(err)
			}
			c, err := compile(map[string]*ast.Module{"x.rego": m}, false)
			if err != nil {
				t.Fatal(err)
			}
			rules, err := catalog(c, func(string) bool { return false })
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want one naming %s", err, tt.want)
			case tt.want == "":
				r := rules["data.meshcheck.rules.x.xx001"]
				if r.Code != "XX001" || r.Severity != Warning || r.Docs != docsBase+"XX001.md" {
					t.Errorf("rule = %+v", r)
				}
			}
		})
	}
}
