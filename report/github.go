package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/meshcheck/meshcheck/checks"
)

// Escaping as GitHub documents it for workflow commands: message data
// escapes %, CR and LF; property values also escape : and , which would
// otherwise end the value. strings.Replacer makes one pass, so the %
// introduced by an escape is never escaped again.
var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// writeGitHub prints one GitHub Actions workflow command per finding
// (::error, ::warning, ::notice), which the runner turns into annotations on
// the pull request. Suppressed findings are not printed: an annotation
// cannot say "exempted", and noise there trains people to ignore it.
func writeGitHub(w io.Writer, r Result, _ Options) error {
	var b strings.Builder
	for _, f := range r.Findings {
		if f.Suppressed {
			continue
		}
		msg := f.Message
		if f.File == "" {
			// Without a file the annotation lands on the run, not on a line:
			// say which object it is about in the text.
			msg = joinNonEmpty(": ", describe(f.Cluster, f.Object), msg)
		}
		if f.Remediation != "" {
			msg += "\nfix: " + f.Remediation
		}
		props := append(ghLocation(f.File, f.Line, f.Column), "title="+ghProperty.Replace(joinNonEmpty(" ", f.Rule, f.Title)))
		b.WriteString(ghCommand(ghLevel(f.Severity), props, msg))
	}
	for _, e := range r.Errors {
		msg := e.Message
		if e.File == "" && e.Cluster != "" {
			msg = "cluster " + e.Cluster + ": " + msg
		}
		props := append(ghLocation(e.File, e.Line, e.Column), "title=input error")
		b.WriteString(ghCommand("error", props, msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghCommand formats `::cmd k=v,k=v::data`.
func ghCommand(cmd string, props []string, msg string) string {
	return fmt.Sprintf("::%s %s::%s\n", cmd, strings.Join(props, ","), ghData.Replace(msg))
}

// ghLocation gives the file, line and col properties that are known; a line
// means nothing without a file, and a column nothing without a line.
func ghLocation(file string, line, col int) []string {
	if file == "" {
		return nil
	}
	props := []string{"file=" + ghProperty.Replace(file)}
	if line > 0 {
		props = append(props, "line="+strconv.Itoa(line))
		if col > 0 {
			props = append(props, "col="+strconv.Itoa(col))
		}
	}
	return props
}

func ghLevel(s checks.Severity) string {
	switch s {
	case checks.Error:
		return "error"
	case checks.Warning:
		return "warning"
	}
	return "notice"
}
