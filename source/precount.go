package source

import "bytes"

// yaml.v3 builds a document's whole node tree before budget.check can count
// it, and a 16 MiB "[1,1,1,...]" becomes 8 million nodes: 1.6 GB and many
// seconds. minNodes reads the text first and counts tokens that each stand
// for a distinct node, so such a document is rejected before it is parsed.
// It must only undercount (FuzzMinNodes checks this against yaml.v3):
// quoted and block scalars, plain scalar continuation lines and comments
// are skipped, and doubtful cases are not counted.

const none = -2 // no block or plain scalar continues onto the next line

// scanState is what carries over from one line to the next.
type scanState struct {
	flow  int  // depth of [ and {
	quote byte // '"' or '\'' inside a quoted scalar that spans lines
	block int  // a block scalar's content is indented past this column
	plain int  // a plain scalar's continuation lines are indented past this
	// pending is the column of the entry whose value starts on a later
	// line ("key:" or "-" at the end of a line; -1 for the document root).
	pending int
}

// minNodes returns a lower bound on the nodes yaml.v3 builds for text and
// the 1-based line where the count went over limit (0 if it did not).
func minNodes(text []byte, limit int) (count, overLine int) {
	st := scanState{block: none, plain: none, pending: -1}
	line := 0
	for i := 0; i < len(text); {
		end, next := nextLine(text, i)
		l := text[i:end]
		i = next
		line++
		indent := 0
		for indent < len(l) && l[indent] == ' ' {
			indent++
		}
		blank := blankOrComment(l)
		if st.block != none {
			if blank || indent > st.block {
				continue // block scalar content is text, not nodes
			}
			st.block = none
		}
		if st.plain != none && st.quote == 0 {
			if blank && len(bytes.TrimLeft(l, " \t")) > 0 {
				st.plain = none // a comment ends a plain scalar
			}
			if blank || indent > st.plain {
				continue
			}
			st.plain = none
		}
		if blank && st.quote == 0 {
			continue // nothing to count, and what is pending stays so
		}
		count += st.scanLine(l, indent)
		if count > limit {
			return count, line
		}
	}
	return count, 0
}

// scanLine counts, outside quotes and comments: each "," in a flow
// collection (the entry before it is a node), each ": " (the value of a
// pair), and each block sequence "- " (the item). No two of these tokens
// stand for the same node.
func (st *scanState) scanLine(l []byte, indent int) (n int) {
	nodeStart := st.quote == 0 // where a node may begin: quotes and [ { open here
	afterQuote := false        // JSON's "key":value has no space after the colon
	dash, key, plain, expect := -1, -1, -1, none
	start, pending := indent, st.pending
	if indicator(l, "---") {
		start, pending, expect = 3, -1, -1
	}
	st.pending = none
	for j := start; j < len(l); j++ {
		c := l[j]
		if st.quote != 0 {
			switch {
			case st.quote == '"' && c == '\\':
				j++
			case c == st.quote && st.quote == '\'' && j+1 < len(l) && l[j+1] == '\'':
				j++
			case c == st.quote:
				st.quote, nodeStart, afterQuote = 0, false, true
			}
			continue
		}
		spaceNext := j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t'
		switch c {
		case ' ', '\t':
			continue
		case '#':
			if j == 0 || l[j-1] == ' ' || l[j-1] == '\t' {
				st.endLine(plain, dash, key, pending, expect)
				return n
			}
		case '"', '\'':
			if nodeStart {
				st.quote, plain, expect = c, -1, none
				key = keyCol(key, j)
				continue
			}
		case '[', '{':
			if nodeStart {
				st.flow++
				plain, expect = -1, none
				continue
			}
		case ']', '}':
			if st.flow > 0 {
				st.flow--
			}
		case ',':
			if st.flow > 0 {
				n++
				nodeStart, afterQuote, plain = true, false, -1
				continue
			}
		case ':':
			if spaceNext || (st.flow > 0 && afterQuote) {
				n++
				nodeStart, afterQuote, plain = true, false, -1
				expect = max(key, indent-1)
				continue
			}
		case '-', '?':
			if nodeStart && st.flow == 0 && spaceNext {
				if c == '-' {
					n++
				}
				dash, key, expect = j, -1, j
				continue
			}
		case '|', '>':
			if nodeStart && st.flow == 0 {
				// Content is indented past the entry this is the value of.
				switch {
				case dash >= 0 || key >= 0:
					st.block = max(dash, key)
				case pending != none:
					st.block = pending
				default:
					st.block = j - 1
				}
				return n
			}
		case '&', '!':
			if nodeStart { // a property: the node comes after it
				for j+1 < len(l) && l[j+1] != ' ' && l[j+1] != '\t' {
					j++
				}
				continue
			}
		}
		if nodeStart {
			plain = j
			key = keyCol(key, j)
		}
		nodeStart, afterQuote, expect = false, false, none
	}
	st.endLine(plain, dash, key, pending, expect)
	return n
}

func keyCol(key, j int) int {
	if key < 0 {
		return j
	}
	return key
}

// endLine records what carries over to the next line: the entry a value
// is still expected for, or a plain scalar that lines indented past its
// entry continue.
func (st *scanState) endLine(plain, dash, key, pending, expect int) {
	if st.flow > 0 {
		return
	}
	if expect != none {
		st.pending = expect
	}
	switch {
	case plain < 0:
	case key >= 0 && key < plain:
		st.plain = key // the value of "key: value"
	case dash >= 0:
		st.plain = dash // the item of "- value"
	case pending != none:
		st.plain = pending // a value on a line of its own
	default:
		st.plain = plain - 1
	}
}
