package gitops

import "strings"

// Substitute replaces the post-build variables of a Flux Kustomization in
// s: ${var}, and ${var:=default} / ${var:-default} (the default when var is
// unset or empty) / ${var=default} / ${var-default} (when var is unset).
// $${ is an escaped ${. A variable with no value, and a form Flux knows and
// meshcheck does not evaluate (${var/x/y}, ${#var}, ...), stays as written,
// which the model reads as unknown, never as a literal value: Flux would
// substitute an empty string or evaluate it. unknown lists such variables.
func Substitute(s string, vars map[string]string) (out string, unknown []string) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 3
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte('$')
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		expr := s[i+2 : i+end]
		if v, ok := evalVar(expr, vars); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+end+1])
			unknown = append(unknown, firstNonEmpty(varName(expr), expr, s[i:i+end+1]))
		}
		i += end + 1
	}
	return b.String(), unknown
}

// evalVar evaluates the inside of ${...}, or returns false when its value
// is not known.
func evalVar(expr string, vars map[string]string) (string, bool) {
	name := varName(expr)
	if name == "" {
		return "", false
	}
	v, set := vars[name]
	switch op := expr[len(name):]; {
	case op == "":
		return v, set
	case strings.HasPrefix(op, ":=") || strings.HasPrefix(op, ":-"):
		if set && v != "" {
			return v, true
		}
		return op[2:], true
	case strings.HasPrefix(op, "=") || strings.HasPrefix(op, "-"):
		if set {
			return v, true
		}
		return op[1:], true
	}
	return "", false
}

// varName returns the variable name an expression starts with.
func varName(expr string) string {
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return expr[:i]
		}
	}
	return expr
}
