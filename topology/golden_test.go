package topology_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/internal/golden"
	"github.com/meshcheck/meshcheck/source"
	"github.com/meshcheck/meshcheck/topology"
)

// fleets are the inputs of the golden tests: every official install model
// of the corpus (IOP form), a few real mistakes and the example fleet.
func fleets(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{"example-fleet": "../examples/fleet", "hostile-names": "testdata/fleets/hostile-names"}
	dirs, err := filepath.Glob("../testdata/corpus/*/iop")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus fleets: %v", err)
	}
	for _, d := range dirs {
		out["corpus-"+filepath.Base(filepath.Dir(d))] = d
	}
	for _, m := range []string{
		"01-different-root-ca", "02-different-trust-domain", "03-eastwest-gateway-missing",
		"03-namespace-network-label-mismatch", "05-remote-secret-name-differs-from-injection-path",
		"08-remote-without-remote-pilot-address", "17-mesh-id-unset",
	} {
		out["mistake-"+m] = filepath.Join("../testdata/mistakes", m)
	}
	return out
}

// view lints dir with the built-in rules and derives its view.
func view(t testing.TB, dir string) *topology.View {
	t.Helper()
	engine := checkstest.Engine(t)
	set := fileset.Read(fileset.Layout{Fleet: dir}, strings.NewReader(""), source.DefaultLimits())
	if len(set.Errors) > 0 {
		t.Fatalf("read %s: %v", dir, set.Errors[0].Err)
	}
	review, err := engine.Review(t.Context(), set.Clusters, checks.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return topology.Build(review.Fleet, review.Findings, engine.Rules())
}

func render(t testing.TB, v *topology.View, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := topology.Write(&b, format, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var goldenExt = map[string]string{"text": "txt", "ascii": "ascii", "mermaid": "mmd", "dot": "dot"}

// TestGolden pins each format on each fleet. Regenerate with
// `go test ./topology -run Golden -update` and read the diff.
func TestGolden(t *testing.T) {
	for name, dir := range fleets(t) {
		v := view(t, dir)
		for format, ext := range goldenExt {
			t.Run(name+"/"+format, func(t *testing.T) {
				got := render(t, v, format)
				golden.Check(t, filepath.Join("testdata", "golden", name+"."+ext), []byte(got))
			})
		}
	}
}

// TestDocsPictures keeps docs/topology.md honest: the committed SVG and the
// ASCII diagram in it are what meshcheck draws for the example fleet today.
// Regenerate the SVG with -update; paste the ASCII by hand.
func TestDocsPictures(t *testing.T) {
	v := view(t, "../examples/fleet")
	var svg bytes.Buffer
	if err := topology.WriteSVG(&svg, v); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("..", "docs", "topology-example-fleet.svg"), svg.Bytes())
	doc, err := os.ReadFile(filepath.Join("..", "docs", "topology.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ascii := render(t, v, "ascii")
	for name, text := range map[string][]byte{"docs/topology.md": doc, "README.md": readme} {
		if !strings.Contains(string(text), ascii) {
			t.Errorf("%s does not hold the current ASCII diagram of examples/fleet:\n%s", name, ascii)
		}
	}
}
