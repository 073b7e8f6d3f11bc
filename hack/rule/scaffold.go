package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/format"

	"github.com/meshcheck/meshcheck/internal/rulecode"
)

//go:embed templates
var templates embed.FS

// Spec is the rule to scaffold.
type Spec struct {
	Code     rulecode.Code
	Title    string
	Severity string // error, warning or info
	Scope    string // object, cluster or fleet
}

var (
	severities = []string{"error", "warning", "info"}
	scopes     = []string{"object", "cluster", "fleet"}
)

// ParseSpec checks what the author gave, as the make target passes it.
func ParseSpec(code, title, severity, scope string) (Spec, error) {
	c, err := rulecode.Parse(code)
	if err != nil {
		return Spec{}, err
	}
	s := Spec{Code: c, Title: strings.TrimSpace(title), Severity: severity, Scope: scope}
	switch {
	case s.Title == "":
		return s, errors.New(`a title is required: TITLE="Gateways ... " (what holds when the rule passes)`)
	case !utf8.ValidString(s.Title) || strings.ContainsFunc(s.Title, unicode.IsControl):
		return s, fmt.Errorf("title %q: one line of text, please", s.Title)
	case len(s.Title) > 100:
		return s, fmt.Errorf("title %q: at most 100 characters (it is SARIF's short description); the rest goes in the description", s.Title)
	case !slices.Contains(severities, s.Severity):
		return s, fmt.Errorf("severity %q: want one of %s", s.Severity, strings.Join(severities, ", "))
	case !slices.Contains(scopes, s.Scope):
		return s, fmt.Errorf("scope %q: want one of %s", s.Scope, strings.Join(scopes, ", "))
	}
	return s, nil
}

// file is one file the scaffolder writes, relative to the repository.
type file struct {
	path, template string
	data           any
	rego           bool
}

// fixtureData fills the fixture templates of one cluster.
type fixtureData struct {
	Cluster string
	Label   string // the placeholder label's value; none when empty
}

// files lists what a rule needs: the Rego rule and its tests, a fail
// fixture the placeholder fires on (with expect.yaml pinning where) and a
// pass fixture modelled on Istio's multi-primary install.
func files(s Spec) []file {
	rule := path.Join(s.Code.Dir(), s.Code.Name()+".rego")
	out := []file{
		{path: rule, template: "rule.rego.tmpl", data: s, rego: true},
		{path: strings.TrimSuffix(rule, ".rego") + "_test.rego", template: "rule_test.rego.tmpl", data: s, rego: true},
	}
	fail := path.Join(s.Code.FixtureDir(), "fail", failCase)
	pass := path.Join(s.Code.FixtureDir(), "pass", passCase)
	// The placeholder fires on one labelled cluster, or on two clusters
	// whose labels differ.
	failLabels := map[string]string{"cluster1": `"true"`}
	if s.Scope == "fleet" {
		failLabels = map[string]string{"cluster1": "one", "cluster2": "two"}
	}
	for _, cluster := range []string{"cluster1", "cluster2"} {
		for _, c := range []struct {
			dir string
			fx  fixtureData
		}{{fail, fixtureData{cluster, failLabels[cluster]}}, {pass, fixtureData{cluster, ""}}} {
			out = append(out,
				file{path: path.Join(c.dir, cluster, "namespace.yaml"), template: "namespace.yaml.tmpl", data: c.fx},
				file{path: path.Join(c.dir, cluster, "control-plane.yaml"), template: "control-plane.yaml.tmpl", data: c.fx})
		}
	}
	// The finding is on the cluster the placeholder blames: cluster1's
	// label, or the later name of a fleet's two differing clusters.
	blamed := "cluster1"
	if s.Scope == "fleet" {
		blamed = "cluster2"
	}
	out = append(out, file{path: path.Join(fail, "expect.yaml"), template: "expect.yaml.tmpl",
		data: map[string]any{"Code": s.Code, "Cluster": blamed, "Line": namespaceLine(blamed)}})
	return out
}

// The fixture cases the scaffolder writes.
const (
	failCase = "placeholder-label"
	passCase = "multi-primary"
)

// namespaceLine is the line of the Namespace's name (the model's source of
// a namespace) in the fail fixture's namespace.yaml of cluster: where its
// finding points. The comments before it explain the placeholder label.
func namespaceLine(cluster string) int {
	b, err := render("namespace.yaml.tmpl", fixtureData{Cluster: cluster, Label: "x"})
	if err != nil {
		panic(err) // the embedded templates are tested
	}
	return slices.Index(strings.Split(string(b), "\n"), "  name: istio-system") + 1
}

var funcs = template.FuncMap{"yaml": yamlString, "upper": strings.ToUpper}

func render(name string, data any) ([]byte, error) {
	t, err := template.New(name).Funcs(funcs).ParseFS(templates, "templates/"+name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// plainYAML is text YAML reads back as the same string without quotes.
var plainYAML = regexp.MustCompile(`^[A-Za-z0-9(][^:#"'\\\x60{}\[\]|>&*!%@]*[^:#"'\\\x60{}\[\]|>&*!%@\s]$`)

// yamlString writes s as a YAML scalar for the METADATA block: plain when
// that reads back as s, double-quoted (JSON escapes) otherwise.
func yamlString(s string) string {
	if plainYAML.MatchString(s) && !strings.Contains(s, ", ") {
		return s
	}
	return strconv.Quote(s)
}

// Scaffold writes the new rule's files under root, a repository checkout,
// and returns their paths. It refuses a code some rule, fixture or doc page
// already holds, and writes nothing over an existing file; when a write
// fails, what it wrote is removed again.
func Scaffold(root string, s Spec) (written []string, err error) {
	used, err := inUse(root)
	if err != nil {
		return nil, err
	}
	if where, ok := used[s.Code.String()]; ok {
		return nil, fmt.Errorf("%s is in use (%s); the next free %s code is %s",
			s.Code, where, s.Code.Group.Dir, rulecode.Next(s.Code.Group, used))
	}
	for _, dir := range []string{s.Code.Dir(), s.Code.FixtureDir()} {
		if _, err := os.Stat(filepath.Join(root, dir)); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: exists already; remove it or pick another code", dir)
		}
	}
	defer func() {
		if err != nil {
			os.RemoveAll(filepath.Join(root, s.Code.Dir()))
			os.RemoveAll(filepath.Join(root, s.Code.FixtureDir()))
			written = nil
		}
	}()
	for _, f := range files(s) {
		b, err := render(f.template, f.data)
		if err != nil {
			return written, fmt.Errorf("%s: %w", f.path, err)
		}
		if f.rego {
			// As `opa fmt` would write it, so that make check-format holds.
			if b, err = format.Source(f.path, b); err != nil {
				return written, fmt.Errorf("%s: %w", f.path, err)
			}
		}
		p := filepath.Join(root, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, err
		}
		out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return written, err
		}
		_, err = out.Write(b)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("write %s: %w", f.path, err)
		}
		written = append(written, f.path)
	}
	return written, nil
}

// inUse lists the codes taken in the checkout at root.
func inUse(root string) (map[string]string, error) {
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(rulecode.RulesDir))); err != nil {
		return nil, fmt.Errorf("%s is not a meshcheck checkout (-root): %w", root, err)
	}
	return rulecode.InUse(os.DirFS(root))
}
