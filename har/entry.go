package har

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/redirect"
)

// NV is a name/value pair of a HAR headers array. Value is the raw,
// unredacted value: for internal use only. Printing an NV with fmt shows the
// value redacted.
type NV struct {
	Name  string
	Value string
}

// String returns "Name: value" with the value redacted for display.
func (nv NV) String() string { return nv.Name + ": " + displayValue(nv.Name, nv.Value) }

// Format implements fmt.Formatter so that no verb prints the raw value.
func (nv NV) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(nv.String())) }

// Cookie is one element of a HAR cookies array (HAR 1.2 §cookies). Value is
// raw: printing a Cookie with fmt redacts it.
type Cookie struct {
	Name     string
	Value    string
	Path     string
	Domain   string
	Expires  string // as written (ISO 8601), "" if absent
	HTTPOnly bool
	Secure   bool
	SameSite string // Chrome and Firefox write it
}

// String shows the cookie with its value redacted.
func (c Cookie) String() string {
	v := ""
	if c.Value != "" {
		v = redact.Placeholder
	}
	return c.Name + "=" + v
}

// Format implements fmt.Formatter so that no verb prints the raw value.
func (c Cookie) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Timings are the phases of an entry in milliseconds (HAR 1.2 §timings);
// -1 means the phase does not apply or was not recorded. Connect includes
// SSL, as the HAR spec says.
type Timings struct {
	Blocked, DNS, Connect, SSL, Send, Wait, Receive float64
}

// Entry is one element of log.entries: a request, its response and what the
// browser recorded about them.
//
// Headers, cookies and bodies are raw and may hold secrets: use them for
// computation, never print them. Exchange and Input give the redacted and the
// secret-typed views; fmt prints an Entry as a one-line redacted summary.
// Strings longer than the reader's limits are cut, and Truncated says so.
type Entry struct {
	Index   int       // position in log.entries, from 0
	Offset  int64     // byte offset of the entry in the input
	Started time.Time // startedDateTime; zero if absent or unreadable
	TimeMS  float64   // total time of the entry (entry.time)

	Method      string
	URL         string // raw: may hold user:pass@ and tokens
	HTTPVersion string // of the response, else of the request ("HTTP/1.1", "h2", "http/2.0" …)

	ReqHeaders     []NV
	ReqCookies     []Cookie
	ReqHeadersSize int64 // -1 if unknown
	ReqBodySize    int64 // -1 if unknown
	ReqMimeType    string
	ReqBody        []byte // postData.text, at most the reader's MaxBody bytes
	ReqBodyCut     bool   // ReqBody holds only the start of postData.text

	Status      int
	StatusText  string
	RespHeaders []NV
	RespCookies []Cookie
	RedirectURL string // response.redirectURL (usually the raw Location)

	RespHeadersSize int64 // response.headersSize, -1 if unknown
	RespBodySize    int64 // response.bodySize, -1 if unknown
	// TransferSize is Chrome's and Playwright's response._transferSize:
	// every byte received for this entry, headers included, -1 if absent.
	// See HiddenRetry.
	TransferSize int64
	ContentSize  int64  // response.content.size (decoded body), -1 if absent
	MimeType     string // response.content.mimeType
	// Body is the response body (content.text, base64 decoded), kept only
	// when it is textual and useful to a diagnosis (see Reader.KeepBody),
	// and only its first MaxBody bytes.
	Body        []byte
	BodyCut     bool // Body holds only the start of the body
	BodyOmitted bool // the HAR has a body, not kept here (binary, script, style)

	ServerIP     string // serverIPAddress, brackets removed
	ServerPort   int    // Playwright's _serverPort, 0 if absent
	Connection   string
	PageRef      string
	ResourceType string // Chrome's _resourceType ("document", "xhr", "fetch" …)
	FromCache    string // Chrome's _fromCache ("memory", "disk"), "" if from the network
	Error        string // Chrome's response._error ("net::ERR_…"), "" if none
	Timings      Timings

	// CredentialsUnknown is set when the file cannot tell whether this
	// entry carried credentials: it shows no Authorization and no Cookie,
	// and either the export looks sanitized (see Summary.SanitizedBy) or
	// HiddenRetry holds. Read sets it from what came before the entry;
	// Cases sets it from the whole file.
	CredentialsUnknown bool

	// Truncated is set when a string or a list of this entry was cut to
	// the reader's limits.
	Truncated bool

	size       int    // bytes retained, for the reader's budget
	reqVersion string // request.httpVersion, while decoding
	hasCreds   bool   // carries Authorization, Cookie or Set-Cookie, or a cookies array
	origin     string // computed by Cases
	redirectTo string // computed by Cases: the normalized URL a 3xx points to
}

// String returns a one-line summary with the URL redacted.
func (e Entry) String() string {
	return fmt.Sprintf("entry %d: %s %s → %d", e.Index, e.Method, displayURL(e.URL), e.Status)
}

// Format implements fmt.Formatter: every verb prints String, so a %+v of an
// Entry (or of a Case holding one) never shows a raw header or body.
func (e Entry) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

// values returns the values of the named header in hs, matched without
// regard to case. Chrome joins several Set-Cookie fields into one value with
// newlines; those are split here.
func values(hs []NV, name string) []string {
	var out []string
	for _, h := range hs {
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		if strings.IndexByte(h.Value, '\n') >= 0 {
			for _, v := range strings.Split(h.Value, "\n") {
				if v = strings.TrimRight(v, "\r"); v != "" {
					out = append(out, v)
				}
			}
			continue
		}
		out = append(out, h.Value)
	}
	return out
}

// ReqHeader returns the raw values of a request header, any case.
func (e *Entry) ReqHeader(name string) []string { return values(e.ReqHeaders, name) }

// RespHeader returns the raw values of a response header, any case, with
// Chrome's newline-joined Set-Cookie values split.
func (e *Entry) RespHeader(name string) []string { return values(e.RespHeaders, name) }

// HasAuthorization reports whether the request shows an Authorization or
// Proxy-Authorization header.
func (e *Entry) HasAuthorization() bool {
	return len(e.ReqHeader("Authorization")) > 0 || len(e.ReqHeader("Proxy-Authorization")) > 0
}

// CookieHeader returns the raw Cookie header the request carried: the
// Cookie fields joined with "; " (HTTP/2 splits them), or, when the HAR
// has no Cookie header, the request's cookies array written as one. It is a
// secret.
func (e *Entry) CookieHeader() string {
	if vs := e.ReqHeader("Cookie"); len(vs) > 0 {
		return strings.Join(vs, "; ")
	}
	parts := make([]string, 0, len(e.ReqCookies))
	for _, c := range e.ReqCookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// SetCookies returns the raw Set-Cookie values of the response, in order.
// When the HAR has no Set-Cookie header but a response cookies array (some
// exporters write only that), the values are rebuilt from the array. They
// are secrets: feed them to a cookie jar, never print them.
func (e *Entry) SetCookies() []string {
	if vs := e.RespHeader("Set-Cookie"); len(vs) > 0 {
		return vs
	}
	out := make([]string, 0, len(e.RespCookies))
	for _, c := range e.RespCookies {
		out = append(out, c.setCookie())
	}
	return out
}

// setCookie writes the cookie as a Set-Cookie value (RFC 6265 §4.1).
func (c Cookie) setCookie() string {
	var b strings.Builder
	b.WriteString(c.Name + "=" + c.Value)
	if c.Path != "" {
		b.WriteString("; Path=" + c.Path)
	}
	if c.Domain != "" {
		b.WriteString("; Domain=" + c.Domain)
	}
	if c.Expires != "" {
		if t, err := time.Parse(time.RFC3339Nano, c.Expires); err == nil {
			b.WriteString("; Expires=" + t.UTC().Format(http.TimeFormat))
		}
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	if c.HTTPOnly {
		b.WriteString("; HttpOnly")
	}
	if c.SameSite != "" {
		b.WriteString("; SameSite=" + c.SameSite)
	}
	return b.String()
}

// Location returns where a redirect points: response.redirectURL, else the
// Location header, raw.
func (e *Entry) Location() string {
	if e.RedirectURL != "" {
		return e.RedirectURL
	}
	if vs := e.RespHeader("Location"); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// ResponseSize estimates the bytes one response of this entry takes on the
// wire: its header block (headersSize, or the header list written out) and
// its decoded body (content.size). It returns -1 when the HAR lacks the
// sizes.
func (e *Entry) ResponseSize() int64 {
	h := e.RespHeadersSize
	if h < 0 {
		if len(e.RespHeaders) == 0 {
			return -1
		}
		h = int64(len("HTTP/1.1 000 ") + len(e.StatusText) + 4)
		for _, nv := range e.RespHeaders {
			if !strings.HasPrefix(nv.Name, ":") {
				h += int64(len(nv.Name) + len(nv.Value) + 4)
			}
		}
	}
	b := e.ContentSize
	if b < 0 {
		b = 0
	}
	return h + b
}

// ExtraTransfer returns how many bytes Chrome counted for this entry beyond
// one response (TransferSize − ResponseSize), or 0 when it cannot tell.
// Compression makes it smaller, never larger, so a large value means more
// than one response was received under this entry.
func (e *Entry) ExtraTransfer() int64 {
	if e.TransferSize <= 0 || e.FromCache != "" || e.Status == 304 {
		return 0
	}
	one := e.ResponseSize()
	if one <= 0 || e.TransferSize <= one {
		return 0
	}
	return e.TransferSize - one
}

// HiddenRetry reports whether the entry shows Chromium's trace of a
// challenge it answered itself (REFERENCE.md, "HAR exports"): when the
// browser answers a Basic or Digest challenge (a login prompt, or
// credentials set in an automation context), the HAR keeps the first
// request's headers (no Authorization) and the final response, and only
// _transferSize, about twice one response, shows the second round trip. So a
// 401 or 407 that shows no credentials but received at least half as much
// again as one response (and at least 128 bytes more) did carry
// credentials, most likely, and they were refused.
func (e *Entry) HiddenRetry() bool {
	if e.Status != 401 && e.Status != 407 || e.HasAuthorization() {
		return false
	}
	extra := e.ExtraTransfer()
	return extra >= 128 && extra*2 >= e.ResponseSize()
}

// PurposeContext labels the exchanges of a Case that are neither the target
// nor a redirect hop that led to it: earlier requests to the same origin,
// shown as context.
const PurposeContext = "har-context"

// pseudoHeader reports whether an HTTP/2 or HTTP/3 pseudo-header (":path")
// is named: the HAR records them, http.Header cannot hold them and the
// request line carries their information.
func pseudoHeader(name string) bool { return strings.HasPrefix(name, ":") }

// header builds an http.Header from a HAR list: canonical names, pseudo-
// headers dropped, newline-joined Set-Cookie values split.
func header(hs []NV) http.Header {
	h := make(http.Header, len(hs))
	for _, nv := range hs {
		if pseudoHeader(nv.Name) || nv.Name == "" {
			continue
		}
		k := http.CanonicalHeaderKey(nv.Name)
		if strings.IndexByte(nv.Value, '\n') >= 0 {
			for _, v := range strings.Split(nv.Value, "\n") {
				if v = strings.TrimRight(v, "\r"); v != "" {
					h[k] = append(h[k], v)
				}
			}
			continue
		}
		h[k] = append(h[k], nv.Value)
	}
	return h
}

// Exchange returns the entry as a why401.Exchange: headers redacted with
// redact.Header and then scrubbed (user:pass@, token parameters and JWTs in
// Location, Referer and any other header), the URL with redact.URL and the
// same scrub, the short textual body kept for
// passive checks, Purpose why401.PurposeHAR. CredentialsSent says the
// request shows Authorization or Proxy-Authorization; CookiesSent that it
// shows a Cookie header or cookies; CredentialsUnknown that the file cannot
// tell (a sanitized export, or HiddenRetry). A 3xx with a Location gets a
// Hop whose origin comparison is against this entry's own URL (Case's
// Exchanges compares with the first request of the chain instead).
func (e *Entry) Exchange() why401.Exchange {
	x := why401.Exchange{
		Index:   e.Index,
		Purpose: why401.PurposeHAR,
		Request: why401.Request{
			Method: e.Method,
			URL:    displayURL(e.URL),
			Header: displayHeader(header(e.ReqHeaders)),
		},
		Response: &why401.Response{
			Status:        e.Status,
			Proto:         e.HTTPVersion,
			Header:        displayHeader(header(e.RespHeaders)),
			Body:          e.Body,
			BodySize:      e.ContentSize,
			BodyTruncated: e.BodyCut,
			ContentType:   e.MimeType,
		},
		RemoteAddr:         e.remoteAddr(),
		CredentialsSent:    e.HasAuthorization(),
		CookiesSent:        len(e.ReqHeader("Cookie")) > 0 || len(e.ReqCookies) > 0,
		ElapsedMS:          e.TimeMS,
		Time:               e.Started,
		CredentialsUnknown: e.CredentialsUnknown && !e.HiddenRetry(),
		AnsweredByClient:   e.HiddenRetry(),
		Error:              shown.scrubText(e.Error),
	}
	if e.ReqBodySize > 0 {
		x.Request.BodySize = e.ReqBodySize
	}
	if x.Response.BodySize < 0 {
		x.Response.BodySize = max(e.RespBodySize, 0)
	}
	if e.Status == 0 {
		// No response was received (blocked, failed, cancelled).
		x.Response = nil
		if x.Error == "" {
			x.Error = "no response recorded"
		}
	}
	t := e.Timings
	if t.DNS >= 0 || t.Connect >= 0 || t.Wait >= 0 {
		tm := &why401.Timing{DNS: max(t.DNS, 0), TTFB: max(t.Wait, 0), Reused: t.Connect < 0 && t.DNS < 0}
		if t.Connect >= 0 {
			tm.Connect = t.Connect
			if t.SSL >= 0 && t.SSL <= t.Connect {
				tm.Connect, tm.TLS = t.Connect-t.SSL, t.SSL
			}
		}
		x.Timing = tm
	}
	if hop := e.hop(e.URL, false); hop != nil {
		x.Hop = hop
	}
	return x
}

// hop describes a 3xx with a Location; first is the URL whose origin the
// target is compared with, goDropped whether an earlier hop of the chain
// already made Go's client drop the credentials (they stay dropped).
func (e *Entry) hop(first string, goDropped bool) *why401.Hop {
	if e.Status < 300 || e.Status > 399 || e.Status == 304 {
		return nil
	}
	loc := e.Location()
	if loc == "" {
		return nil
	}
	from, err1 := url.Parse(e.URL)
	to, err2 := url.Parse(loc)
	if err1 != nil || err2 != nil {
		return &why401.Hop{Location: redact.Placeholder}
	}
	to = from.ResolveReference(to)
	h := &why401.Hop{
		Location:   shown.scrubText(redact.URLValue(to)),
		Downgrade:  strings.EqualFold(from.Scheme, "https") && strings.EqualFold(to.Scheme, "http"),
		MethodKept: e.Status == 307 || e.Status == 308,
	}
	if f, err := url.Parse(first); err == nil {
		h.SameOrigin = origin(f) == origin(to)
		h.Clients = redirect.Clients(f, from, to, goDropped)
	}
	return h
}

// origin returns scheme://host:port in lower case, with the default port
// written out, so that two URLs of one origin compare equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https", "wss":
			port = "443"
		case "http", "ws":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

func (e *Entry) remoteAddr() string {
	ip := strings.Trim(e.ServerIP, "[]")
	if ip == "" {
		return ""
	}
	port := ""
	if e.ServerPort > 0 {
		port = strconv.Itoa(e.ServerPort)
	} else if u, err := url.Parse(e.URL); err == nil {
		o := origin(u)
		if i := strings.LastIndexByte(o, ':'); i >= 0 && !strings.HasSuffix(o, "]") {
			port = o[i+1:]
		}
	}
	if port == "" || net.ParseIP(ip) == nil {
		return ip
	}
	return net.JoinHostPort(ip, port)
}

// dropOnReplay are request headers a replay must not copy: the transport
// computes them, or they describe the recorded connection.
var dropOnReplay = map[string]bool{
	"Host": true, "Content-Length": true, "Connection": true, "Keep-Alive": true,
	"Transfer-Encoding": true, "Te": true, "Upgrade": true, "Proxy-Connection": true,
	"Accept-Encoding": true, "Authorization": true, "Cookie": true, "Proxy-Authorization": true,
}

// Input returns the entry's request as a why401.Input, as the user would
// have given it: method, raw URL, the headers a replay can send (without
// Authorization, Cookie, Proxy-Authorization, pseudo-headers and the
// connection's own headers), the request body as a secret, and the
// credentials as secrets: a Bearer Authorization in Creds.Bearer, any other
// scheme verbatim in Creds.Authorization, the Cookie header (or the cookies
// array) in Creds.Cookie. Now is the time the request started, which is the
// clock a diagnosis of a recording should use.
func (e *Entry) Input() *why401.Input {
	in := &why401.Input{
		Method: e.Method,
		URL:    e.URL,
		Header: make(http.Header),
		Source: "har",
		Now:    e.Started,
	}
	for k, vs := range header(e.ReqHeaders) {
		if !dropOnReplay[k] {
			in.Header[k] = vs
		}
	}
	if len(e.ReqBody) > 0 && !e.ReqBodyCut {
		in.Body = redact.New(string(e.ReqBody))
	}
	if vs := e.ReqHeader("Authorization"); len(vs) > 0 {
		// Keep the value as recorded: stray white space inside a secret is
		// evidence (credentials.whitespace); only the separator after the
		// scheme is dropped (RFC 9110 §11.4: auth-scheme 1*SP token68).
		v := vs[0]
		if scheme, tok, ok := strings.Cut(strings.TrimLeft(v, " "), " "); ok && strings.EqualFold(scheme, "Bearer") {
			in.Creds.Bearer = redact.New(strings.TrimLeft(tok, " "))
		} else {
			in.Creds.Authorization = redact.New(v)
		}
	}
	if c := e.CookieHeader(); c != "" {
		in.Creds.Cookie = redact.New(c)
	}
	return in
}
