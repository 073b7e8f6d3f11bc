package source

import (
	"errors"
	"testing"
)

func TestErrorString(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{File: "a.yaml", Line: 3, Column: 7, Err: boom}, "a.yaml:3:7: boom"},
		{&Error{File: "a.yaml", Line: 3, Err: boom}, "a.yaml:3: boom"},
		{&Error{File: "a.yaml", Err: boom}, "a.yaml: boom"},
		{&Error{File: "a.yaml", Column: 7, Err: boom}, "a.yaml: boom"},
		{&Error{Err: boom}, "boom"},
		{&Error{File: "-", Line: 1}, "-:1: unknown error"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if !errors.Is(&Error{Err: boom}, boom) {
		t.Error("Error does not unwrap to its cause")
	}
}

func TestSyntaxErrorLines(t *testing.T) {
	// yaml.v3's parser reports 0-based lines and its scanner 1-based ones;
	// both leave the line out when it is the first.
	tests := []struct {
		msg  string
		line int
		want string
	}{
		{"yaml: line 4: did not find expected ',' or '}'", 5, "invalid YAML: did not find expected ',' or '}'"},
		{"yaml: did not find expected node content", 1, "invalid YAML: did not find expected node content"},
		{"yaml: line 4: mapping values are not allowed in this context", 4, "invalid YAML: mapping values are not allowed in this context"},
		{"yaml: mapping values are not allowed in this context", 1, "invalid YAML: mapping values are not allowed in this context"},
		{"yaml: unknown anchor 'x' referenced", 3, "invalid YAML: unknown anchor 'x' referenced"},
		{"something else", 1, "invalid YAML: something else"},
	}
	text := []byte("a: 1\nb: 2\nc: *x\n")
	for _, tt := range tests {
		got := syntaxError(errors.New(tt.msg), text)
		if got.line != tt.line || got.err.Error() != tt.want || !errors.Is(got, ErrSyntax) {
			t.Errorf("syntaxError(%q) = line %d %q, want line %d %q", tt.msg, got.line, got.err, tt.line, tt.want)
		}
	}
}

// Position leaves out what is unknown.
func TestPositionOfAPlace(t *testing.T) {
	tests := []struct {
		file      string
		line, col int
		want      string
	}{
		{"a.yaml", 3, 4, "a.yaml:3:4"},
		{"a.yaml", 3, 0, "a.yaml:3"},
		{"a.yaml", 0, 4, "a.yaml"}, // a column without a line means nothing
		{"a.yaml", 0, 0, "a.yaml"},
		{"", 3, 4, ""}, // nor does a line without a file
	}
	for _, tt := range tests {
		if got := Position(tt.file, tt.line, tt.col); got != tt.want {
			t.Errorf("Position(%q, %d, %d) = %q, want %q", tt.file, tt.line, tt.col, got, tt.want)
		}
	}
}
