package source

import "bytes"

// chunk is the text of one document and the file line it starts on.
type chunk struct {
	text []byte
	line int // 1-based
}

// split cuts text into documents at "---" and "..." lines before any YAML
// parsing, so a syntax error in one document cannot hide the documents after
// it (yaml.v3 stops at the first error of a stream). Every chunk starts at a
// line start, so columns need no adjustment and lines only an offset.
// Comments, blank lines and directives before a document stay with it.
func split(text []byte) []chunk {
	var chunks []chunk
	start, startLine := 0, 1
	sawMarker, sawContent := false, false
	line := 1
	for i := 0; i < len(text); line++ {
		end, next := nextLine(text, i)
		l := text[i:end]
		switch {
		case indicator(l, "---"):
			if sawMarker || sawContent {
				chunks = append(chunks, chunk{text: text[start:i], line: startLine})
				start, startLine = i, line
			}
			sawMarker, sawContent = true, false
		case indicator(l, "..."):
			// The end marker belongs to its document; a lone one would be
			// a syntax error in yaml.v3, so it is dropped.
			if sawMarker || sawContent {
				chunks = append(chunks, chunk{text: text[start:next], line: startLine})
			}
			start, startLine = next, line+1
			sawMarker, sawContent = false, false
		case blankOrComment(l):
		case !sawMarker && !sawContent && l[0] == '%':
			// A directive belongs to the document after it.
		default:
			sawContent = true
		}
		i = next
	}
	if start < len(text) {
		chunks = append(chunks, chunk{text: text[start:], line: startLine})
	}
	return chunks
}

// indicator reports whether line is the document marker m ("---" or "..."),
// alone or followed by white space.
func indicator(line []byte, m string) bool {
	if len(line) < 3 || string(line[:3]) != m {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '\t'
}

func blankOrComment(line []byte) bool {
	l := bytes.TrimLeft(line, " \t")
	return len(l) == 0 || l[0] == '#'
}
