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
		props := append(ghLocation(f.File, f.Line, f.Column), "title="+ghProperty.Replace(joinNonEmpty(": ", f.Rule, headline(f.Message))))
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

// maxHeadline bounds an annotation's title: GitHub shows it on one line.
const maxHeadline = 100

// headline is what is wrong, for an annotation's title: the message up to
// its first clause break, cut to maxHeadline. The rule's title says what
// should hold, which as a title reads as if it did.
func headline(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	for _, sep := range []string{", ", "; ", ": "} {
		if i := strings.Index(msg, sep); i > 0 {
			msg = msg[:i]
		}
	}
	if r := []rune(msg); len(r) > maxHeadline {
		msg = string(r[:maxHeadline-1]) + "…"
	}
	return msg
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
