package checks

// Rule is one entry of the catalog, read from the METADATA block of a Rego
// rule package. The Rego file is the single source of truth; nothing here is
// written by hand in Go.
type Rule struct {
	Code        string   `json:"code"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	Dimensions  []string `json:"dimensions"`
	// Scope is object, cluster or fleet: how much of the fleet the rule
	// needs to decide (REFERENCE.md §2 O, C, M).
	Scope       string `json:"scope"`
	Remediation string `json:"remediation"`
	Docs        string `json:"docs"`
	// Package is the Rego package path, e.g. data.meshcheck.rules.network.nw001.
	Package string `json:"package"`
	// Builtin is false for rules added with --policy.
	Builtin bool `json:"builtin"`
	// LiveOnly rules fire only on what a live audit learns (custom.live_only).
	LiveOnly bool `json:"live_only,omitempty"`
}
