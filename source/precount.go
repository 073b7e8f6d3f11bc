package source

// yaml.v3 builds a document's whole node tree before budget.check can count
// it, and a 16 MiB "[1,1,1,...]" becomes 8 million nodes: 1.6 GB and many
// seconds. minNodes reads the text first and counts tokens that each stand
// for a distinct node, so such a document is rejected before it is parsed.
// It must only undercount: quoted scalars, comments and block scalars are
// skipped, and doubtful cases are not counted.

// scanState is what carries over from one line to the next.
type scanState struct {
	flow  int  // depth of [ and {
	quote byte // '"' or '\'' inside a quoted scalar that spans lines
	block int  // indentation that block-scalar content must exceed, or -1
}

// minNodes returns a lower bound on the nodes yaml.v3 builds for text and
// the 1-based line where the count went over limit (0 if it did not).
func minNodes(text []byte, limit int) (count, overLine int) {
	st := scanState{block: -1}
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
		if st.block >= 0 {
			if blankOrComment(l) || indent > st.block {
				continue // block scalar content is text, not nodes
			}
			st.block = -1
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
	parent := indent           // column that a block scalar's content must pass
	start := indent
	if indicator(l, "---") {
		start = 3
	}
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
				return n
			}
		case '"', '\'':
			if nodeStart {
				st.quote, parent = c, j
				continue
			}
		case '[', '{':
			if nodeStart {
				st.flow++
				continue
			}
		case ']', '}':
			if st.flow > 0 {
				st.flow--
			}
		case ',':
			if st.flow > 0 {
				n++
				nodeStart, afterQuote = true, false
				continue
			}
		case ':':
			if spaceNext || (st.flow > 0 && afterQuote) {
				n++
				nodeStart, afterQuote = true, false
				continue
			}
		case '-', '?':
			if nodeStart && st.flow == 0 && spaceNext {
				if c == '-' {
					n++
				}
				parent = j
				continue
			}
		case '|', '>':
			if nodeStart && st.flow == 0 {
				st.block = parent
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
			parent = j // a key starts here; its value's content must pass it
		}
		nodeStart, afterQuote = false, false
	}
	return n
}
