package source

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotEvaluated marks an input that was recognised and deliberately not
// read: it is listed as not evaluated, never counted as an input error.
var ErrNotEvaluated = errors.New("not evaluated")

// errChartTemplate is the reason given for a Helm chart's template.
var errChartTemplate = fmt.Errorf("%w: a Helm chart template (meshcheck reads values files and rendered manifests, not the chart's templates)", ErrNotEvaluated)

// chartDirs remembers, per directory, whether it holds a Chart.yaml, so that
// a chart's many templates cost one stat.
type chartDirs map[string]bool

// template says whether file is a template of a Helm chart: a file in the
// templates/ directory (or below it) of a directory that holds Chart.yaml.
func (c chartDirs) template(file string) bool {
	for dir := filepath.Dir(filepath.Clean(file)); ; {
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		if filepath.Base(dir) == "templates" && c.chart(parent) {
			return true
		}
		dir = parent
	}
}

func (c chartDirs) chart(dir string) bool {
	is, ok := c[dir]
	if !ok {
		_, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
		is = err == nil
		c[dir] = is
	}
	return is
}

// templateActions says whether text holds Go template actions ({{ ... }}).
// A document that does not parse and holds them is a template of some kind
// (Helm, Argo CD, helmfile): not evaluated rather than an input error.
func templateActions(text []byte) bool {
	i := bytes.Index(text, []byte("{{"))
	return i >= 0 && bytes.Contains(text[i:], []byte("}}"))
}
