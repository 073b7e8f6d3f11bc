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
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			return false
		}
		if k == "metadata" {
			mx, _ := x.(map[string]any)
			my, _ := y.(map[string]any)
			if !equalMetadata(mx, my) {
				return false
			}
		} else if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// equalMetadata compares metadata without what every write changes, and
// without copying it: it runs on every UPDATE request.
func equalMetadata(a, b map[string]any) bool {
	volatile := func(k string) bool {
		return k == "resourceVersion" || k == "generation" || k == "managedFields"
	}
	n := 0
	for k, x := range a {
		if volatile(k) {
			continue
		}
		if y, ok := b[k]; !ok || !reflect.DeepEqual(x, y) {
			return false
		}
		n++
	}
	for k := range b {
		if !volatile(k) {
			n--
		}
	}
	return n == 0
}
