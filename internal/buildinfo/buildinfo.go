// Package buildinfo says which meshcheck this is, for both binaries.
package buildinfo

import "runtime/debug"

// version is set at build time:
// -ldflags "-X github.com/meshcheck/meshcheck/internal/buildinfo.version=...".
var version = "dev"

// Version is the -ldflags version, else the module version `go install`
// recorded, else "dev".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}
