package source

import (
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// scalar types a scalar by its resolved tag: !!int to int64, !!float to
// float64, !!bool, !!null to nil, and everything else (!!str, !!timestamp,
// !!binary, custom tags) to its text. A value its tag cannot represent in
// JSON (an explicit `!!int abc`, .inf, .nan) stays text rather than failing
// the document: the linter should see what the user wrote.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		if b, ok := parseBool(n.Value); ok {
			return b
		}
	case "!!int":
		if v, ok := parseInt(n.Value); ok {
			return v
		}
	case "!!float":
		if f, ok := parseFloat(n.Value); ok {
			return f
		}
	}
	return n.Value
}

// parseBool accepts YAML 1.2 booleans, which is what yaml.v3 resolves plain
// scalars to, and the YAML 1.1 words, which only arrive with an explicit !!bool.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "on":
		return true, true
	case "false", "no", "n", "off":
		return false, true
	}
	return false, false
}

// parseInt follows yaml.v3's resolver: underscores are ignored and Go's
// base prefixes (0x, 0o, 0b, and a leading 0 for octal) apply. Integers
// beyond int64 become float64, as they would through JSON.
func parseInt(s string) (any, bool) {
	plain := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return i, true
	}
	if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return float64(u), true
	}
	if f, ok := parseFloat(s); ok {
		return f, true
	}
	return nil, false
}

// parseFloat accepts finite floats only: JSON has no Inf or NaN.
func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}
