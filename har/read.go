package har

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Default limits of a Reader.
const (
	DefaultMaxBody       = 64 << 10 // bytes of a body kept
	DefaultMaxString     = 64 << 10 // bytes of any other string kept
	DefaultMaxEntryBytes = 4 << 20  // bytes of strings kept per entry
	DefaultMaxHeaders    = 1000     // headers or cookies kept per list
	DefaultMaxDepth      = 128      // nesting levels (Chrome's async stack traces nest deeply)
)

// Summary describes a whole HAR file; Read and Cases return it when the file
// has been read to its end.
type Summary struct {
	Entries      int
	StatusCounts map[int]int // status → entries; 0 counts entries without a response

	Version        string // log.version as written ("" if absent)
	Creator        string // log.creator.name: "WebInspector" (Chrome, Edge), "Firefox", "WebKit Web Inspector" (Safari), "Playwright" …
	CreatorVersion string
	Browser        string // log.browser.name, when present

	// Sanitized is set when secrets were removed from the file before we
	// read it, by why401's own Sanitize (SanitizedBy "why401") or, most
	// likely, by the browser (SanitizedBy "browser"). See SanitizedBy.
	Sanitized bool
	// SanitizedBy is "why401" when the file carries the mark Sanitize
	// writes (values redacted, header names kept: what was sent is still
	// known), "browser" when the file is a Chromium export (creator
	// WebInspector) in which no entry has a Cookie, Set-Cookie, Authorization
	// or Proxy-Authorization header or a non-empty cookies array. Chrome
	// exports that way by default since about version 130; an export of a
	// site that never used cookies or Authorization looks the same, and in
	// both cases whether credentials were sent is unknown, which is what a
	// diagnosis must say. Both marks may hold; "browser" wins, as it is the
	// one that changes what can be known.
	SanitizedBy string
	// Credentials is set when some entry shows Authorization, Cookie,
	// Set-Cookie or a cookies array.
	Credentials bool

	Gzip      bool  // the input was gzip-compressed
	Bytes     int64 // bytes of JSON read
	Truncated int   // entries with a string or a list cut to the limits
	Notes     []string
}

// Reader reads the entries of a HAR file one at a time, holding only the
// current entry: memory is flat in the size of the file. Set the limits
// before the first call to Next; zero values mean the defaults.
type Reader struct {
	// MaxBody is how many bytes of a response body (and of a request's
	// postData.text) an Entry keeps; negative keeps none.
	MaxBody int
	// MaxString is how many bytes of any other string an Entry keeps.
	MaxString int
	// MaxEntryBytes bounds the strings kept for one entry; what comes
	// after is dropped and the entry marked Truncated.
	MaxEntryBytes int
	// MaxHeaders bounds each list of headers and cookies.
	MaxHeaders int
	// MaxDepth bounds nesting; a deeper file is an ErrTooDeep error.
	MaxDepth int
	// KeepBody reports whether a response body of the given mime type is
	// kept (nil means DiagnosticBody).
	KeepBody func(mimeType string) bool

	// Limits of Cases: related entries per case, and how many recent
	// entries (and bytes of them) are remembered to find them.
	MaxRelated  int
	Window      int
	WindowBytes int

	in      io.Reader
	s       *scanner
	started bool
	done    bool
	err     error

	rootIt, logIt, entIt iter
	inLog, logDone       bool
	inEntries            bool
	sawLog, sawEntries   bool
	marked               bool // _why401_sanitized
	creatorKnown         bool

	sum     Summary
	idx     int
	scratch []byte // raw body text, reused
}

// NewReader returns a Reader of the HAR in r. A gzip-compressed file is
// decompressed on the fly.
func NewReader(r io.Reader) *Reader { return &Reader{in: r} }

// Read reads the HAR in r and calls fn for each entry, in order. It stops at
// the first error: a bad file (*Error), a failing reader (*ReadError), or
// fn's error, returned as is.
func Read(r io.Reader, fn func(*Entry) error) (Summary, error) {
	return NewReader(r).Read(fn)
}

// Read calls fn for each remaining entry and returns the summary.
func (r *Reader) Read(fn func(*Entry) error) (Summary, error) {
	for {
		e, err := r.Next()
		if err == io.EOF {
			return r.Summary(), nil
		}
		if err != nil {
			return r.Summary(), err
		}
		if err := fn(e); err != nil {
			return r.Summary(), err
		}
	}
}

// Summary returns what has been read so far; after Next returned io.EOF it
// describes the whole file.
func (r *Reader) Summary() Summary {
	s := r.sum
	if r.s != nil {
		s.Bytes = r.s.offset()
	}
	return s
}

func (r *Reader) init() {
	if r.MaxBody == 0 {
		r.MaxBody = DefaultMaxBody
	}
	if r.MaxString <= 0 {
		r.MaxString = DefaultMaxString
	}
	if r.MaxEntryBytes <= 0 {
		r.MaxEntryBytes = DefaultMaxEntryBytes
	}
	if r.MaxHeaders <= 0 {
		r.MaxHeaders = DefaultMaxHeaders
	}
	if r.MaxDepth <= 0 {
		r.MaxDepth = DefaultMaxDepth
	}
	if r.KeepBody == nil {
		r.KeepBody = DiagnosticBody
	}
	r.sum.StatusCounts = map[int]int{}
	r.s, r.sum.Gzip = openScanner(r.in, r.MaxDepth)
	if r.sum.Gzip {
		r.sum.Notes = append(r.sum.Notes, "The file is gzip-compressed; byte offsets count the decompressed JSON.")
	}
}

// openScanner returns a scanner of in positioned at the first byte of the
// JSON: gzip is decompressed, a UTF-8 byte order mark skipped, and UTF-16,
// non-JSON and a top level that is not an object refused with a clear
// message (left as the scanner's error).
func openScanner(in io.Reader, maxDepth int) (*scanner, bool) {
	s := newScanner(in, maxDepth)
	s.ensure(4)
	b := s.buf[s.i:s.n]
	gz := false
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		rest := io.MultiReader(bytes.NewReader(append([]byte(nil), b...)), in)
		zr, err := gzip.NewReader(rest)
		if err != nil {
			s.fail(&ReadError{Offset: 0, Err: err})
			return s, true
		}
		gz = true
		s = newScanner(zr, maxDepth)
		s.ensure(4)
		b = s.buf[s.i:s.n]
	}
	switch {
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		s.i += 3 // UTF-8 byte order mark
	case len(b) >= 2 && (b[0] == 0xfe && b[1] == 0xff || b[0] == 0xff && b[1] == 0xfe),
		len(b) >= 2 && (b[0] == 0 || b[1] == 0):
		s.errorf(ErrNotJSON, 0, "the file is UTF-16 text; a HAR is UTF-8 JSON (save or convert it as UTF-8)")
		return s, gz
	}
	c, ok := s.ws()
	switch {
	case !ok && s.rerr != nil:
		s.fail(&ReadError{Offset: s.offset(), Err: s.rerr})
	case !ok:
		s.errorf(ErrNotJSON, s.offset(), "the input is empty (or only white space)")
	case c == '[':
		s.errorf(ErrNotHAR, s.offset(), "the top level is an array; a HAR is an object with a \"log\" member")
	case c == '<':
		s.errorf(ErrNotJSON, s.offset(), "the input starts with '<' (HTML or XML?); a HAR is JSON")
	case c != '{':
		if c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' || c >= '0' && c <= '9' {
			s.errorf(ErrNotHAR, s.offset(), "the top level is not an object; a HAR is an object with a \"log\" member")
			break
		}
		s.errorf(ErrNotJSON, s.offset(), "the input starts with "+describeByte(c)+", not '{'")
	}
	return s, gz
}

// Next returns the next entry, or io.EOF after the last one once the rest of
// the file has been read and checked.
func (r *Reader) Next() (*Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	if !r.started {
		r.started = true
		r.init()
	}
	for {
		if r.inEntries {
			if r.s.arr(&r.entIt) {
				e := r.entry()
				if r.s.err == nil && e == nil {
					r.s.errorf(ErrSyntax, r.s.offset(), "unreadable entry")
				}
				if r.s.err != nil {
					return nil, r.fail()
				}
				return e, nil
			}
			r.inEntries = false
			if r.s.err != nil {
				return nil, r.fail()
			}
		}
		if !r.seekEntries() {
			return nil, r.finish()
		}
		r.inEntries = true
		r.entIt = iter{}
	}
}

// fail records the scanner's error as the reader's, adding the HAR version
// when it is not 1.2: a clear error for an old or odd file.
func (r *Reader) fail() error {
	err := r.s.err
	if e, ok := err.(*Error); ok && r.sum.Version != "" && r.sum.Version != "1.2" &&
		(e.Err == ErrNoEntries || e.Err == ErrMissingField || e.Err == ErrNotHAR) {
		e.Msg += " (the file says HAR version " + printable(r.sum.Version) + "; why401 reads HAR 1.2 and 1.1)"
	}
	r.err = err
	return err
}

// printable returns s if it is short printable ASCII, else a description:
// version strings are echoed, nothing that could be a secret is.
func printable(s string) string {
	if len(s) > 16 {
		return "(unreadable)"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return "(unreadable)"
		}
	}
	return strconv.Quote(s)
}

// seekEntries walks the top-level object and log until it is positioned at
// the start of a log.entries array, and reports whether it is. Members
// before and after entries are read (version, creator, browser, our mark) or
// skipped.
func (r *Reader) seekEntries() bool {
	s := r.s
	for s.err == nil {
		if r.inLog {
			key, ok := s.obj(&r.logIt)
			if !ok {
				r.inLog, r.logDone = false, true
				continue
			}
			switch string(key) {
			case "entries":
				if c := s.peek(); c != '[' {
					if c != 0 {
						s.errorf(ErrNotHAR, s.offset(), "log.entries is not an array")
					}
					return false
				}
				r.sawEntries = true
				return true
			case "version":
				if s.peek() == '"' {
					b, _ := s.str(nil, 64)
					r.sum.Version = string(b)
					r.versionNote()
				} else {
					s.skip()
				}
			case "creator":
				r.sum.Creator, r.sum.CreatorVersion = r.nameVersion()
				r.creatorKnown = true
			case "browser":
				r.sum.Browser, _ = r.nameVersion()
			case "_why401_sanitized":
				if c := s.peek(); c != 'n' && c != 'f' {
					r.marked = true
				}
				s.skip()
			default:
				s.skip()
			}
			continue
		}
		key, ok := s.obj(&r.rootIt)
		if !ok {
			return false
		}
		if string(key) == "log" && !r.sawLog {
			r.sawLog = true
			if c := s.peek(); c != '{' {
				if c != 0 {
					s.errorf(ErrNotHAR, s.offset(), "\"log\" is not an object")
				}
				return false
			}
			r.inLog = true
			r.logIt = iter{}
			r.creatorKnown = false
			continue
		}
		s.skip()
	}
	return false
}

func (r *Reader) versionNote() {
	switch v := r.sum.Version; v {
	case "1.2":
	case "1.1":
		r.sum.Notes = append(r.sum.Notes, "HAR 1.1: read with the HAR 1.2 rules (1.2 only added optional fields).")
	default:
		r.sum.Notes = append(r.sum.Notes, "HAR version "+printable(v)+" is not 1.2: read with the HAR 1.2 rules.")
	}
}

// nameVersion reads a {name, version} object (log.creator, log.browser).
func (r *Reader) nameVersion() (name, version string) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return "", ""
	}
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch {
		case string(key) == "name" && s.peek() == '"':
			b, _ := s.str(nil, 128)
			name = string(b)
		case string(key) == "version" && s.peek() == '"':
			b, _ := s.str(nil, 128)
			version = string(b)
		default:
			s.skip()
		}
	}
	return name, version
}

// finish reads to the end of the input, checks it, and returns io.EOF or
// the error that stopped the reading.
func (r *Reader) finish() error {
	s := r.s
	s.entry = -1
	if s.err == nil {
		s.end()
	}
	if s.err == nil {
		switch {
		case !r.sawLog:
			s.errorf(ErrNoEntries, -1, "the file has no \"log\" object")
		case !r.sawEntries:
			s.errorf(ErrNoEntries, -1, "the \"log\" object has no \"entries\" array")
		}
	}
	if s.err != nil {
		return r.fail()
	}
	r.done = true
	if r.sum.Version == "" {
		r.sum.Notes = append(r.sum.Notes, "The file has no log.version: read as HAR 1.2.")
	}
	if r.marked {
		r.sum.Sanitized, r.sum.SanitizedBy = true, "why401"
	}
	if r.browserSanitized() && r.sum.Entries > 0 {
		r.sum.Sanitized, r.sum.SanitizedBy = true, "browser"
		r.sum.Notes = append(r.sum.Notes, "No entry shows Cookie, Set-Cookie or Authorization: a Chromium export "+
			"sanitized by default (Chrome ≥ 130), or a site that uses neither. Whether credentials were sent is unknown.")
	}
	return io.EOF
}

// chromium reports whether the creator is Chromium's DevTools (Chrome, Edge,
// Opera, Brave): the exporters that drop credentials by default.
func (r *Reader) chromium() bool { return r.sum.Creator == "WebInspector" }

// browserSanitized reports whether, from what has been read so far, the file
// looks like a sanitized Chromium export.
func (r *Reader) browserSanitized() bool { return r.chromium() && !r.sum.Credentials }

// entry decodes the entry at the current position.
func (r *Reader) entry() *Entry {
	s := r.s
	e := &Entry{
		Index: r.idx, Offset: s.offset(),
		ReqHeadersSize: -1, ReqBodySize: -1, RespHeadersSize: -1, RespBodySize: -1,
		TransferSize: -1, ContentSize: -1,
		Timings: Timings{-1, -1, -1, -1, -1, -1, -1},
	}
	s.entry = r.idx
	r.idx++
	if c := s.peek(); c != '{' {
		if c != 0 {
			s.errorf(ErrNotHAR, s.offset(), "the entry is not an object")
		}
		return nil
	}
	var req, resp, method, url bool
	status := fieldMissing
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "startedDateTime":
			e.Started = parseTime(r.text(e, 64))
		case "time":
			e.TimeMS, _ = r.float()
		case "request":
			req = true
			method, url = r.request(e)
		case "response":
			resp = true
			status = r.response(e)
		case "serverIPAddress":
			e.ServerIP = strings.Trim(r.text(e, 64), "[]")
		case "_serverPort":
			p, _ := r.float()
			e.ServerPort = int(p)
		case "connection":
			e.Connection = r.text(e, 64)
		case "pageref":
			e.PageRef = r.text(e, 256)
		case "_resourceType":
			e.ResourceType = r.text(e, 64)
		case "_fromCache":
			e.FromCache = r.text(e, 64)
		case "timings":
			r.timings(e)
		default:
			s.skip()
		}
	}
	if s.err != nil {
		return nil
	}
	var missing string
	switch {
	case !req:
		missing = "request"
	case !resp:
		missing = "response"
	case !method:
		missing = "request.method"
	case !url:
		missing = "request.url"
	case status == fieldMissing:
		missing = "response.status"
	case status == fieldWrongType:
		s.errorf(ErrMissingField, e.Offset, "response.status is not a number")
		return nil
	}
	if missing != "" {
		s.errorf(ErrMissingField, e.Offset, "the entry has no "+missing)
		return nil
	}
	if e.HTTPVersion == "" {
		e.HTTPVersion = e.reqVersion
	}
	e.reqVersion = ""
	if e.hasCreds {
		r.sum.Credentials = true
	}
	if r.creatorKnown && r.browserSanitized() {
		e.CredentialsUnknown = true
	}
	r.sum.Entries++
	r.sum.StatusCounts[e.Status]++
	if e.Truncated {
		r.sum.Truncated++
	}
	s.entry = -1
	return e
}

// text reads a string member, keeping at most max bytes within the entry's
// budget; a value of another type is skipped and gives "".
func (r *Reader) text(e *Entry, max int) string {
	s := r.s
	if s.peek() != '"' {
		s.skip()
		return ""
	}
	lim := min(max, r.MaxEntryBytes-e.size)
	if lim < 0 {
		lim = 0
	}
	b, n := s.str(s.num[:0], lim)
	s.num = b[:0]
	if n > int64(len(b)) {
		e.Truncated = true
		b = trimRune(b)
	}
	e.size += len(b)
	return string(b)
}

// trimRune drops an incomplete UTF-8 sequence left at the end of b by a cut.
func trimRune(b []byte) []byte {
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < utf8.RuneSelf {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return b[:len(b)-k]
			}
			return b
		}
	}
	return b
}

// float reads a number member. Numbers written as strings are accepted;
// anything else is skipped and gives false.
func (r *Reader) float() (float64, bool) {
	s := r.s
	switch c := s.peek(); {
	case c == '-' || c >= '0' && c <= '9':
		f, err := strconv.ParseFloat(string(s.number()), 64)
		return f, err == nil
	case c == '"':
		b, _ := s.str(nil, 64)
		f, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		return f, err == nil
	}
	s.skip()
	return 0, false
}

func (r *Reader) int64() int64 {
	f, ok := r.float()
	if !ok {
		return -1
	}
	if f > 1<<62 {
		return 1 << 62
	}
	return int64(f)
}

func (r *Reader) boolean() bool {
	s := r.s
	if c := s.peek(); c == 't' || c == 'f' {
		return s.literal() == 't'
	}
	s.skip()
	return false
}

func (r *Reader) request(e *Entry) (method, url bool) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return false, false
	}
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "method":
			method = s.peek() == '"'
			e.Method = r.text(e, 64)
		case "url":
			url = s.peek() == '"'
			e.URL = r.text(e, r.MaxString)
		case "httpVersion":
			e.reqVersion = r.text(e, 64)
		case "headers":
			e.ReqHeaders = r.nvs(e)
		case "cookies":
			e.ReqCookies = r.cookies(e)
		case "headersSize":
			e.ReqHeadersSize = r.int64()
		case "bodySize":
			e.ReqBodySize = r.int64()
		case "postData":
			r.postData(e)
		default:
			s.skip()
		}
	}
	if len(e.ReqCookies) > 0 || len(e.ReqHeader("Cookie")) > 0 || e.HasAuthorization() {
		e.hasCreds = true
	}
	return method, url
}

// States of a required field.
const (
	fieldMissing = iota
	fieldOK
	fieldWrongType
)

func (r *Reader) response(e *Entry) (status int) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return fieldMissing
	}
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "status":
			// A number, as HAR 1.2 says; some tools write it as a
			// string of digits, which is read too.
			// Playwright writes -1 for a request that got no response
			// (a CORS failure, an aborted load): no response, status 0.
			status = fieldWrongType
			if f, ok := r.float(); ok && f >= 0 && f < 1000 && f == float64(int(f)) {
				e.Status, status = int(f), fieldOK
			} else if ok && f == -1 {
				e.Status, status = 0, fieldOK
			}
		case "statusText":
			e.StatusText = r.text(e, 256)
		case "httpVersion":
			e.HTTPVersion = r.text(e, 64)
		case "headers":
			e.RespHeaders = r.nvs(e)
		case "cookies":
			e.RespCookies = r.cookies(e)
		case "content":
			r.content(e)
		case "redirectURL":
			e.RedirectURL = r.text(e, r.MaxString)
		case "headersSize":
			e.RespHeadersSize = r.int64()
		case "bodySize":
			e.RespBodySize = r.int64()
		case "_transferSize":
			e.TransferSize = r.int64()
		case "_error", "_failureText": // Chrome's, Playwright's
			e.Error = r.text(e, 256)
		default:
			s.skip()
		}
	}
	if len(e.RespCookies) > 0 || len(e.RespHeader("Set-Cookie")) > 0 {
		e.hasCreds = true
	}
	return status
}

// objects reads an array of objects (headers, cookies), at most
// MaxHeaders of them: for each object, field is called with every key (it
// must consume the value) and then done, which reports whether the object
// was kept. Anything that is not an array of objects is skipped.
func (r *Reader) objects(e *Entry, field func(key []byte), done func() int) {
	s := r.s
	if s.peek() != '[' {
		s.skip()
		return
	}
	n := 0
	var it iter
	for s.arr(&it) {
		if n >= r.MaxHeaders || s.peek() != '{' {
			e.Truncated = e.Truncated || n >= r.MaxHeaders
			s.skip()
			continue
		}
		var oi iter
		for key, ok := s.obj(&oi); ok; key, ok = s.obj(&oi) {
			field(key)
		}
		n += done()
	}
}

// nvs reads a headers array.
func (r *Reader) nvs(e *Entry) []NV {
	var out []NV
	var nv NV
	r.objects(e, func(key []byte) {
		switch string(key) {
		case "name":
			nv.Name = r.text(e, 256)
		case "value":
			nv.Value = r.text(e, r.MaxString)
		default:
			r.s.skip()
		}
	}, func() int {
		defer func() { nv = NV{} }()
		if nv.Name == "" {
			return 0
		}
		e.size += 32
		out = append(out, nv)
		return 1
	})
	return out
}

// cookies reads a cookies array.
func (r *Reader) cookies(e *Entry) []Cookie {
	var out []Cookie
	var c Cookie
	r.objects(e, func(key []byte) {
		switch string(key) {
		case "name":
			c.Name = r.text(e, 256)
		case "value":
			c.Value = r.text(e, r.MaxString)
		case "path":
			c.Path = r.text(e, 1024)
		case "domain":
			c.Domain = r.text(e, 256)
		case "expires":
			c.Expires = r.text(e, 64)
		case "httpOnly":
			c.HTTPOnly = r.boolean()
		case "secure":
			c.Secure = r.boolean()
		case "sameSite":
			c.SameSite = r.text(e, 16)
		default:
			r.s.skip()
		}
	}, func() int {
		e.size += 64
		out = append(out, c)
		c = Cookie{}
		return 1
	})
	return out
}

func (r *Reader) postData(e *Entry) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "mimeType":
			e.ReqMimeType = r.text(e, 256)
		case "text":
			if r.MaxBody < 0 || s.peek() != '"' {
				s.skip()
				continue
			}
			b, n := s.str(nil, min(r.MaxBody, max(r.MaxEntryBytes-e.size, 0)))
			e.ReqBody, e.ReqBodyCut = b, n > int64(len(b))
			e.size += len(b)
		default:
			s.skip()
		}
	}
}

// content reads response.content. The body is kept only when KeepBody
// accepts its mime type; when the mime type comes after the text, or the
// encoding does, the text is held (at most MaxBody bytes, or the base64 of
// that) and decided on at the end of the object.
func (r *Reader) content(e *Entry) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	var raw []byte
	var rawLen int64
	var haveText, mimeKnown bool
	encoding := ""
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "size":
			e.ContentSize = r.int64()
		case "mimeType":
			e.MimeType = r.text(e, 256)
			mimeKnown = true
		case "encoding":
			encoding = r.text(e, 32)
		case "text":
			if s.peek() != '"' {
				s.skip()
				continue
			}
			haveText = true
			if r.MaxBody < 0 || mimeKnown && !r.KeepBody(e.MimeType) {
				_, rawLen = s.str(nil, 0)
				continue
			}
			// Room for the base64 of MaxBody bytes, should it be base64.
			// The text goes to a scratch buffer reused across entries; the
			// body kept is copied out of it.
			lim := min(r.MaxBody/3*4+4, max(r.MaxEntryBytes-e.size, 0))
			raw, rawLen = s.str(r.scratch[:0], lim)
			r.scratch = raw[:0]
		default:
			s.skip()
		}
	}
	if !haveText || rawLen == 0 {
		return
	}
	if len(raw) == 0 || !r.KeepBody(e.MimeType) {
		e.BodyOmitted = true
		return
	}
	cut := rawLen > int64(len(raw))
	body := raw
	if strings.EqualFold(encoding, "base64") {
		if cut {
			raw = raw[:len(raw)/4*4]
		}
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
		n, err := base64.StdEncoding.Decode(dec, bytes.TrimRight(raw, "\r\n"))
		if err != nil {
			e.BodyOmitted = true
			return
		}
		body = dec[:n]
	}
	if len(body) > r.MaxBody {
		body, cut = body[:r.MaxBody], true
	}
	if cut {
		body = trimRune(body)
	}
	if !strings.EqualFold(encoding, "base64") {
		body = append([]byte(nil), body...) // out of the scratch buffer
	}
	if m := strings.ToLower(e.MimeType); m == "" || m == "x-unknown" || strings.HasPrefix(m, "application/octet-stream") {
		if !looksTextual(body) {
			e.BodyOmitted = true
			return
		}
	}
	e.Body, e.BodyCut = body, cut
	e.size += len(body)
}

func (r *Reader) timings(e *Entry) {
	s := r.s
	if s.peek() != '{' {
		s.skip()
		return
	}
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		var p *float64
		switch string(key) {
		case "blocked":
			p = &e.Timings.Blocked
		case "dns":
			p = &e.Timings.DNS
		case "connect":
			p = &e.Timings.Connect
		case "ssl":
			p = &e.Timings.SSL
		case "send":
			p = &e.Timings.Send
		case "wait":
			p = &e.Timings.Wait
		case "receive":
			p = &e.Timings.Receive
		default:
			s.skip()
			continue
		}
		if f, ok := r.float(); ok {
			*p = f
		}
	}
}

// DiagnosticBody reports whether a response body of this mime type can
// explain a 401 and is worth keeping: HTML (login and error pages), plain
// text, JSON (REST API errors such as WordPress's rest_not_logged_in), XML,
// form data, and bodies without a type (kept if they look like text).
// Scripts, style sheets, images, fonts and media are not.
func DiagnosticBody(mimeType string) bool {
	m, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		m = strings.ToLower(strings.TrimSpace(mimeType))
		if i := strings.IndexByte(m, ';'); i >= 0 {
			m = strings.TrimSpace(m[:i])
		}
	}
	switch {
	case m == "" || m == "x-unknown" || m == "application/octet-stream":
		return true // sniffed after reading
	case m == "text/css", m == "text/javascript", m == "text/ecmascript", m == "text/event-stream":
		return false
	case strings.HasPrefix(m, "text/"):
		return true
	case m == "application/json", m == "application/xml", m == "application/x-www-form-urlencoded",
		m == "application/xhtml+xml", strings.HasSuffix(m, "+json"), strings.HasSuffix(m, "+xml"):
		return true
	}
	return false
}

// looksTextual reports whether b is valid UTF-8 without NUL bytes.
func looksTextual(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}

// parseTime parses startedDateTime: ISO 8601 with a zone (every browser),
// or without one (read as UTC).
func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
