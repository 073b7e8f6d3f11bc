package report

import (
	"testing"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

func TestWhere(t *testing.T) {
	obj := model.ObjectRef{Kind: "Namespace", Name: "istio-system"}
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
