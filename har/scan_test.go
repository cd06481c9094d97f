package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

func TestPlainPrefixMatchesTheObviousLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x5f))
		}
		if len(b) > 0 && r.IntN(2) == 0 {
			b[r.IntN(len(b))] = byte(r.IntN(256)) // one odd byte somewhere
		}
		want := 0
		for want < len(b) && b[want] >= 0x20 && b[want] < 0x80 {
			want++
		}
		if got := plainPrefix(b); got != want {
			t.Fatalf("plainPrefix(%q) = %d; want %d", b, got, want)
		}
	}
}

// readers give the same input whole, a byte at a time, and in halves, so
// that every token crosses a buffer boundary somewhere.
func readers(s string) map[string]io.Reader {
	return map[string]io.Reader{
		"whole":    strings.NewReader(s),
		"one byte": iotest.OneByteReader(strings.NewReader(s)),
		"halves":   iotest.HalfReader(strings.NewReader(s)),
	}
}

func TestStrDecodesLikeEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`""`, `"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u0041\u00e9\u65e5\ud83d\ude00"`,
		`"lone \ud800 surrogate"`, `"swapped \udc00\ud800"`, `"café 日本語 😀"`,
		`"` + strings.Repeat("QUJD", 300) + `\n` + strings.Repeat("é", 300) + `"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		for name, rd := range readers(in) {
			s := newScanner(rd, 8)
			got, n := s.str(nil, 1<<20)
			if s.err != nil || string(got) != want || n != int64(len(want)) {
				t.Errorf("%s: str(%.40s) = %q (%d), %v; want %q", name, in, got, n, s.err, want)
			}
			// Cut: the kept prefix is a prefix, the length still whole.
			s = newScanner(readers(in)[name], 8)
			got, n = s.str(nil, 5)
			if s.err != nil || !strings.HasPrefix(want, string(got)) || len(got) > 5 || n != int64(len(want)) {
				t.Errorf("%s: str(%.40s, 5) = %q (%d), %v", name, in, got, n, s.err)
			}
			// Skipped: nothing kept, the length whole.
			s = newScanner(readers(in)[name], 8)
			got, n = s.str(nil, 0)
			if s.err != nil || len(got) != 0 || n != int64(len(want)) {
				t.Errorf("%s: str(%.40s, 0) = %q (%d), %v", name, in, got, n, s.err)
			}
		}
	}
}

func TestStrRejects(t *testing.T) {
	tests := []struct {
		in   string
		kind error
		off  int64
	}{
		{"\"a\tb\"", ErrSyntax, 2},
		{"\"a\x00\"", ErrSyntax, 2},
		{"\"\\x41\"", ErrSyntax, 1},
		{"\"\\u12G4\"", ErrSyntax, 1},
		{"\"ab\xff\"", ErrUTF8, 3},
		{"\"ab\xc3\"", ErrUTF8, 3},
		{"\"\xed\xa0\x80\"", ErrUTF8, 1}, // a surrogate written as UTF-8
		{"\"abc", ErrTruncated, 4},
		{"\"ab\\", ErrTruncated, 3},
		{"\"ab\\u00", ErrTruncated, 3},
		{"\"ab\xe6\x97", ErrTruncated, 5},
	}
	for _, tt := range tests {
		for name, rd := range readers(tt.in) {
			for _, max := range []int{0, 100} {
				s := newScanner(rd, 8)
				s.str(nil, max)
				var e *Error
				if !errors.As(s.err, &e) || e.Err != tt.kind || e.Offset != tt.off {
					t.Errorf("%s, max %d: str(%q) error = %v; want %v at byte %d", name, max, tt.in, s.err, tt.kind, tt.off)
				}
				rd = readers(tt.in)[name]
			}
		}
	}
}

func TestNumbers(t *testing.T) {
	for in, ok := range map[string]bool{
		"0": true, "-0": true, "12": true, "1.5": true, "-1.5e10": true, "1E+2": true, "1e-2": true,
		"01": false, "-": false, "1.": false, ".5": false, "1e": false, "+1": false, "1.2.3": false, "--1": false,
	} {
		s := newScanner(strings.NewReader(in+" "), 8)
		s.number()
		if (s.err == nil) != ok {
			t.Errorf("number(%q): error %v; want ok %v", in, s.err, ok)
		}
	}
}

func TestSkipValidates(t *testing.T) {
	for in, ok := range map[string]bool{
		`{"a":[1,2,{"b":null}],"c":"d"}`: true, `[]`: true, `{}`: true, `[true,false,null]`: true,
		`{"a":1,}`: false, `[1,]`: false, `{"a" 1}`: false, `{1:2}`: false, `[1 2]`: false, `tru`: false, `nul`: false,
		`[[[[[[[[[1]]]]]]]]]`: false, // deeper than 8
	} {
		s := newScanner(strings.NewReader(in), 8)
		s.skip()
		s.end()
		if (s.err == nil) != ok {
			t.Errorf("skip(%s): error %v; want ok %v", in, s.err, ok)
		}
	}
}

// TestReadIsTheSameInAnyChunks reads every fixture whole and a byte at a
// time: a token cut across reads must decode the same.
func TestReadIsTheSameInAnyChunks(t *testing.T) {
	for _, f := range []string{"chrome.har", "firefox.har", "safari.har", "secrets.har", "bad/truncated.har", "bad/invalid-utf8-cut.har"} {
		b, err := readFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := describe(b, func(r io.Reader) io.Reader { return r })
		for name, wrap := range map[string]func(io.Reader) io.Reader{"one byte": iotest.OneByteReader, "halves": iotest.HalfReader} {
			if got := describe(b, wrap); got != want {
				t.Errorf("%s read %s:\n%s\nwhole:\n%s", f, name, got, want)
			}
		}
	}
}

// describe reads b and writes down everything the reader found.
func describe(b []byte, wrap func(io.Reader) io.Reader) string {
	var out bytes.Buffer
	sum, err := Read(wrap(bytes.NewReader(b)), func(e *Entry) error {
		out.WriteString(e.Method + " " + e.URL + " " + e.Started.String() + "\n")
		for _, h := range e.ReqHeaders {
			out.WriteString(h.Name + "=" + h.Value + "\n")
		}
		for _, h := range e.RespHeaders {
			out.WriteString(h.Name + "=" + h.Value + "\n")
		}
		out.Write(e.Body)
		out.Write(e.ReqBody)
		if !utf8.ValidString(e.URL) {
			out.WriteString("invalid URL")
		}
		return nil
	})
	out.WriteString(strings.Join(sum.Notes, "\n"))
	if err != nil {
		out.WriteString(err.Error())
	}
	return out.String()
}

// BenchmarkSkipBase64 measures skipping a long base64 body, the bulk of a
// HAR.
func BenchmarkSkipBase64(b *testing.B) {
	data := []byte(`"` + strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx", 1<<14) + `"`)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := newScanner(bytes.NewReader(data), 8)
		if s.str(nil, 0); s.err != nil {
			b.Fatal(s.err)
		}
	}
}
