package source

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Sentinels for errors.Is; the *Error's message says the details.
var (
	ErrSyntax       = errors.New("invalid YAML")
	ErrEncoding     = errors.New("invalid character")
	ErrBinary       = errors.New("binary file")
	ErrTooLarge     = errors.New("file too large")
	ErrOverBudget   = errors.New("input budget used up")
	ErrTooManyNodes = errors.New("too many nodes")
	ErrTooDeep      = errors.New("nesting too deep")
)

// Error is a problem with one input, located as precisely as known.
type Error struct {
	File         string
	Line, Column int // 0 when unknown
	Err          error
}

// Error formats as "file:line:col: message", omitting unknown parts.
func (e *Error) Error() string {
	msg := "unknown error"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if p := Position(e.File, e.Line, e.Column); p != "" {
		return p + ": " + msg
	}
	return msg
}

// Position renders file[:line[:col]], the form editors and terminals turn
// into links, leaving out the unknown parts (a line or column of 0): a
// column without a line means nothing, so it goes too, and so does a line
// without a file. It is the one way meshcheck writes a place in a file.
func Position(file string, line, col int) string {
	if file == "" {
		return ""
	}
	if line <= 0 {
		return file
	}
	s := file + ":" + strconv.Itoa(line)
	if col > 0 {
		s += ":" + strconv.Itoa(col)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// locError is an error at a document-relative position; the reader adds the
// document's line offset and the file name.
type locError struct {
	line, col int
	err       error
}

func (e *locError) Error() string { return fmt.Sprintf("%d:%d: %v", e.line, e.col, e.err) }
func (e *locError) Unwrap() error { return e.err }

func nodeErr(n *yaml.Node, err error) error { return &locError{line: n.Line, col: n.Column, err: err} }

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). The parser reports 0-based lines and the scanner 1-based ones,
// and both omit the line when it is 0, so the two need different fixes.
var parserProblems = []string{
	"did not find expected ",
	"found duplicate %",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// syntaxError turns a yaml.v3 error about document text into a locError
// with a 1-based, document-relative line.
func syntaxError(err error, text []byte) *locError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, tail
			}
		}
	}
	for _, p := range parserProblems {
		if strings.HasPrefix(msg, p) {
			line++
			break
		}
	}
	if line == 0 {
		line = anchorLine(msg, text)
	}
	return &locError{line: max(line, 1), err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
}

// anchorLine finds the line of the alias named in an "unknown anchor"
// error, which yaml.v3 reports without a position; 0 when not found.
func anchorLine(msg string, text []byte) int {
	name, ok := strings.CutPrefix(msg, "unknown anchor '")
	if !ok {
		return 0
	}
	name, _, _ = strings.Cut(name, "' referenced")
	i := bytes.Index(text, []byte("*"+name))
	if i < 0 {
		return 0
	}
	return lineAt(text, i)
}

// pathless drops the path from an *fs.PathError: Error.File already says it.
func pathless(op string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", op, pe.Err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
