package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "yaml", "sarif", "junit", "github", "markdown"}
	if diff := cmp.Diff(want, Formats()); diff != "" {
		t.Errorf("Formats() mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name    string
		result  Result
		opt     Options
		formats []string
	}{
		{name: "fixture", result: fixture(), formats: Formats()},
		{name: "clean", result: clean(), formats: Formats()},
		// Only the formats for people look at ShowSuppressed.
		{name: "fixture-suppressed", result: fixture(), opt: Options{ShowSuppressed: true}, formats: []string{"text", "junit"}},
	}
	for _, tt := range tests {
		for _, format := range tt.formats {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, format, tt.result, tt.opt); err != nil {
					t.Fatalf("Write: %v", err)
				}
				golden(t, tt.name+"."+format+".golden", buf.Bytes())
			})
		}
	}
}

// The machine contracts must not change with a flag meant for people.
func TestMachineFormatsIgnoreShowSuppressed(t *testing.T) {
	for _, format := range []string{"json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			var hidden, shown bytes.Buffer
			if err := Write(&hidden, format, fixture(), Options{}); err != nil {
				t.Fatal(err)
			}
			if err := Write(&shown, format, fixture(), Options{ShowSuppressed: true}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(hidden.String(), shown.String()); diff != "" {
				t.Errorf("output depends on ShowSuppressed (-hidden +shown):\n%s", diff)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	tests := []string{"yml", "", "JSON", "sarif "}
	for _, format := range tests {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, format, fixture(), Options{})
			if err == nil {
				t.Fatalf("Write(%q) = nil, want error", format)
			}
			if !strings.Contains(err.Error(), `"`+format+`"`) {
				t.Errorf("error %q does not name the format %q", err, format)
			}
			if !strings.Contains(err.Error(), strings.Join(Formats(), ", ")) {
				t.Errorf("error %q does not list the accepted formats", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an unknown format", buf.Len())
			}
		})
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteReturnsWriterError(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			err := Write(failingWriter{}, format, fixture(), Options{})
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("Write = %v, want it to wrap %v", err, errDiskFull)
			}
			if !strings.Contains(err.Error(), format) {
				t.Errorf("error %q does not say which format failed", err)
			}
		})
	}
}
