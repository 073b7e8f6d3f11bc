// Package charttest lints, packages and (in its tests) renders and installs
// meshcheck's Helm chart, deploy/chart/meshcheck, with the Helm Go SDK. It
// is a module of its own so that meshcheck's go.mod does not take Helm's
// dependencies; `make chart-test`, `make chart-lint` and `make chart-package`
// (hack/chart.mk) run it. It must not be imported by meshcheck.
package charttest

import (
	"fmt"
	"os"
	"regexp"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// notSemVer is what a pre-release identifier cannot hold.
var notSemVer = regexp.MustCompile(`[^0-9A-Za-z.-]+`)

// Versions turns meshcheck's version (the Git tag, or `git describe` of a
// commit: v1.2.3, v1.2.3-4-gabc1234-dirty, abc1234, dev) into the chart's
// version (SemVer without the v: 1.2.3, 1.2.3-4-gabc1234-dirty,
// 0.0.0-abc1234) and its appVersion, which is the version as given: the
// image's tag, as `make image` tags it.
func Versions(version string) (chartVersion, appVersion string, err error) {
	if version == "" {
		return "", "", fmt.Errorf("empty version")
	}
	if v, err := semver.StrictNewVersion(trimV(version)); err == nil {
		return v.String(), version, nil
	}
	pre := notSemVer.ReplaceAllString(version, "-")
	for _, c := range []string{"0.0.0-" + pre, "0.0.0-g" + pre} { // a numeric identifier may not start with 0
		if v, err := semver.StrictNewVersion(c); err == nil {
			return v.String(), version, nil
		}
	}
	return "", "", fmt.Errorf("version %q: no SemVer chart version can be made from it", version)
}

func trimV(s string) string {
	if len(s) > 1 && s[0] == 'v' {
		return s[1:]
	}
	return s
}

// Package writes the chart in dir, with its version and appVersion stamped
// from version (Versions), as out/<name>-<chart version>.tgz, and returns
// that path. The chart in dir is not changed.
func Package(dir, version, out string) (string, error) {
	cv, av, err := Versions(version)
	if err != nil {
		return "", err
	}
	ch, err := loader.LoadDir(dir)
	if err != nil {
		return "", fmt.Errorf("load chart %s: %w", dir, err)
	}
	ch.Metadata.Version = cv
	ch.Metadata.AppVersion = av
	if err := ch.Validate(); err != nil {
		return "", fmt.Errorf("chart %s at %s: %w", dir, version, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	return chartutil.Save(ch, out)
}

// Lint runs Helm's chart linter (what `helm lint --strict` runs) on the
// chart in dir with values, and returns the messages at warning severity or
// above.
func Lint(dir string, values map[string]any) ([]support.Message, error) {
	l := action.NewLint()
	l.Strict = true
	l.Namespace = "meshcheck-system"
	res := l.Run([]string{dir}, values)
	if len(res.Errors) > 0 && len(res.Messages) == 0 {
		return nil, fmt.Errorf("lint %s: %v", dir, res.Errors)
	}
	var bad []support.Message
	for _, m := range res.Messages {
		if m.Severity >= support.WarningSev {
			bad = append(bad, m)
		}
	}
	return bad, nil
}
