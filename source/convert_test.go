package source

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readOne reads in and returns the single object's data or the single error.
func readOne(t *testing.T, in string) (map[string]any, *Error) {
	t.Helper()
	objs, errs := Read(strings.NewReader(in), "t.yaml", Limits{})
	switch {
	case len(errs) == 1 && len(objs) == 0:
		return nil, errs[0]
	case len(errs) == 0 && len(objs) == 1:
		return objs[0].Data, nil
	}
	t.Fatalf("Read(%q): %d objects, errors %v", in, len(objs), errs)
	return nil, nil
}

func TestScalars(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"1", int64(1)},
		{"-42", int64(-42)},
		{"0x1F", int64(31)},
		{"0o17", int64(15)},
		{"0777", int64(511)},
		{"1_000", int64(1000)},
		{"-9223372036854775808", int64(-9223372036854775808)},
		{"12345678901234567890", float64(12345678901234567890)},
		{"1.5", 1.5},
		{"1e3", 1000.0},
		{"!!float 1", 1.0},
		{".inf", ".inf"},
		{"-.Inf", "-.Inf"},
		{".nan", ".nan"},
		{"true", true},
		{"False", false},
		{"yes", "yes"},
		{"!!bool yes", true},
		{"~", nil},
		{"null", nil},
		{"", nil},
		{"'1'", "1"},
		{`"true"`, "true"},
		{"!!str 1", "1"},
		{"!!int abc", "abc"},
		{"2001-12-14", "2001-12-14"},
		{"2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00"},
		{"!!binary aGk=", "aGk="},
		{"!custom thing", "thing"},
		{"|\n  two\n  lines", "two\nlines\n"},
		{"[1, a, {b: c}]", []any{int64(1), "a", map[string]any{"b": "c"}}},
		{"<<", "<<"},
	}
	for _, tt := range tests {
		data, err := readOne(t, "v: "+tt.in+"\n")
		if err != nil {
			t.Errorf("v: %s: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, data["v"]); diff != "" {
			t.Errorf("v: %s (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestMappings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]any
	}{{
		name: "merge list: explicit keys win, then earlier sources",
		in:   "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nm:\n  <<: [*a, *b]\n  x: 0\n",
		want: map[string]any{
			"a": map[string]any{"x": int64(1), "y": int64(1)},
			"b": map[string]any{"y": int64(2), "z": int64(2)},
			"m": map[string]any{"x": int64(0), "y": int64(1), "z": int64(2)},
		},
	}, {
		name: "merge of an inline mapping and nested merges",
		in:   "base: &base {<<: {deep: 1}, top: 1}\nm: {<<: *base, own: 1}\n",
		want: map[string]any{
			"base": map[string]any{"deep": int64(1), "top": int64(1)},
			"m":    map[string]any{"deep": int64(1), "top": int64(1), "own": int64(1)},
		},
	}, {
		name: "quoted << is an ordinary key",
		in:   `"<<": {a: 1}` + "\n",
		want: map[string]any{"<<": map[string]any{"a": int64(1)}},
	}, {
		name: "aliases are copies",
		in:   "a: &x [1, 2]\nb: *x\n",
		want: map[string]any{"a": []any{int64(1), int64(2)}, "b": []any{int64(1), int64(2)}},
	}, {
		name: "non-string keys become strings",
		in:   "80: http\ntrue: yes\n~: nothing\n1.50: price\n? [a, b]\n: pair\n? {k: v}\n: map\n",
		want: map[string]any{
			"80": "http", "true": "yes", "null": "nothing", "1.50": "price",
			`["a","b"]`: "pair", `{"k":"v"}`: "map",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := readOne(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, data); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMappingErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line, col int
		want      error
	}{
		{"merge of a scalar", "a: 1\nm:\n  <<: 1\n", 3, 7, ErrSyntax},
		{"merge of a list of scalars", "m:\n  <<: [1]\n", 2, 8, ErrSyntax},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, ErrSyntax},
		{"duplicate key after conversion", "1: a\n0x1: b\n'1': c\n", 3, 1, ErrSyntax},
		{"alias inside its own anchor", "a: &a\n  b: *a\n", 2, 6, ErrSyntax},
		{"alias inside its own anchor via merge", "a: &a\n  <<: *a\n", 2, 7, ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readOne(t, tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Line != tt.line || err.Column != tt.col || !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %d:%d and %v", err, tt.line, tt.col, tt.want)
			}
		})
	}
}
