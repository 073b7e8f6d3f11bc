package checks

import "github.com/meshcheck/meshcheck/config"

// ReviewOptionsFrom turns a configuration file's meshes, rule settings and
// exemptions into what a review applies. A nil configuration adds nothing.
func ReviewOptionsFrom(cfg *config.Config) ReviewOptions {
	var opt ReviewOptions
	if cfg == nil {
		return opt
	}
	opt.Meshes = cfg.Meshes
	opt.Settings = map[string]RuleSetting{}
	for code, r := range cfg.Rules {
		sev, _ := ParseSeverity(r.Severity) // validated when the file was loaded
		opt.Settings[code] = RuleSetting{Disabled: r.Disabled, Severity: sev}
	}
	for _, e := range cfg.Exemptions {
		opt.Exemptions = append(opt.Exemptions, Exemption{
			Rule: e.Rule, Cluster: e.Cluster, Kind: e.Kind, Namespace: e.Namespace, Name: e.Name,
			Reason: e.Reason, Origin: cfg.File,
		})
	}
	return opt
}
