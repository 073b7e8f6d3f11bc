package source

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

func TestMinNodes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"block mapping", "a: 1\nb:\n  c: 2\n", 3},
		{"block sequence", "- 1\n- - 2\n  - 3\n-\n", 5},
		{"flow", "a: [1, 2, {b: 3, c: 4}, 5,]\n", 8},
		{"minified JSON", `{"a":"b","c":[1,2],"d":{"e":"f"}}`, 7},
		{"quotes hide indicators", "a: \"x, y: - z\"\nb: 'it''s: [1, 2]'\n", 2},
		{"multi-line quotes", "a: \"x,\n  y: [1, 2]\n  z\"\n", 1},
		{"apostrophe in a plain scalar", "a: it's ok, [x]\n", 1},
		{"comments", "a: 1 # b: 2, - c\n# [1, 2, 3]\n", 1},
		{"block scalar", "a: |\n  b: 1\n  - [1, 2]\n\n  c: 3\nd: >-\n  e: 5\n", 2},
		{"block scalar in a sequence", "- k: |\n    x: 1\n  other: 2\n", 3},
		{"sequence of block scalars", "- |\n  x: 1\n- >\n  - y\n", 2},
		{"URL and plain brackets", "a: http://x/y\nb: foo[1, 2]\n", 2},
		{"properties", "a: &x [1, 2]\nb: !t {c: 1}\n", 4},
		{"marker line", "--- [1, 2, 3]\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := minNodes([]byte(tt.in), 1<<30); got != tt.want {
				t.Errorf("minNodes = %d, want %d", got, tt.want)
			}
			if actual := countNodes(t, []byte(tt.in)); tt.want > actual {
				t.Errorf("test wants %d, more than the %d nodes yaml.v3 builds", tt.want, actual)
			}
		})
	}
}

// countNodes parses text with yaml.v3 and counts the nodes it builds
// (aliases not expanded, document nodes not counted); -1 if it fails.
func countNodes(t testing.TB, text []byte) int {
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		c := 1
		for _, ch := range n.Content {
			c += count(ch)
		}
		return c
	}
	total := 0
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return total
		}
		if err != nil {
			return -1
		}
		total += count(&doc) - 1
	}
}

func TestHugeDocumentsAreRejectedBeforeParsing(t *testing.T) {
	flow := "[" + strings.Repeat("1,", 5000) + "1]"
	tests := []struct {
		name string
		doc  string
		line int
	}{
		{"flow sequence", "metadata: {name: big}\ndata: " + flow + "\n", 2},
		{"minified JSON", `{"a":` + flow + "}", 1},
		{"block sequence", strings.Repeat("- 1\n", 5000), 1001},
		{"after a value on its own line", "k:\n  v\nbig: " + flow + "\n", 3},
		{"after a quoted line that looks like a comment", "k: \"x\n# y\"\nbig: " + flow + "\n", 3},
		{"after a block scalar", "k: |\n  text\nbig: " + flow + "\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.doc + "\n---\nmetadata: {name: after}\n"
			objs, errs := Read(strings.NewReader(in), "big.yaml", Limits{MaxNodes: 1000})
			// The parsed-tree budget would say "once aliases are expanded".
			if len(errs) != 1 || !errors.Is(errs[0], ErrTooManyNodes) || strings.Contains(errs[0].Error(), "aliases") || errs[0].Line != tt.line {
				t.Fatalf("errors = %v, want %v from the text scan on line %d", errs, ErrTooManyNodes, tt.line)
			}
			if len(objs) != 1 || objs[0].Name() != "after" {
				t.Errorf("objects = %v, want the document after", summarize(objs, nil))
			}
		})
	}
}

// FuzzMinNodes checks the one property that matters: minNodes never counts
// more nodes than yaml.v3 builds, so it cannot reject a document that fits.
func FuzzMinNodes(f *testing.F) {
	for _, s := range []string{gateway, "a: [1, {b: 'c, d'}]\n- x\n", `{"a":[1,2]}`, "k: |\n  - a, b: c\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, _, err := checkText(data); err != nil {
			return // Read rejects such text (or transcodes UTF-16) before minNodes
		}
		actual := countNodes(t, data)
		if actual < 0 {
			return
		}
		if got, _ := minNodes(data, 1<<30); got > actual {
			t.Errorf("minNodes = %d, but yaml.v3 builds %d nodes", got, actual)
		}
	})
}
