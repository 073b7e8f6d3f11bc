package source

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary is what a Read test compares: objects by name and origin, errors
// by position and sentinel.
type summary struct {
	Objects []string // "name@line:col#index"
	Errors  []string // "line:col"
}

func summarize(objs []*Object, errs []*Error) summary {
	var s summary
	for _, o := range objs {
		name := o.Name()
		if name == "" {
			name = o.Kind()
		}
		s.Objects = append(s.Objects, name+"@"+itoa(o.Origin.Line)+":"+itoa(o.Origin.Column)+"#"+itoa(o.Origin.Index))
	}
	for _, e := range errs {
		s.Errors = append(s.Errors, itoa(e.Line)+":"+itoa(e.Column))
	}
	return s
}

func TestReadDocuments(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    summary
		wantErr error
	}{{
		name: "broken document in the middle",
		in: `apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken: yes
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: third
`,
		want:    summary{Objects: []string{"first@1:1#0", "third@11:1#2"}, Errors: []string{"9:0"}},
		wantErr: ErrSyntax,
	}, {
		name: "unclosed flow mapping points at its line",
		in: `metadata:
  name: a
---
metadata:
  name: b
  labels: {app: b
spec: {}
---
metadata:
  name: c
`,
		want:    summary{Objects: []string{"a@1:1#0", "c@9:1#2"}, Errors: []string{"6:0"}},
		wantErr: ErrSyntax,
	}, {
		name: "error on the first line of a document",
		in:   "metadata: {name: a}\n---\na: b: c\n",
		want: summary{Objects: []string{"a@1:1#0"}, Errors: []string{"3:0"}}, wantErr: ErrSyntax,
	}, {
		name: "unknown anchor is located",
		in:   "metadata: {name: a}\n---\na: 1\nb: *nope\n",
		want: summary{Objects: []string{"a@1:1#0"}, Errors: []string{"4:0"}}, wantErr: ErrSyntax,
	}, {
		name: "duplicate key",
		in:   "metadata:\n  name: a\n  name: b\n",
		want: summary{Errors: []string{"3:3"}}, wantErr: ErrSyntax,
	}, {
		name: "skips empty, comment-only, scalar and sequence documents",
		in:   "# header\n---\n---\n# only a comment\n---\njust a string\n---\n- a\n- b\n---\nmetadata: {name: kept}\n...\n# trailing\n",
		want: summary{Objects: []string{"kept@11:1#4"}},
	}, {
		name: "leading comments, directives and document end markers",
		in:   "# c\n%TAG ! tag:example.com,2000:\n---\nmetadata: {name: a}\n...\n---\nmetadata: {name: b}\n...\nmetadata: {name: c}\n",
		want: summary{Objects: []string{"a@4:1#0", "b@7:1#1", "c@9:1#2"}},
	}, {
		name: "content on the marker line",
		in:   "--- {metadata: {name: a}}\n--- # comment\nmetadata: {name: b}\n",
		want: summary{Objects: []string{"a@1:6#0", "b@3:1#1"}},
	}, {
		name: "CRLF line endings",
		in:   "metadata:\r\n  name: a\r\n---\r\nmetadata:\r\n  name: b\r\n",
		want: summary{Objects: []string{"a@1:1#0", "b@4:1#1"}},
	}, {
		name: "helm values document without apiVersion or kind",
		in:   "global:\n  network: net1\n",
		want: summary{Objects: []string{"@1:1#0"}},
	}, {
		name: "empty input",
		in:   "",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, errs := Read(strings.NewReader(tt.in), "m.yaml", Limits{})
			if diff := cmp.Diff(tt.want, summarize(objs, errs)); diff != "" {
				t.Errorf("Read (-want +got):\n%s", diff)
			}
			for _, e := range errs {
				if e.File != "m.yaml" || !errors.Is(e, tt.wantErr) {
					t.Errorf("error %v: want file m.yaml and %v", e, tt.wantErr)
				}
			}
		})
	}
}

func TestReadList(t *testing.T) {
	in := `apiVersion: v1
kind: ConfigMap
metadata: {name: before}
---
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: a
- apiVersion: v1
  kind: Service
  metadata:
    name: b
    namespace: istio-system
- not an object
---
apiVersion: networking.istio.io/v1
kind: GatewayList
items:
  - kind: Gateway
    metadata: {name: gw}
---
kind: CustomList
items: "not a list"
`
	objs, errs := Read(strings.NewReader(in), "list.yaml", Limits{})
	want := summary{Objects: []string{"before@1:1#0", "a@10:3#1", "b@14:3#1", "gw@24:5#2", "CustomList@27:1#3"}}
	if diff := cmp.Diff(want, summarize(objs, errs)); diff != "" {
		t.Fatalf("Read (-want +got):\n%s", diff)
	}
	b := objs[2]
	if line, col := b.Position("metadata.namespace"); line != 18 || col != 16 {
		t.Errorf("b metadata.namespace at %d:%d, want 18:16", line, col)
	}
	if line, col := b.Position("spec.ports"); line != 14 || col != 3 {
		t.Errorf("b missing spec points at %d:%d, want the item 14:3", line, col)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
