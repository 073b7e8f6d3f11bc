package source

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// billionLaughs builds the classic alias bomb: each of 9 levels lists the
// previous one 9 times, so it expands to 9^9 (about 387 million) strings.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n")
	b.WriteString(`  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		items := strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",")
		fmt.Fprintf(&b, "  %s: &%s [%s]\n", name, name, items)
		prev = name
	}
	return b.String()
}

func TestAliasBombIsRejected(t *testing.T) {
	// A good document after the bomb must survive it.
	in := billionLaughs() + "---\nmetadata: {name: after}\n"
	objs, errs := Read(strings.NewReader(in), "bomb.yaml", Limits{})
	if len(errs) != 1 || !errors.Is(errs[0], ErrTooManyNodes) {
		t.Fatalf("errors = %v, want one %v", errs, ErrTooManyNodes)
	}
	// 9^7 > 1_000_000: level g (line 11) is where the count runs over.
	if e := errs[0]; e.File != "bomb.yaml" || e.Line != 11 {
		t.Errorf("error at %s:%d, want bomb.yaml:11", e.File, e.Line)
	}
	if len(objs) != 1 || objs[0].Name() != "after" {
		t.Errorf("objects = %v, want the document after the bomb", summarize(objs, nil))
	}
}

func TestNodeAndDepthLimits(t *testing.T) {
	tests := []struct {
		name string
		in   string
		lim  Limits
		want error
		line int
	}{
		{"nodes", "a: [1, 2, 3, 4]\nb: [5, 6]\n", Limits{MaxNodes: 8}, ErrTooManyNodes, 2},
		{"nodes fit", "a: [1, 2, 3, 4]\n", Limits{MaxNodes: 8}, nil, 0},
		{"aliases count", "a: &a [1, 2, 3]\nb: *a\n", Limits{MaxNodes: 9}, ErrTooManyNodes, 2},
		{"flow depth", "a: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n", Limits{}, ErrTooDeep, 1},
		{"depth fits", "a: " + strings.Repeat("[", 190) + strings.Repeat("]", 190) + "\n", Limits{}, nil, 0},
		{"depth through an alias", "a: &a [[[[1]]]]\nb: [[*a]]\n", Limits{MaxDepth: 6}, ErrTooDeep, 2},
		{"depth through an alias fits", "a: &a [[[[1]]]]\nb: [*a]\n", Limits{MaxDepth: 7}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Read(strings.NewReader(tt.in), "l.yaml", tt.lim)
			if tt.want == nil {
				if len(errs) != 0 {
					t.Fatalf("errors = %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 || !errors.Is(errs[0], tt.want) || errs[0].Line != tt.line {
				t.Fatalf("errors = %v, want %v on line %d", errs, tt.want, tt.line)
			}
		})
	}
}

// endless is an io.Reader that never ends and counts what was read from it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "a: 1\n"[(e.n+int64(i))%5]
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestFileSizeLimit(t *testing.T) {
	lim := Limits{MaxFileBytes: 1000}
	r := &endless{}
	objs, errs := Read(r, "huge.yaml", lim)
	if len(objs) != 0 || len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || errs[0].File != "huge.yaml" {
		t.Fatalf("Read(endless) = %d objects, %v; want one %v", len(objs), errs, ErrTooLarge)
	}
	if r.n > lim.MaxFileBytes+1 {
		t.Errorf("read %d bytes for a %d byte limit", r.n, lim.MaxFileBytes)
	}

	exact := strings.Repeat("#", 995) + "\na: 1"
	if objs, errs := Read(strings.NewReader(exact), "exact.yaml", lim); len(objs) != 1 || len(errs) != 0 {
		t.Errorf("file of exactly the limit: %d objects, %v", len(objs), errs)
	}
	if _, errs := Read(io.MultiReader(strings.NewReader(exact), strings.NewReader("\n")), "over.yaml", lim); len(errs) != 1 {
		t.Errorf("file one byte over the limit: errors %v", errs)
	}
}

func TestDefaultLimits(t *testing.T) {
	if got := (Limits{}).withDefaults(); got != DefaultLimits() {
		t.Errorf("zero Limits = %+v, want the defaults %+v", got, DefaultLimits())
	}
}
