package topology

import (
	"strings"
	"testing"
)

// Names come from untrusted inputs (directory names, YAML values): no name
// may end a Mermaid label or a DOT string early, or start a new line.
func FuzzEscapes(f *testing.F) {
	for _, s := range []string{"net1", `a"b`, "x\ny", `back\slash\"`, "a|b]c[d", "--> end", "#quot;", "```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m := mermaidText(s); strings.ContainsAny(m, "\"<>|`\n\r") {
			t.Errorf("mermaidText(%q) = %q keeps a delimiter", s, m)
		}
		if m := mermaidComment(s); strings.ContainsAny(m, "`\n\r") {
			t.Errorf("mermaidComment(%q) = %q could end its line or a Markdown fence", s, m)
		}
		d := dotQuote(s)
		inner := d[1 : len(d)-1]
		if strings.Contains(inner, "\n") {
			t.Errorf("dotQuote(%q) = %q keeps a newline", s, d)
		}
		// Every quote inside is escaped by an odd run of backslashes, and
		// the closing quote is not escaped.
		for i := 0; i <= len(inner); i++ {
			if i < len(inner) && inner[i] != '"' {
				continue
			}
			n := 0
			for j := i - 1; j >= 0 && inner[j] == '\\'; j-- {
				n++
			}
			if i < len(inner) && n%2 == 0 {
				t.Errorf("dotQuote(%q) = %q has an unescaped quote", s, d)
			}
			if i == len(inner) && n%2 == 1 {
				t.Errorf("dotQuote(%q) = %q escapes its closing quote", s, d)
			}
		}
	})
}
