package source

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func TestEncodingErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      summary
		wantErr   error
		wantInMsg string
	}{{
		name:    "invalid UTF-8 in the second document",
		in:      "metadata: {name: a}\n---\nmetadata:\n  name: b\xff\n---\nmetadata: {name: c}\n",
		want:    summary{Objects: []string{"a@1:1#0", "c@6:1#2"}, Errors: []string{"4:10"}},
		wantErr: ErrEncoding, wantInMsg: "0xFF is not valid UTF-8",
	}, {
		name:    "truncated multi-byte sequence",
		in:      "a: caf\xc3\n",
		want:    summary{Errors: []string{"1:7"}},
		wantErr: ErrEncoding, wantInMsg: "not valid UTF-8",
	}, {
		name:    "control character",
		in:      "a: 1\nb: \"x\x07\"\n",
		want:    summary{Errors: []string{"2:6"}},
		wantErr: ErrEncoding, wantInMsg: "U+0007",
	}, {
		name:    "binary file",
		in:      "a: 1\n\x00\x01\x02",
		want:    summary{Errors: []string{"0:0"}},
		wantErr: ErrBinary, wantInMsg: "binary file, skipped",
	}, {
		name: "non-ASCII text is fine and columns count characters",
		in:   "metadata: {name: café}\n---\nmetadata:\n  name: ünïcödé\n  labels: {x: y}\n",
		want: summary{Objects: []string{"café@1:1#0", "ünïcödé@3:1#1"}},
	}, {
		name: "UTF-8 byte-order mark",
		in:   "\ufeffmetadata: {name: a}\n",
		want: summary{Objects: []string{"a@1:1#0"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, errs := Read(strings.NewReader(tt.in), "e.yaml", Limits{})
			if diff := cmp.Diff(tt.want, summarize(objs, errs)); diff != "" {
				t.Errorf("Read (-want +got):\n%s", diff)
			}
			for _, e := range errs {
				if !errors.Is(e, tt.wantErr) || !strings.Contains(e.Error(), tt.wantInMsg) || !strings.HasPrefix(e.Error(), "e.yaml:") {
					t.Errorf("error %q: want %v mentioning %q", e, tt.wantErr, tt.wantInMsg)
				}
			}
		})
	}
}

func TestUTF16(t *testing.T) {
	text := "metadata:\n  name: wide\n---\nmetadata: {name: second}\n"
	units := utf16.Encode([]rune(text))
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		b := order.AppendUint16(nil, 0xFEFF)
		for _, u := range units {
			b = order.AppendUint16(b, u)
		}
		objs, errs := Read(strings.NewReader(string(b)), "w.yaml", Limits{})
		want := summary{Objects: []string{"wide@1:1#0", "second@4:1#1"}}
		if diff := cmp.Diff(want, summarize(objs, errs)); diff != "" {
			t.Errorf("%v (-want +got):\n%s", order, diff)
		}
	}
	if _, errs := Read(strings.NewReader("\xff\xfea\x00b"), "odd.yaml", Limits{}); len(errs) != 1 || !errors.Is(errs[0], ErrEncoding) {
		t.Errorf("odd-length UTF-16: errors %v", errs)
	}
}

func TestLineBreaks(t *testing.T) {
	// yaml.v3 counts CR, NEL, LS and PS as line breaks; the splitter must
	// agree or later documents get the wrong line.
	in := "a: \"x\u2028y\"\r---\rb: 1\r\n---\nmetadata: {name: c}\n"
	objs, errs := Read(strings.NewReader(in), "b.yaml", Limits{})
	if len(errs) != 0 || len(objs) != 3 {
		t.Fatalf("Read: %d objects, errors %v", len(objs), errs)
	}
	if got := objs[2].Origin.Line; got != 6 {
		t.Errorf("third document on line %d, want 6", got)
	}
}
