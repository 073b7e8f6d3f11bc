package webhook

import (
	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/config"
)

// Enforcement is what the webhook does with a finding a request introduces.
type Enforcement string

// Enforcements, as written in .meshcheck.yaml rules.<CODE>.enforcement.
const (
	// Deny refuses the request.
	Deny Enforcement = "deny"
	// Warn allows it with an admission warning (kubectl prints it).
	Warn Enforcement = "warn"
	// DryRun allows it silently; the finding is only logged and counted.
	DryRun Enforcement = "dryrun"
)

// Enforcements reads the per-rule enforcement of a configuration.
func Enforcements(cfg *config.Config) map[string]Enforcement {
	out := map[string]Enforcement{}
	if cfg == nil {
		return out
	}
	for code, r := range cfg.Rules {
		if r.Enforcement != "" {
			out[code] = Enforcement(r.Enforcement)
		}
	}
	return out
}

// enforcementOf is the configured enforcement of f's rule, or the default
// for its severity: errors deny, warnings warn, infos are only recorded.
func enforcementOf(f checks.Finding, set map[string]Enforcement) Enforcement {
	if e, ok := set[f.Rule]; ok {
		return e
	}
	switch f.Severity {
	case checks.Error:
		return Deny
	case checks.Warning:
		return Warn
	}
	return DryRun
}
