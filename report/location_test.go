package report

import (
	"testing"

	"github.com/meshcheck/meshcheck/checks"
)

func TestPosition(t *testing.T) {
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
		if got := position(tt.file, tt.line, tt.col); got != tt.want {
			t.Errorf("position(%q, %d, %d) = %q, want %q", tt.file, tt.line, tt.col, got, tt.want)
		}
	}
}

func TestWhere(t *testing.T) {
	obj := checks.ObjectRef{Kind: "Namespace", Name: "istio-system"}
	tests := []struct {
		name string
		in   checks.Finding
		want string
	}{
		{"file wins", checks.Finding{File: "a.yaml", Line: 2, Object: obj}, "a.yaml:2"},
		{"cluster-scoped object", checks.Finding{Object: obj}, "Namespace istio-system"},
		{"nothing", checks.Finding{}, ""},
	}
	for _, tt := range tests {
		if got := where(tt.in); got != tt.want {
			t.Errorf("%s: where = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestInputWhere(t *testing.T) {
	tests := []struct {
		in   InputError
		want string
	}{
		{InputError{File: "a.yaml", Line: 1, Column: 2}, "a.yaml:1:2"},
		{InputError{Cluster: "west"}, "cluster west"},
		{InputError{Cluster: "west", File: "a.yaml"}, "cluster west a.yaml"},
		{InputError{}, ""},
	}
	for _, tt := range tests {
		if got := inputWhere(tt.in); got != tt.want {
			t.Errorf("inputWhere(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
