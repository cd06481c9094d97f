package har

import (
	"bufio"
	"io"
	"unicode/utf8"
)

// jsonWriter writes JSON as it is produced, indented with two spaces like
// the browsers' exports or compact, and keeps the first write error.
type jsonWriter struct {
	w        *bufio.Writer
	indent   bool
	first    []bool // per open container: nothing written in it yet
	afterKey bool
	err      error
}

func newJSONWriter(w io.Writer, indent bool) *jsonWriter {
	return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10), indent: indent}
}

func (j *jsonWriter) flush() {
	if err := j.w.Flush(); err != nil && j.err == nil {
		j.err = err
	}
}

func (j *jsonWriter) newline() {
	if !j.indent {
		return
	}
	j.w.WriteByte('\n')
	for range j.first {
		j.w.WriteString("  ")
	}
}

// pre writes what comes before a value or a key: nothing after a key, else
// the comma and the line break.
func (j *jsonWriter) pre() {
	if j.afterKey {
		j.afterKey = false
		return
	}
	if n := len(j.first); n > 0 {
		if !j.first[n-1] {
			j.w.WriteByte(',')
		}
		j.first[n-1] = false
		j.newline()
	}
}

func (j *jsonWriter) key(k []byte) {
	j.pre()
	j.quote(string(k))
	j.w.WriteByte(':')
	if j.indent {
		j.w.WriteByte(' ')
	}
	j.afterKey = true
}

func (j *jsonWriter) keyString(k string) { j.key([]byte(k)) }

func (j *jsonWriter) open(c byte) {
	j.pre()
	j.w.WriteByte(c)
	j.first = append(j.first, true)
}

func (j *jsonWriter) close(c byte) {
	n := len(j.first)
	empty := j.first[n-1]
	j.first = j.first[:n-1]
	if !empty {
		j.newline()
	}
	j.w.WriteByte(c)
}

func (j *jsonWriter) string(s string) {
	j.pre()
	j.quote(s)
}

func (j *jsonWriter) raw(s string) {
	j.pre()
	j.w.WriteString(s)
}

const hexDigits = "0123456789abcdef"

// quote writes s as a JSON string. Input strings are valid UTF-8 (the
// scanner checks), but tags and cuts are made here too, so invalid bytes
// are written as U+FFFD.
func (j *jsonWriter) quote(s string) {
	w := j.w
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			w.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				w.WriteByte('\\')
				w.WriteByte(c)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.WriteString(`\u00`)
				w.WriteByte(hexDigits[c>>4])
				w.WriteByte(hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.WriteString(s[start:i])
			w.WriteString(`\ufffd`)
			i++
			start = i
			continue
		}
		i += size
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}
