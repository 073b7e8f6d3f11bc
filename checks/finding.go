package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/meshcheck/meshcheck/model"
)

// Severity orders findings; the zero value is invalid on purpose so a rule
// without a severity is caught by the catalog, not silently treated as info.
type Severity int

// Severities, lowest first, so that comparisons read naturally (s >= Warning).
const (
	Info Severity = iota + 1
	Warning
	Error
)

// ParseSeverity accepts the spellings used in rule metadata, configuration
// and flags (REFERENCE.md writes "warn" as often as "warning").
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// MarshalText makes severities read as words in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one rule violation. Its JSON form is a public contract
// (docs/findings.md): keys are snake_case and only ever added to.
type Finding struct {
	Rule        string          `json:"rule"`
	Severity    Severity        `json:"severity"`
	Title       string          `json:"title"`
	Message     string          `json:"message"`
	Remediation string          `json:"remediation,omitempty"`
	Docs        string          `json:"docs,omitempty"`
	Cluster     string          `json:"cluster,omitempty"`
	ClusterID   string          `json:"cluster_id,omitempty"`
	Object      model.ObjectRef `json:"object"`
	Path        string          `json:"path,omitempty"`
	File        string          `json:"file,omitempty"`
	Line        int             `json:"line,omitempty"`
	Column      int             `json:"column,omitempty"`
	// Related names the other places involved (the other cluster's value in a
	// fleet conflict), so a reader can jump to both sides; without the
	// resource version, which the JSON form does not carry.
	Related []model.Source `json:"related,omitempty"`
	// Suppressed is set when an exemption matched; SuppressedBy says which.
	Suppressed   bool   `json:"suppressed,omitempty"`
	SuppressedBy string `json:"suppressed_by,omitempty"`
}

// Sort orders findings deterministically: by cluster, file, position, rule
// and message, so outputs and tests are stable whatever order Rego returns.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Cluster, b.Cluster),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Summary counts findings by severity; suppressed ones are counted apart.
type Summary struct {
	Total      int `json:"total"`
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Infos      int `json:"infos"`
	Suppressed int `json:"suppressed"`
	Clusters   int `json:"clusters"`
	Files      int `json:"files"`
}

// Summarize counts fs. clusters and files describe what was read.
func Summarize(fs []Finding, clusters, files int) Summary {
	s := Summary{Clusters: clusters, Files: files}
	for _, f := range fs {
		if f.Suppressed {
			s.Suppressed++
			continue
		}
		s.Total++
		switch f.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		case Info:
			s.Infos++
		}
	}
	return s
}

// Highest returns the highest severity among the unsuppressed findings, or 0.
func Highest(fs []Finding) Severity {
	var h Severity
	for _, f := range fs {
		if !f.Suppressed && f.Severity > h {
			h = f.Severity
		}
	}
	return h
}
