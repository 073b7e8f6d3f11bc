package source

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	type piece struct {
		Line int
		Text string
	}
	tests := []struct {
		name string
		in   string
		want []piece
	}{
		{"empty", "", nil},
		{"one document", "a: 1\n", []piece{{1, "a: 1\n"}}},
		{"leading marker", "---\na: 1\n", []piece{{1, "---\na: 1\n"}}},
		{"comments stay with the next document", "# c\n\n---\na: 1\n---\nb: 2", []piece{{1, "# c\n\n---\na: 1\n"}, {5, "---\nb: 2"}}},
		{"bare documents", "a: 1\n---\nb: 2\n", []piece{{1, "a: 1\n"}, {2, "---\nb: 2\n"}}},
		{"empty documents", "---\n---\na: 1\n", []piece{{1, "---\n"}, {2, "---\na: 1\n"}}},
		{"marker with content or comment", "--- |\n  x\n--- # c\nb: 2\n", []piece{{1, "--- |\n  x\n"}, {3, "--- # c\nb: 2\n"}}},
		{"not markers", "a: |\n  ---\n----\n---x\n", []piece{{1, "a: |\n  ---\n----\n---x\n"}}},
		{"document end", "a: 1\n...\n# c\nb: 2\n", []piece{{1, "a: 1\n...\n"}, {3, "# c\nb: 2\n"}}},
		{"lone document end is dropped", "...\na: 1\n", []piece{{2, "a: 1\n"}}},
		{"directive belongs to the next document", "a: 1\n...\n%YAML 1.1\n---\nb: 2\n", []piece{{1, "a: 1\n...\n"}, {3, "%YAML 1.1\n---\nb: 2\n"}}},
		{"percent inside a document is content", "a: 1\n%x\n---\nb: 2\n", []piece{{1, "a: 1\n%x\n"}, {3, "---\nb: 2\n"}}},
		{"CR and CRLF", "a: 1\r---\r\nb: 2", []piece{{1, "a: 1\r"}, {2, "---\r\nb: 2"}}},
		{"tab after marker", "a: 1\n---\t\nb: 2", []piece{{1, "a: 1\n"}, {2, "---\t\nb: 2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []piece
			for _, c := range split([]byte(tt.in)) {
				got = append(got, piece{c.line, string(c.text)})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("split(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
