package topology

import (
	"fmt"
	"io"
	"strings"
)

type writeFunc func(w io.Writer, v *View) error

// formats is a slice so that help text keeps this order.
var formats = []struct {
	name  string
	write writeFunc
}{
	{"text", writeText},
	{"ascii", writeASCII},
	{"mermaid", writeMermaid},
	{"dot", writeDOT},
	{"html", writeHTML},
}

// Formats lists the accepted -o values of meshcheck topology.
func Formats() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.name
	}
	return out
}

// Write renders v in the named format.
func Write(w io.Writer, format string, v *View) error {
	for _, f := range formats {
		if f.name == format {
			if err := f.write(w, v); err != nil {
				return fmt.Errorf("write %s topology: %w", format, err)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown topology format %q (want one of: %s)", format, strings.Join(Formats(), ", "))
}

// errWriter keeps the first write error so renderers can print freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func count(n int) string {
	if n == 1 {
		return "single"
	}
	return "multiple"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
