package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		name, in, data, property string
	}{
		{"plain", "abc", "abc", "abc"},
		{"percent first", "100%", "100%25", "100%25"},
		{"escape is not escaped again", "%0A", "%250A", "%250A"},
		{"newlines", "a\r\nb\nc", "a%0D%0Ab%0Ac", "a%0D%0Ab%0Ac"},
		{"colon and comma", "a: b, c", "a: b, c", "a%3A b%2C c"},
		{"all", "50%: x,\ny", "50%25: x,%0Ay", "50%25%3A x%2C%0Ay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ghData.Replace(tt.in); got != tt.data {
				t.Errorf("data escape of %q = %q, want %q", tt.in, got, tt.data)
			}
			if got := ghProperty.Replace(tt.in); got != tt.property {
				t.Errorf("property escape of %q = %q, want %q", tt.in, got, tt.property)
			}
		})
	}
}

// An annotation's title says what is wrong (the message's first clause),
// not the rule's title, which states what should hold.
func TestHeadline(t *testing.T) {
	for in, want := range map[string]string{
		`edge-1's global.remotePilotAddress "lb.example.com" is a host name, which the remote profile renders as an ExternalName`: `edge-1's global.remotePilotAddress "lb.example.com" is a host name`,
		"a; b":                   "a",
		"cluster x: detail":      "cluster x",
		"https://a:443 is bad":   "https://a:443 is bad",
		strings.Repeat("x", 150): strings.Repeat("x", 99) + "…",
	} {
		if got := headline(in); got != want {
			t.Errorf("headline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitHubCommands(t *testing.T) {
	tests := []struct {
		name string
		in   Result
		want string
	}{
		{
			name: "message with percent, newline, colon and comma",
			in: Result{Findings: []checks.Finding{{Rule: "NW001", Severity: checks.Error, Title: "Labels: agree, please",
				Message: "100% of pods: net1,\nnet2", File: "dir,x/a:b.yaml", Line: 3, Column: 4}}},
			want: "::error file=dir%2Cx/a%3Ab.yaml,line=3,col=4,title=NW001%3A 100%25 of pods::100%25 of pods: net1,%0Anet2\n",
		},
		{
			name: "warning without column, remediation on a second line",
			in: Result{Findings: []checks.Finding{{Rule: "CP002", Severity: checks.Warning, Title: "T",
				Message: "m", Remediation: "r", File: "a.yaml", Line: 3}}},
			want: "::warning file=a.yaml,line=3,title=CP002%3A m::m%0Afix: r\n",
		},
		{
			name: "info is a notice; column without line is dropped",
			in:   Result{Findings: []checks.Finding{{Rule: "MS002", Severity: checks.Info, Message: "m", File: "a.yaml", Column: 4}}},
			want: "::notice file=a.yaml,title=MS002%3A m::m\n",
		},
		{
			name: "no file: no location properties, object named in the message",
			in: Result{Findings: []checks.Finding{{Rule: "CP002", Severity: checks.Warning, Title: "T", Message: "m",
				Cluster: "west", Line: 7, Object: model.ObjectRef{Kind: "Deployment", Namespace: "istio-system", Name: "istiod"}}}},
			want: "::warning title=CP002%3A m::west Deployment istio-system/istiod: m\n",
		},
		{
			name: "suppressed findings are not printed",
			in:   Result{Findings: []checks.Finding{{Rule: "X001", Severity: checks.Error, Message: "m", Suppressed: true}}},
			want: "",
		},
		{
			name: "input errors",
			in: Result{Errors: []InputError{
				{File: "bad.yaml", Line: 2, Message: "yaml: line 2: did not find expected key"},
				{Cluster: "north", Message: "connection refused"},
			}},
			want: "::error file=bad.yaml,line=2,title=input error::yaml: line 2: did not find expected key\n" +
				"::error title=input error::cluster north: connection refused\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := writeGitHub(&b, tt.in, Options{ShowSuppressed: true}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
