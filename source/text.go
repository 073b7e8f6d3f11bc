package source

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText turns file bytes into UTF-8 text: UTF-16 with a byte-order mark
// is transcoded (yaml.v3 accepts it, and splitting documents needs UTF-8), a
// UTF-8 BOM is dropped, and a NUL byte marks a binary file.
func decodeText(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return fromUTF16(b[2:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return fromUTF16(b[2:], binary.BigEndian)
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, fmt.Errorf("%w, skipped", ErrBinary)
	}
	return b, nil
}

func fromUTF16(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("%w: UTF-16 text with an odd number of bytes", ErrEncoding)
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	out := make([]byte, 0, len(b))
	for _, r := range utf16.Decode(units) {
		if r == 0 {
			// UTF-32 also starts with FF FE; it decodes to NULs.
			return nil, fmt.Errorf("%w, skipped", ErrBinary)
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// checkText finds the first character yaml.v3 would reject (invalid UTF-8 or
// a character outside YAML's printable set) and returns its 1-based line
// and column, because yaml.v3 reports these without a position.
func checkText(b []byte) (line, col int, err error) {
	line, col = 1, 1
	for i := 0; i < len(b); {
		if n := breakLen(b, i); n > 0 {
			line, col, i = line+1, 1, i+n
			continue
		}
		c := b[i]
		if c < utf8.RuneSelf {
			if c != '\t' && (c < 0x20 || c == 0x7F) {
				return line, col, fmt.Errorf("%w: control character %U is not allowed in YAML", ErrEncoding, rune(c))
			}
			i++
			col++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return line, col, fmt.Errorf("%w: byte 0x%02X is not valid UTF-8", ErrEncoding, c)
		}
		if !printable(r) {
			return line, col, fmt.Errorf("%w: control character %U is not allowed in YAML", ErrEncoding, r)
		}
		i += size
		col++
	}
	return 0, 0, nil
}

// printable is YAML's c-printable set above ASCII (as yaml.v3 checks it).
func printable(r rune) bool {
	return r == 0x85 || (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// breakLen returns the length of the line break at b[i], or 0. Line breaks
// are those yaml.v3 counts (CR LF, CR, LF, NEL, LS, PS), so that lines here
// agree with the lines it reports.
func breakLen(b []byte, i int) int {
	switch b[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(b) && b[i+1] == '\n' {
			return 2
		}
		return 1
	case 0xC2:
		if i+1 < len(b) && b[i+1] == 0x85 {
			return 2
		}
	case 0xE2:
		if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// nextLine returns the end of the line starting at b[i] (without its break)
// and the start of the following line.
func nextLine(b []byte, i int) (end, next int) {
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '\n', '\r', 0xC2, 0xE2:
			if n := breakLen(b, j); n > 0 {
				return j, j + n
			}
		}
	}
	return len(b), len(b)
}

// lineAt returns the 1-based line of byte offset off in b.
func lineAt(b []byte, off int) int {
	line := 1
	for i := 0; i < off && i < len(b); {
		if n := breakLen(b, i); n > 0 {
			line++
			i += n
			continue
		}
		i++
	}
	return line
}
