package har

import (
	"encoding/base64"
	"io"
	"mime"
	"strconv"
	"strings"
)

// SanitizeOptions choose what Sanitize keeps. The zero value is the safe
// default.
type SanitizeOptions struct {
	// KeepClaims keeps the header and the claims of JWTs and redacts only
	// their signature, so that token.expired and token.not-yet-valid can
	// still be diagnosed from the file. Claims name users and clients: off
	// by default.
	KeepClaims bool
	// KeepPostData keeps request bodies (postData.text and params),
	// scrubbed like response bodies, instead of removing them.
	KeepPostData bool
	// DropBodies removes every response body, even the short textual ones
	// kept by default.
	DropBodies bool
	// MaxBody is the largest response body kept (0 means 64 KiB); a larger
	// one is removed. The reader keeps no more than that either.
	MaxBody int
	// Compact writes the file without line breaks and indentation.
	Compact bool
	// MaxDepth bounds nesting (0 means DefaultMaxDepth).
	MaxDepth int
}

// SanitizeStats counts what Sanitize did.
type SanitizeStats struct {
	Entries         int
	Redacted        int // secret values replaced
	BodiesKept      int // response bodies kept, scrubbed
	BodiesRemoved   int // response bodies removed
	PostDataRemoved int // request bodies removed
	Removed         int // other strings removed because they were too long to scrub
}

const (
	// maxScrub is the longest string Sanitize holds to scrub it; a longer
	// one is replaced by removed.
	maxScrub = 1 << 20
	removed  = "<removed by why401: too long to sanitize>"
	// MarkKey is the member Sanitize adds to log.
	MarkKey = "_why401_sanitized"
)

// Sanitize copies the HAR in r to w with every secret redacted, token by
// token, holding at most one string (1 MiB) at a time: memory is flat in
// the size of the file. What it does, so that the file still diagnoses the
// same and can be shared:
//
//   - Cookie and Set-Cookie headers, and request and response cookies
//     arrays: every value is replaced by a tag ("redacted-" and eight hex
//     digits of a keyed hash drawn per run: equal values get equal tags, so
//     a stale cookie still shows); names and attributes are kept. Empty
//     values stay empty (a deletion is evidence).
//   - Authorization and Proxy-Authorization: the scheme is kept, the
//     credentials replaced (Basic still decodes to "redacted:redacted-…";
//     Digest keeps realm, nonce, uri, qop, nc, algorithm and opaque;
//     Negotiate and NTLM keep the NTLMSSP message type). Other credential
//     headers (X-Api-Key, X-CSRF-Token …, and any name saying token,
//     secret, password, session, nonce …) are tagged whole.
//   - JWTs anywhere: replaced whole, or with KeepClaims their signature
//     only.
//   - URLs (request.url, redirectURL, Location, Referer, page titles, and
//     any string): user:pass@ and the values of token-like parameters
//     (token, code, sig, password, session … in the query, the fragment or
//     ;jsessionid=) are tagged.
//   - queryString values with token-like names; postData.params values and
//     postData.text are removed unless KeepPostData (then scrubbed).
//   - Response bodies: kept only when short (MaxBody) and of a type that
//     explains a 401 (HTML, JSON, text, XML: see DiagnosticBody), scrubbed:
//     JSON values under secret-looking keys redacted, hidden and password
//     inputs and CSRF meta tags redacted in HTML, JWTs and token parameters
//     everywhere. Binary, script, style and long bodies are removed (the
//     content object then says "_why401": "body removed"). A JSON body that
//     does not parse is removed.
//   - WebSocket messages are redacted whole. Every other string is scrubbed
//     as text; a string longer than 1 MiB is replaced.
//
// Names, structure, numbers, statuses, timings and sizes are kept, and
// log.entries holds the same entries in the same order. log gets a member
// "_why401_sanitized" saying how the file was sanitized, which Read reports
// as Summary.SanitizedBy "why401".
//
// A secret a recognizer cannot see (a session id pasted into free text
// under an innocent name) can survive; the header and cookie channels, where
// credentials travel, are redacted by name, not by shape.
//
// On error w holds a partial document: write to a temporary file and rename
// it once Sanitize returns nil.
func Sanitize(r io.Reader, w io.Writer, opts SanitizeOptions) (SanitizeStats, error) {
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	s, _ := openScanner(r, opts.MaxDepth)
	z := &sanitizer{s: s, w: newJSONWriter(w, !opts.Compact), rd: newRedactor(opts.KeepClaims), opts: opts}
	z.root()
	s.entry = -1
	s.end()
	if s.err == nil && !z.sawEntries {
		s.errorf(ErrNoEntries, -1, "the file has no log.entries array")
	}
	if s.err == nil {
		z.w.w.WriteByte('\n')
	}
	z.w.flush()
	z.st.Redacted = z.rd.n
	if s.err != nil {
		return z.st, s.err
	}
	return z.st, z.w.err
}

type sanitizer struct {
	s          *scanner
	w          *jsonWriter
	rd         *redactor
	opts       SanitizeOptions
	st         SanitizeStats
	sawEntries bool
	buf        []byte // scratch for strings
}

// text reads a string value (at most maxScrub bytes) and reports whether it
// was whole.
func (z *sanitizer) text() (string, bool) {
	b, n := z.s.str(z.buf[:0], maxScrub)
	z.buf = b[:0]
	if n > int64(len(b)) {
		return "", false
	}
	return string(b), true
}

// writeText writes a string value transformed by f, or removed if too long.
func (z *sanitizer) writeText(f func(string) string) {
	v, ok := z.text()
	if !ok {
		z.st.Removed++
		z.w.string(removed)
		return
	}
	z.w.string(f(v))
}

// generic copies any value: strings under secret-looking keys are tagged,
// all others scrubbed as text.
func (z *sanitizer) generic(secret bool) { copyJSON(z.s, z.w, secret, false, z) }

// copyString writes the string at the cursor, tagged when secret and
// scrubbed otherwise.
func (z *sanitizer) copyString(secret bool) {
	if secret {
		z.writeText(z.rd.tag)
	} else {
		z.writeText(z.rd.scrubText)
	}
}

// stringCopier reads the string at the cursor and writes it, redacted as
// it decides. An interface rather than a closure: generic runs for every
// value of a HAR and a closure passed down the recursion would be
// allocated each time.
type stringCopier interface{ copyString(secret bool) }

// copyJSON copies one JSON value from s to w. Values under a key that
// names a secret (secretName, or bodyKeySecret inside a body) become
// secret, and so does everything inside a secret value; str reads the
// string at the cursor and writes it. The key predicates are called
// directly, not through a func value, so that string(key) costs no
// allocation. Both the sanitizer (the HAR itself) and the redactor (JSON
// bodies inside it) walk values this way.
func copyJSON(s *scanner, w *jsonWriter, secret, body bool, str stringCopier) {
	switch c := s.peek(); {
	case c == '"':
		str.copyString(secret)
	case c == '{':
		w.open('{')
		var it iter
		for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
			w.key(key)
			var keySecret bool
			if body {
				keySecret = bodyKeySecret(string(key))
			} else {
				keySecret = secretName(string(key))
			}
			copyJSON(s, w, secret || keySecret, body, str)
		}
		w.close('}')
	case c == '[':
		w.open('[')
		var it iter
		for s.arr(&it) {
			copyJSON(s, w, secret, body, str)
		}
		w.close(']')
	case c == 't' || c == 'f' || c == 'n':
		switch s.literal() {
		case 't':
			w.raw("true")
		case 'f':
			w.raw("false")
		case 'n':
			w.raw("null")
		}
	case c == 0:
		s.ended("a value")
	default:
		if num := s.number(); num != nil {
			w.raw(string(num))
		}
	}
}

func (z *sanitizer) root() {
	s, w := z.s, z.w
	if s.err != nil {
		return
	}
	w.open('{')
	var it iter
	sawLog := false
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		w.key(key)
		if string(key) == "log" && !sawLog {
			sawLog = true
			if c := s.peek(); c != '{' {
				if c != 0 {
					s.errorf(ErrNotHAR, s.offset(), "\"log\" is not an object")
				}
				return
			}
			z.log()
			continue
		}
		z.generic(false)
	}
	if s.err == nil {
		w.close('}')
	}
}

func (z *sanitizer) mark() {
	w := z.w
	w.keyString(MarkKey)
	w.open('{')
	w.keyString("by")
	w.string("why401")
	w.keyString("version")
	w.raw("1")
	w.keyString("keep_claims")
	w.raw(strconv.FormatBool(z.opts.KeepClaims))
	w.keyString("post_data")
	if z.opts.KeepPostData {
		w.string("scrubbed")
	} else {
		w.string("removed")
	}
	w.keyString("response_bodies")
	if z.opts.DropBodies {
		w.string("removed")
	} else {
		w.string("short textual bodies kept, scrubbed; others removed")
	}
	w.close('}')
}

func (z *sanitizer) log() {
	s, w := z.s, z.w
	w.open('{')
	z.mark()
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case MarkKey:
			s.skip() // replaced by ours
		case "entries":
			w.key(key)
			if s.peek() != '[' {
				if s.peek() != 0 {
					s.errorf(ErrNotHAR, s.offset(), "log.entries is not an array")
				}
				return
			}
			z.sawEntries = true
			w.open('[')
			var ei iter
			for s.arr(&ei) {
				s.entry = z.st.Entries
				z.entry()
				z.st.Entries++
			}
			s.entry = -1
			w.close(']')
		default:
			w.key(key)
			z.generic(false)
		}
	}
	w.close('}')
}

func (z *sanitizer) entry() {
	s, w := z.s, z.w
	if s.peek() != '{' {
		if s.peek() != 0 {
			s.errorf(ErrNotHAR, s.offset(), "the entry is not an object")
		}
		return
	}
	w.open('{')
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		w.key(key)
		switch string(key) {
		case "request":
			z.message(true)
		case "response":
			z.message(false)
		case "_webSocketMessages":
			z.generic(true)
		default:
			z.generic(false)
		}
	}
	w.close('}')
}

// message rewrites a request or a response object.
func (z *sanitizer) message(request bool) {
	s, w := z.s, z.w
	if s.peek() != '{' {
		z.generic(true)
		return
	}
	w.open('{')
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		w.key(key)
		switch k := string(key); {
		case k == "headers":
			z.pairs(z.rd.headerValue)
		case k == "cookies":
			z.cookies()
		case k == "queryString" && request:
			z.pairs(z.queryValue)
		case k == "postData" && request:
			z.postData()
		case k == "content" && !request:
			z.content()
		default:
			z.generic(false)
		}
	}
	w.close('}')
}

func (z *sanitizer) queryValue(name, v string) string {
	if secretParam(name) {
		return z.rd.tag(v)
	}
	return z.rd.scrubText(v)
}

// pairs rewrites an array of {name, value} objects, the value redacted by
// f(name, value). A value that comes before its name is held until the name
// arrives; one without a name is tagged. Anything that is not a string pair
// is treated as secret.
func (z *sanitizer) pairs(f func(name, value string) string) {
	s, w := z.s, z.w
	var name, held string
	var haveName, holding bool
	z.objects(func() { name, held, haveName, holding = "", "", false, false }, func(key []byte) {
		switch string(key) {
		case "name":
			w.key(key)
			if s.peek() != '"' {
				z.generic(true)
				return
			}
			v, ok := z.text()
			if !ok {
				z.st.Removed++
				v = removed
			}
			name, haveName = v, true
			w.string(name)
			if holding {
				w.keyString("value")
				w.string(f(name, held))
				holding = false
			}
		case "value":
			if s.peek() != '"' {
				w.key(key)
				z.generic(true)
				return
			}
			v, ok := z.text()
			if !ok {
				z.st.Removed++
				w.key(key)
				w.string(removed)
				return
			}
			if haveName {
				w.key(key)
				w.string(f(name, v))
			} else {
				held, holding = v, true
			}
		default:
			w.key(key)
			z.generic(false)
		}
	}, func() {
		if holding {
			w.keyString("value")
			w.string(z.rd.tag(held))
		}
	})
}

// objects rewrites an array of objects: for each object, start is called,
// then field with every key (it must write the key and its value), then
// end, before the object is closed. Anything that is not an array of
// objects is treated as secret.
func (z *sanitizer) objects(start func(), field func(key []byte), end func()) {
	s, w := z.s, z.w
	if s.peek() != '[' {
		z.generic(true)
		return
	}
	w.open('[')
	var it iter
	for s.arr(&it) {
		if s.peek() != '{' {
			z.generic(true)
			continue
		}
		w.open('{')
		start()
		var oi iter
		for key, ok := s.obj(&oi); ok; key, ok = s.obj(&oi) {
			field(key)
		}
		end()
		w.close('}')
	}
	w.close(']')
}

// cookies rewrites a cookies array: every value tagged.
func (z *sanitizer) cookies() {
	z.objects(func() {}, func(key []byte) {
		z.w.key(key)
		z.generic(string(key) == "value")
	}, func() {})
}

func (z *sanitizer) postData() {
	s, w := z.s, z.w
	if s.peek() != '{' {
		z.generic(true)
		return
	}
	w.open('{')
	var mimeType, text string
	haveText, textOK := false, false
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "mimeType":
			w.key(key)
			if s.peek() == '"' {
				v, _ := z.text()
				mimeType = v
				w.string(z.rd.scrubText(v))
			} else {
				z.generic(true)
			}
		case "text":
			if s.peek() != '"' {
				w.key(key)
				z.generic(true)
				continue
			}
			haveText = true
			if !z.opts.KeepPostData {
				if _, n := s.str(nil, 0); n == 0 {
					textOK = true // an empty body stays empty
				}
				continue
			}
			text, textOK = z.text()
		case "params":
			w.key(key)
			if z.opts.KeepPostData {
				z.pairs(z.queryValue)
			} else {
				z.pairs(func(_, v string) string { return z.rd.tag(v) })
			}
		default:
			w.key(key)
			z.generic(false)
		}
	}
	if haveText {
		w.keyString("text")
		out := ""
		if textOK && text != "" {
			out, textOK = z.scrubBody(mimeType, text)
		}
		if !textOK {
			z.st.PostDataRemoved++
			out = ""
			w.string(out)
			w.keyString("_why401")
			w.string("body removed")
		} else {
			w.string(out)
		}
	}
	w.close('}')
}

// scrubBody scrubs a body according to its type, and reports false when it
// must be removed instead.
func (z *sanitizer) scrubBody(mimeType, text string) (string, bool) {
	m, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		m = strings.ToLower(strings.TrimSpace(strings.SplitN(mimeType, ";", 2)[0]))
	}
	switch {
	case m == "application/json" || strings.HasSuffix(m, "+json"):
		b, ok := z.rd.jsonBody([]byte(text))
		return string(b), ok
	case m == "application/x-www-form-urlencoded":
		return z.rd.form(text), true
	case m == "text/html" || m == "application/xhtml+xml":
		return z.rd.html(text), true
	case strings.HasPrefix(m, "multipart/"):
		return "", false
	case m == "" || m == "x-unknown" || m == "application/octet-stream":
		if !looksTextual([]byte(text)) {
			return "", false
		}
		t := strings.TrimSpace(text)
		if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			if b, ok := z.rd.jsonBody([]byte(text)); ok {
				return string(b), true
			}
		}
		if strings.Contains(strings.ToLower(t), "<input") || strings.Contains(strings.ToLower(t), "<meta") {
			return z.rd.html(text), true
		}
		return z.rd.form(text), true
	}
	return z.rd.scrubText(text), true
}

// content rewrites response.content: the body is kept, scrubbed, or removed
// (see Sanitize). The text is held until the end of the object, since its
// encoding may come after it.
func (z *sanitizer) content() {
	s, w := z.s, z.w
	if s.peek() != '{' {
		z.generic(true)
		return
	}
	w.open('{')
	var mimeType, encoding, text string
	haveText, keep := false, false
	rawLimit := z.opts.MaxBody/3*4 + 4
	var it iter
	for key, ok := s.obj(&it); ok; key, ok = s.obj(&it) {
		switch string(key) {
		case "mimeType", "encoding":
			w.key(key)
			if s.peek() != '"' {
				z.generic(true)
				continue
			}
			v, _ := z.text()
			if string(key) == "mimeType" {
				mimeType = v
			} else {
				encoding = v
			}
			w.string(z.rd.scrubText(v))
		case "text":
			if s.peek() != '"' {
				w.key(key)
				z.generic(true)
				continue
			}
			limit := rawLimit
			if z.opts.DropBodies || mimeType != "" && !DiagnosticBody(mimeType) {
				limit = 0 // removed whatever it holds: not worth holding
			}
			b, n := s.str(z.buf[:0], limit)
			z.buf = b[:0]
			if n == 0 {
				w.key(key)
				w.string("")
				continue
			}
			haveText = true
			keep = n == int64(len(b)) && limit > 0
			text = string(b)
		case "_why401":
			s.skip()
		default:
			w.key(key)
			z.generic(false)
		}
	}
	if haveText {
		if keep && DiagnosticBody(mimeType) {
			body := text
			b64 := strings.EqualFold(encoding, "base64")
			if b64 {
				dec, err := base64.StdEncoding.DecodeString(strings.TrimRight(text, "\r\n"))
				if err != nil {
					keep = false
				}
				body = string(dec)
			}
			if keep && len(body) <= z.opts.MaxBody {
				body, keep = z.scrubBody(mimeType, body)
			} else {
				keep = false
			}
			if keep {
				if b64 {
					body = base64.StdEncoding.EncodeToString([]byte(body))
				}
				z.st.BodiesKept++
				w.keyString("text")
				w.string(body)
			}
		} else {
			keep = false
		}
		if !keep {
			z.st.BodiesRemoved++
			w.keyString("_why401")
			w.string("body removed")
		}
	}
	w.close('}')
}
