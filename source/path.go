package source

import "strings"

// segment is one step of a field path: a mapping key or a list index.
type segment struct {
	key     string
	index   int
	isIndex bool
}

// PathJoin builds a field path from mapping keys, escaping the characters
// that the path syntax gives a meaning to, so that label keys such as
// "topology.istio.io/network" stay one segment.
func PathJoin(keys ...string) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('.')
		}
		for j := 0; j < len(k); j++ {
			switch k[j] {
			case '\\', '.', '[':
				b.WriteByte('\\')
			}
			b.WriteByte(k[j])
		}
	}
	return b.String()
}

// parsePath splits a path such as `spec.servers[0].tls.mode` or
// `metadata.labels.topology\.istio\.io/network` into segments. It never
// fails: a backslash makes the next character literal, and a "[" that does
// not open a well-formed "[N]" is part of the key, so paths built by hand
// degrade to a key lookup rather than an error.
func parsePath(p string) []segment {
	if p == "" {
		return nil
	}
	var segs []segment
	var cur []byte
	afterIndex := false // the previous segment was [N]: a "." after it opens no empty key
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			cur = append(cur, p[i+1])
			i += 2
			afterIndex = false
			continue
		case c == '.':
			if len(cur) > 0 || !afterIndex {
				segs = append(segs, segment{key: string(cur)})
			}
			cur = cur[:0]
			afterIndex = false
			i++
			continue
		case c == '[':
			if n, next, ok := parseIndex(p, i); ok {
				if len(cur) > 0 || (i > 0 && p[i-1] == '.') {
					segs = append(segs, segment{key: string(cur)})
				}
				segs = append(segs, segment{index: n, isIndex: true})
				cur = cur[:0]
				afterIndex = true
				i = next
				continue
			}
		}
		cur = append(cur, c)
		afterIndex = false
		i++
	}
	if len(cur) > 0 || !afterIndex {
		segs = append(segs, segment{key: string(cur)})
	}
	return segs
}

// parseIndex reads "[N]" at p[i]; N is at most 9 digits so it cannot overflow.
func parseIndex(p string, i int) (n, next int, ok bool) {
	j := i + 1
	for j < len(p) && j-i <= 9 && p[j] >= '0' && p[j] <= '9' {
		n = n*10 + int(p[j]-'0')
		j++
	}
	if j == i+1 || j >= len(p) || p[j] != ']' {
		return 0, 0, false
	}
	return n, j + 1, true
}
