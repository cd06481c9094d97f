package har

import (
	"bytes"
	"encoding/binary"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner is a streaming JSON tokenizer over an io.Reader with a fixed-size
// buffer. encoding/json's Decoder cannot serve here: Token() holds a whole
// string in memory (a 100 MB body would be held whole) and, measured on a
// Chrome-like HAR, decodes at about a third of the speed this one reaches by
// skipping string contents eight bytes at a time.
//
// Every method is a no-op once err is set, so callers can chain calls and
// check the error once. Nesting is bounded by maxDepth, strings that are kept
// are bounded by the caller's limit, and nothing else is retained: memory is
// flat in the size of the input.
type scanner struct {
	r     io.Reader
	buf   []byte
	i, n  int   // buf[i:n] is unread
	base  int64 // input offset of buf[0]
	eof   bool  // r returned an error (io.EOF or rerr)
	fills int   // changes of buf (compaction or read): cached positions expire
	rerr  error // r's error, when it was not io.EOF
	err   error // the first error; sticky

	depth    int
	maxDepth int

	key []byte // the last object key, decoded
	num []byte // scratch for numbers

	// entry is the index of the entry being decoded, -1 outside entries;
	// errors name it.
	entry int
}

const (
	scanBufSize = 256 << 10
	maxKeyLen   = 256  // longer keys are cut: none of the keys we read is that long
	maxNumLen   = 1024 // a longer number is an error
)

func newScanner(r io.Reader, maxDepth int) *scanner {
	return newScannerSize(r, maxDepth, scanBufSize)
}

// newScannerSize is newScanner with a buffer of the given size (at least
// 64 bytes, room for every lookahead): small for a small input.
func newScannerSize(r io.Reader, maxDepth, size int) *scanner {
	return &scanner{r: r, buf: make([]byte, max(size, 64)), maxDepth: maxDepth, entry: -1}
}

// offset returns the input offset of the next unread byte.
func (s *scanner) offset() int64 { return s.base + int64(s.i) }

// ensure makes at least k bytes available in buf[i:n], unless the input
// ends first, and reports whether it could. k must be far below the buffer
// size.
func (s *scanner) ensure(k int) bool {
	if s.n-s.i >= k {
		return true
	}
	if s.eof {
		return false
	}
	if s.i > 0 {
		copy(s.buf, s.buf[s.i:s.n])
		s.base += int64(s.i)
		s.n -= s.i
		s.i = 0
	}
	s.fills++
	empty := 0
	for s.n-s.i < k {
		m, err := s.r.Read(s.buf[s.n:])
		s.n += m
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			break
		}
		if m == 0 {
			if empty++; empty > 100 {
				s.eof, s.rerr = true, io.ErrNoProgress
				break
			}
		}
	}
	return s.n-s.i >= k
}

// fail records the first error.
func (s *scanner) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *scanner) errorf(kind error, off int64, msg string) {
	s.fail(&Error{Err: kind, Offset: off, Entry: s.entry, Msg: msg})
}

// ended records that the input ended (or could not be read) while reading
// what.
func (s *scanner) ended(what string) {
	if s.err != nil {
		return
	}
	if s.rerr != nil {
		s.fail(&ReadError{Offset: s.offset(), Err: s.rerr})
		return
	}
	s.errorf(ErrTruncated, s.offset(), "the input ends inside "+what)
}

// unexpected records a syntax error at the current byte c.
func (s *scanner) unexpected(c byte, want string) {
	s.errorf(ErrSyntax, s.offset(), "found "+describeByte(c)+", want "+want)
}

// describeByte names a byte without echoing input text beyond one
// structural character.
func describeByte(c byte) string {
	switch {
	case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == '"':
		return "'" + string(rune(c)) + "'"
	case c >= '0' && c <= '9' || c == '-':
		return "a number"
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return "a bare word"
	}
	return "byte 0x" + strconv.FormatUint(uint64(c), 16)
}

// ws skips white space and returns the next byte without consuming it.
func (s *scanner) ws() (byte, bool) {
	if s.err != nil {
		return 0, false
	}
	for {
		for s.i < s.n {
			c := s.buf[s.i]
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return c, true
			}
			s.i++
		}
		if !s.ensure(1) {
			return 0, false
		}
	}
}

// peek returns the first byte of the next value ('"', '{', '[', 't', 'f',
// 'n', '-' or a digit) without consuming it. It returns 0 only with s.err
// set: at the end of the input (a value was due) and for a NUL byte, which
// JSON never allows there.
func (s *scanner) peek() byte {
	c, ok := s.ws()
	switch {
	case !ok:
		s.ended("a value")
		return 0
	case c == 0:
		s.unexpected(c, "a value")
	}
	return c
}

// iter is the state of the iteration of one object or array.
type iter struct {
	open bool
	n    int
}

// obj advances through the object at the current position: the first call
// consumes '{'. It returns the next key, valid until the next call on the
// scanner, positioned before the member's value, or false at the end of the
// object or on error. The caller must consume each value.
func (s *scanner) obj(it *iter) ([]byte, bool) {
	c, ok := s.ws()
	if !ok {
		s.ended("an object")
		return nil, false
	}
	if !it.open {
		if c != '{' {
			s.unexpected(c, "an object")
			return nil, false
		}
		if !s.push() {
			return nil, false
		}
		it.open = true
		if c, ok = s.ws(); !ok {
			s.ended("an object")
			return nil, false
		}
		if c == '}' {
			s.i++
			s.depth--
			return nil, false
		}
	} else {
		if c == '}' {
			s.i++
			s.depth--
			return nil, false
		}
		if c != ',' {
			s.unexpected(c, "',' or '}' after an object member")
			return nil, false
		}
		s.i++
		if c, ok = s.ws(); !ok {
			s.ended("an object")
			return nil, false
		}
	}
	if c != '"' {
		s.unexpected(c, "a member name")
		return nil, false
	}
	s.key, _ = s.str(s.key[:0], maxKeyLen)
	if c, ok = s.ws(); !ok {
		s.ended("an object")
		return nil, false
	}
	if c != ':' {
		s.unexpected(c, "':' after a member name")
		return nil, false
	}
	s.i++
	it.n++
	return s.key, s.err == nil
}

// arr advances through the array at the current position: the first call
// consumes '['. It reports whether there is another element, positioned at
// its first byte.
func (s *scanner) arr(it *iter) bool {
	c, ok := s.ws()
	if !ok {
		s.ended("an array")
		return false
	}
	if !it.open {
		if c != '[' {
			s.unexpected(c, "an array")
			return false
		}
		if !s.push() {
			return false
		}
		it.open = true
		if c, ok = s.ws(); !ok {
			s.ended("an array")
			return false
		}
		if c == ']' {
			s.i++
			s.depth--
			return false
		}
	} else {
		if c == ']' {
			s.i++
			s.depth--
			return false
		}
		if c != ',' {
			s.unexpected(c, "',' or ']' after an array element")
			return false
		}
		s.i++
		if c, ok = s.ws(); !ok {
			s.ended("an array")
			return false
		}
		if c == ']' {
			s.unexpected(c, "a value after ',' (a trailing comma?)")
			return false
		}
	}
	it.n++
	return true
}

func (s *scanner) push() bool {
	if s.depth >= s.maxDepth {
		s.errorf(ErrTooDeep, s.offset(), "nesting deeper than "+strconv.Itoa(s.maxDepth)+" levels")
		return false
	}
	s.i++
	s.depth++
	return true
}

// skip consumes the next value, whatever it is, validating it.
func (s *scanner) skip() {
	c, ok := s.ws()
	if !ok {
		s.ended("a value")
		return
	}
	switch c {
	case '"':
		s.str(nil, 0)
	case '{':
		var it iter
		for _, ok := s.obj(&it); ok; _, ok = s.obj(&it) {
			s.skip()
		}
	case '[':
		var it iter
		for s.arr(&it) {
			s.skip()
		}
	case 't', 'f', 'n':
		s.literal()
	default:
		if c == '-' || c >= '0' && c <= '9' {
			s.number()
			return
		}
		s.unexpected(c, "a value")
	}
}

// literal consumes true, false or null and returns its first byte.
func (s *scanner) literal() byte {
	c, ok := s.ws()
	if !ok {
		s.ended("a value")
		return 0
	}
	var want string
	switch c {
	case 't':
		want = "true"
	case 'f':
		want = "false"
	case 'n':
		want = "null"
	default:
		s.unexpected(c, "a value")
		return 0
	}
	if !s.ensure(len(want)) {
		s.ended("a literal")
		return 0
	}
	if string(s.buf[s.i:s.i+len(want)]) != want {
		s.errorf(ErrSyntax, s.offset(), "invalid literal, want "+want)
		return 0
	}
	s.i += len(want)
	return c
}

// number consumes a number and returns its text (valid until the next
// call), checked against RFC 8259 §6:
//
//	number = [ minus ] int [ frac ] [ exp ]
func (s *scanner) number() []byte {
	if _, ok := s.ws(); !ok {
		s.ended("a number")
		return nil
	}
	start := s.offset()
	s.num = s.num[:0]
	for {
		if s.i == s.n && !s.ensure(1) {
			break
		}
		c := s.buf[s.i]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			break
		}
		if len(s.num) >= maxNumLen {
			s.errorf(ErrSyntax, start, "number longer than "+strconv.Itoa(maxNumLen)+" bytes")
			return nil
		}
		s.num = append(s.num, c)
		s.i++
	}
	if !validNumber(s.num) {
		s.errorf(ErrSyntax, start, "invalid number")
		return nil
	}
	return s.num
}

func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(b)
}

// safe[c] is true for bytes that stand for themselves inside a JSON string
// and need no further check: printable ASCII other than '"' and '\'.
var safe = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainPrefix returns the length of the longest prefix of b made of
// printable ASCII (0x20–0x7f), eight or sixteen bytes at a time. For a word
// v of bytes all in that range, v − 0x20 in each byte borrows nowhere and
// leaves every high bit clear, as does v; a control byte borrows into its
// high bit and a non-ASCII byte has it set, so ((v − 0x20…) | v) & 0x80…
// is zero exactly for plain words.
func plainPrefix(b []byte) int {
	n := len(b)
	// Reslicing rather than indexing lets the compiler drop the bounds
	// checks in the loops.
	for len(b) >= 32 {
		v1 := binary.LittleEndian.Uint64(b[0:8])
		v2 := binary.LittleEndian.Uint64(b[8:16])
		v3 := binary.LittleEndian.Uint64(b[16:24])
		v4 := binary.LittleEndian.Uint64(b[24:32])
		// Parenthesized: in Go, - and | have the same precedence.
		if ((v1-lsb*0x20)|v1|(v2-lsb*0x20)|v2|(v3-lsb*0x20)|v3|(v4-lsb*0x20)|v4)&msb != 0 {
			break
		}
		b = b[32:]
	}
	for len(b) >= 8 {
		v := binary.LittleEndian.Uint64(b[0:8])
		if ((v-lsb*0x20)|v)&msb != 0 {
			break
		}
		b = b[8:]
	}
	for len(b) > 0 && b[0] >= 0x20 && b[0] < 0x80 {
		b = b[1:]
	}
	return n - len(b)
}

// str consumes the string at the current position, appending at most max
// decoded bytes of it to dst, and returns dst and the decoded length of the
// whole string. The rest of a longer string is validated and skipped, so a
// string of any size costs no memory. Escapes are decoded (an unpaired
// surrogate becomes U+FFFD, as in encoding/json); invalid UTF-8 and control
// bytes are errors.
//
// The closing quote and the backslashes are found with bytes.IndexByte
// (vectorized), and only the bytes between are checked, by plainPrefix:
// HAR files are mostly long base64 and text bodies, and this is where the
// time goes.
func (s *scanner) str(dst []byte, max int) ([]byte, int64) {
	c, ok := s.ws()
	if !ok {
		s.ended("a value")
		return dst, 0
	}
	if c != '"' {
		s.unexpected(c, "a string")
		return dst, 0
	}
	s.i++
	var total int64
	room := max - len(dst)
	// quote is the position in buf of the next '"' at or after i (s.n if
	// none is buffered), valid while buf is unchanged.
	quote, fills := -1, s.fills
	for {
		if quote < s.i || fills != s.fills {
			fills = s.fills
			if k := bytes.IndexByte(s.buf[s.i:s.n], '"'); k >= 0 {
				quote = s.i + k
			} else {
				quote = s.n
			}
		}
		span := s.buf[s.i:quote]
		if k := bytes.IndexByte(span, '\\'); k >= 0 {
			span = span[:k]
		}
		j := plainPrefix(span)
		if j > 0 {
			if room > 0 {
				k := min(j, room)
				dst = append(dst, span[:k]...)
				room -= k
			}
			total += int64(j)
			s.i += j
		}
		if s.i == s.n {
			if !s.ensure(1) {
				s.ended("a string")
				return dst, total
			}
			continue
		}
		switch c := s.buf[s.i]; {
		case c == '"':
			s.i++
			return dst, total
		case c == '\\' && room <= 0:
			// Skipping: validate the escape without decoding it.
			if !s.ensure(2) {
				s.ended("a string")
				return dst, total
			}
			switch s.buf[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
				total++
			default:
				r, n := s.escape()
				if n == 0 {
					return dst, total
				}
				s.i += n
				total += int64(utf8.RuneLen(r))
			}
		case c == '\\':
			r, n := s.escape()
			if n == 0 {
				return dst, total
			}
			var enc [utf8.UTFMax]byte
			w := utf8.EncodeRune(enc[:], r)
			if room >= w {
				dst = append(dst, enc[:w]...)
				room -= w
			} else {
				room = 0
			}
			total += int64(w)
			s.i += n
		case c < 0x20:
			s.errorf(ErrSyntax, s.offset(), "control byte 0x"+strconv.FormatUint(uint64(c), 16)+" inside a string")
			return dst, total
		default: // non-ASCII
			s.ensure(utf8.UTFMax)
			r, w := utf8.DecodeRune(s.buf[s.i:s.n])
			if r == utf8.RuneError && w <= 1 {
				if s.eof && !utf8.FullRune(s.buf[s.i:s.n]) {
					s.i = s.n
					s.ended("a string")
					return dst, total
				}
				s.errorf(ErrUTF8, s.offset(), "invalid UTF-8 inside a string")
				return dst, total
			}
			if room >= w {
				dst = append(dst, s.buf[s.i:s.i+w]...)
				room -= w
			} else {
				room = 0
			}
			total += int64(w)
			s.i += w
		}
	}
}

// escape decodes the escape sequence at buf[i] (a backslash) and returns
// the rune and the number of input bytes it spans, or 0 on error.
func (s *scanner) escape() (rune, int) {
	if !s.ensure(2) {
		s.ended("a string")
		return 0, 0
	}
	switch s.buf[s.i+1] {
	case '"':
		return '"', 2
	case '\\':
		return '\\', 2
	case '/':
		return '/', 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		if !s.ensure(6) {
			s.ended("a string")
			return 0, 0
		}
		r, ok := hex4(s.buf[s.i+2 : s.i+6])
		if !ok {
			s.errorf(ErrSyntax, s.offset(), "invalid \\u escape")
			return 0, 0
		}
		if utf16.IsSurrogate(r) {
			if s.ensure(12) && s.buf[s.i+6] == '\\' && s.buf[s.i+7] == 'u' {
				if r2, ok := hex4(s.buf[s.i+8 : s.i+12]); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						return d, 12
					}
				}
			}
			return utf8.RuneError, 6
		}
		return r, 6
	}
	s.errorf(ErrSyntax, s.offset(), "invalid escape inside a string")
	return 0, 0
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// end checks that only white space follows the top-level value.
func (s *scanner) end() {
	if s.err != nil {
		return
	}
	if _, ok := s.ws(); ok {
		s.errorf(ErrSyntax, s.offset(), "data after the end of the top-level object")
		return
	}
	if s.rerr != nil {
		s.fail(&ReadError{Offset: s.offset(), Err: s.rerr})
	}
}
