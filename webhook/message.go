package webhook

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/meshcheck/meshcheck/checks"
)

// maxWarning is the length the API server keeps of one admission warning.
const maxWarning = 256

// denyMessage names each rule code, what conflicts (the finding's message
// carries the values) and the fix.
func denyMessage(fs []checks.Finding) string {
	var b strings.Builder
	b.WriteString("meshcheck: this change would break the mesh:")
	for _, f := range fs {
		fmt.Fprintf(&b, "\n%s %s: %s", f.Rule, f.Title, f.Message)
		for _, r := range f.Related {
			if s := r.Object.String(); s != "" {
				fmt.Fprintf(&b, " (conflicts with %s", s)
				if r.Path != "" {
					fmt.Fprintf(&b, " %s", r.Path)
				}
				if r.Cluster != "" && r.Cluster != f.Cluster {
					fmt.Fprintf(&b, " in %s", r.Cluster)
				}
				b.WriteString(")")
			}
		}
		if fix := strings.TrimSpace(f.Remediation); fix != "" {
			fmt.Fprintf(&b, ". Fix: %s", strings.Join(strings.Fields(fix), " "))
		}
		if f.Docs != "" {
			fmt.Fprintf(&b, " (%s)", f.Docs)
		}
	}
	b.WriteString("\nTo exempt one object, annotate it " + checks.AnnotationPrefix + "<CODE>: <reason>.")
	return b.String()
}

// warning is one admission warning: short, as kubectl prints one per line.
func warning(f checks.Finding) string {
	s := f.Rule + ": " + f.Message
	if len(s) <= maxWarning {
		return s
	}
	cut := maxWarning - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// equalIgnoringMeta compares two objects, ignoring what every write
// changes (resourceVersion, generation, managed fields).
func equalIgnoringMeta(a, b map[string]any) bool {
	return reflect.DeepEqual(stripMeta(a), stripMeta(b))
}

func stripMeta(o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	for k, v := range o {
		out[k] = v
	}
	md, _ := o["metadata"].(map[string]any)
	m := make(map[string]any, len(md))
	for k, v := range md {
		switch k {
		case "resourceVersion", "generation", "managedFields":
		default:
			m[k] = v
		}
	}
	out["metadata"] = m
	return out
}
