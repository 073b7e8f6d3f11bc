// Package policies holds meshcheck's built-in Rego rules, one directory per
// rule under rules/<group>/<code>/ with its _test.rego beside it, and the
// shared libraries under lib/. The files are embedded in the binary; this
// package holds no logic.
package policies

import "embed"

// FS holds lib/ and rules/, tests included (meshcheck verify runs them).
//
//go:embed lib rules
var FS embed.FS
