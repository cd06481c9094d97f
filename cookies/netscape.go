package cookies

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/why401/why401/internal/redact"
)

// LineError is a malformed line of a cookies.txt file. It names the line
// and the field at fault and never echoes a field: in a file with shifted
// or reordered columns any field may hold a value.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("cookies: cookies.txt line %d: %s", e.Line, e.Msg)
}

const (
	// maxNetscapeLine bounds one line of a cookies.txt file: a cookie is at
	// most 4096 bytes of name and value, plus a domain and a path of 1024.
	maxNetscapeLine = 64 << 10
	// maxNetscapeErrors bounds the errors of one file: a file that is not
	// a cookies.txt at all gets a few errors and a summary, not one per line.
	maxNetscapeErrors = 50
)

// httpOnlyPrefix marks an HttpOnly cookie's line (curl, Firefox exports).
const httpOnlyPrefix = "#HttpOnly_"

// ParseNetscape reads a cookies.txt file in the Netscape format that curl,
// wget, yt-dlp and the browser-export extensions write: one cookie a line,
// seven fields separated by tabs:
//
//	domain  include-subdomains  path  secure  expiry  name  value
//
// include-subdomains and secure are TRUE or FALSE; expiry is Unix seconds,
// 0 (or empty, as Python's http.cookiejar writes) for a session cookie. A
// domain written "#HttpOnly_example.com" is an HttpOnly cookie; other lines
// starting with "#" and blank lines are comments. A line with six fields
// has an empty value, as curl reads it.
//
// A malformed line gives a *LineError naming its number, and the rest of the
// file is still read. Expired cookies are kept: the diagnosis wants to say
// "this cookie in your file expired on …". now is when the file is read; an
// expired cookie gets a note saying so. Created stays zero, since the file
// does not say when the browser created the cookie. Source is
// "cookies.txt:N".
func ParseNetscape(r io.Reader, now time.Time) ([]Cookie, []error) {
	var (
		cs      []Cookie
		errs    []error
		dropped int
	)
	report := func(line int, format string, args ...any) {
		if len(errs) < maxNetscapeErrors {
			errs = append(errs, &LineError{Line: line, Msg: fmt.Sprintf(format, args...)})
		} else {
			dropped++
		}
	}
	br := bufio.NewReaderSize(r, 16<<10)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			errs = append(errs, fmt.Errorf("cookies: reading cookies.txt after line %d: %w", n-1, err))
			break
		}
		if err == io.EOF && line == nil && !tooLong {
			break
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 BOM
		}
		switch {
		case tooLong:
			report(n, "longer than %d bytes; skipped", maxNetscapeLine)
		default:
			c, msg, ok := parseNetscapeLine(string(line), now)
			switch {
			case msg != "":
				report(n, "%s", msg)
			case ok:
				c.Source = "cookies.txt:" + strconv.Itoa(n)
				cs = append(cs, c)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if dropped > 0 {
		errs = append(errs, fmt.Errorf("cookies: cookies.txt: %d more malformed lines not listed; is this a cookies.txt file?", dropped))
	}
	return cs, errs
}

// readLine returns the next line without its line ending. A line longer than
// maxNetscapeLine is consumed and reported with tooLong. At the end of the
// input it returns the last line (possibly nil) with io.EOF.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > maxNetscapeLine+2 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, false, err
		case err == io.EOF && len(line) == 0 && !tooLong:
			return nil, false, io.EOF
		}
		if tooLong {
			return nil, true, err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, false, err
	}
}

// parseNetscapeLine parses one line. ok is false for a comment or a blank
// line; msg says what is wrong with a malformed one.
func parseNetscapeLine(line string, now time.Time) (c Cookie, msg string, ok bool) {
	line = strings.TrimLeft(line, " \t")
	if strings.TrimSpace(line) == "" {
		return c, "", false
	}
	if hasPrefixFold(line, httpOnlyPrefix) {
		c.HTTPOnly = true
		line = line[len(httpOnlyPrefix):]
	} else if line[0] == '#' {
		return c, "", false
	}
	if hasPrefixFold(line, "Set-Cookie:") {
		return c, "a Set-Cookie header line: only the tab-separated Netscape format is read", false
	}
	f := strings.Split(line, "\t")
	switch {
	case len(f) == 6:
		f = append(f, "") // curl: a cookie with blank contents
	case len(f) == 7:
	case len(f) == 1 && len(strings.Fields(line)) >= 6:
		return c, "fields are separated by spaces, not tabs (was the file copied through a terminal or an editor?)", false
	default:
		return c, fmt.Sprintf("%d tab-separated fields, want 7 (domain, include-subdomains, path, secure, expiry, name, value)", len(f)), false
	}

	domain := lowerASCII(strings.TrimPrefix(strings.TrimSpace(f[0]), "."))
	if domain == "" {
		return c, "empty domain", false
	}
	if hasCTL(domain, false) || strings.ContainsAny(domain, " /;=") {
		return c, "field 1 (domain) is not a host name", false
	}
	sub, ok := parseBool(f[1])
	if !ok {
		return c, "field 2 (include-subdomains) is not TRUE or FALSE", false
	}
	path := strings.TrimSpace(f[2])
	if path == "" || path[0] != '/' {
		return c, "field 3 (path) does not start with \"/\"", false
	}
	secure, ok := parseBool(f[3])
	if !ok {
		return c, "field 4 (secure) is not TRUE or FALSE", false
	}
	exp, ok := parseExpiry(f[4])
	if !ok {
		return c, "field 5 (expiry) is not Unix seconds (0 for a session cookie)", false
	}
	name, value := f[5], f[6]
	if name == "" && value == "" {
		return c, "no name and no value", false
	}
	if hasCTL(name, false) {
		return c, "the name contains a control character", false
	}
	if hasCTL(value, false) {
		return c, "the value contains a control character", false
	}
	c.Name, c.Value = name, redact.New(value)
	c.Domain, c.HostOnly = domain, !sub
	c.Path, c.Secure = path, secure
	if exp > 0 {
		c.Expires = time.Unix(exp, 0).UTC()
		if c.Expired(now) {
			c.Notes = append(c.Notes, "had expired when the file was read")
		}
	}
	return c, "", true
}

func parseBool(s string) (bool, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRUE":
		return true, true
	case "FALSE":
		return false, true
	}
	return false, false
}

// maxUnix is the last second of year 9999, beyond which expiry times are
// clamped so that they stay printable.
const maxUnix = 253402300799

// parseExpiry reads the expiry field: Unix seconds, 0 or empty for a
// session cookie. A fraction (some exporters write "1735689600.5") is
// dropped.
func parseExpiry(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if i := strings.IndexByte(s, '.'); i > 0 {
		frac := s[i+1:]
		if frac == "" || strings.TrimLeft(frac, "0123456789") != "" {
			return 0, false
		}
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && !strings.HasPrefix(s, "-") {
			return maxUnix, true
		}
		return 0, false
	}
	if n < 0 {
		return 0, false
	}
	return min(n, maxUnix), true
}
