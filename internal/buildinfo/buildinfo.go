// Package buildinfo says which meshcheck this is, for both binaries: the
// version `meshcheck version`, `meshcheck --version` and
// `meshcheck-webhook --version` print, and the release archives, the SBOM and
// the image label carry. It reads what the build recorded and nothing else:
// it must not reach the network, the working tree or git.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// version is set at build time by make (and so by make release and make image):
// -ldflags "-X github.com/meshcheck/meshcheck/internal/buildinfo.version=...".
var version = "dev"

// Version is the -ldflags version, else the module version the go command
// recorded (v1.2.3 after `go install …@v1.2.3`), else "dev".
func Version() string {
	bi, _ := debug.ReadBuildInfo()
	return versionOf(version, bi)
}

// versionOf picks the version from the -X value and the build info (nil
// when the binary has none). "(devel)" is what the go command records for a
// build of the main module with no version control information.
func versionOf(ldflags string, bi *debug.BuildInfo) string {
	if ldflags != "" && ldflags != "dev" {
		return ldflags
	}
	if bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Info is what `meshcheck version -o json` prints.
type Info struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"` // vcs.revision, when the go command recorded it
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"` // GOOS/GOARCH
}

// Read returns the running binary's Info.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return infoOf(version, bi)
}

func infoOf(ldflags string, bi *debug.BuildInfo) Info {
	i := Info{Version: versionOf(ldflags, bi), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return i
	}
	i.Go = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			i.Commit = s.Value
		case "vcs.modified":
			i.Modified = s.Value == "true"
		}
	}
	return i
}
