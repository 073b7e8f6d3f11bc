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
	// Referee says how Istio's own control plane, run by the referee
	// (docs/referee.md), confirms the rule, or why it cannot
	// (custom.referee). Every built-in rule has one.
	Referee *Referee `json:"referee,omitempty"`
	// Istio names the Istio behaviour that makes a finding a failure
	// (custom.istio): the component, the code or doc that shows it, and the
	// versions and data-plane modes it applies to. Every built-in rule has one.
	Istio *Grounding `json:"istio,omitempty"`
}

// Referee is what the referee shows of a rule.
type Referee struct {
	// Fleets are the refereed fleets (repository paths) on which meshcheck
	// reports the rule and istiod shows what it says.
	Fleets []string `json:"fleets,omitempty"`
	// Note says what istiod shows there, or why it cannot show the rule.
	Note string `json:"note"`
}

// Grounding is the Istio behaviour a rule's severity follows from.
type Grounding struct {
	// Component is the Istio component that acts on the setting, e.g.
	// istiod (multicluster secret controller).
	Component string `json:"component"`
	// Source is the file and function of istio/istio, or the istio.io page,
	// that shows the behaviour.
	Source string `json:"source"`
	// Versions are the Istio releases it applies to, and the version it was
	// checked against.
	Versions string `json:"versions"`
	// Modes are the data-plane modes it applies to: sidecar, ambient or both.
	Modes string `json:"modes"`
}
