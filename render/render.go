// Package render prints a why401.Report four ways: a terminal report (Text),
// the why401/v1 document (JSON, and JSONLines for scan), a Markdown report a
// visitor can send to the site owner (Markdown), and HTML for the local web
// page (HTML, HTMLFragment).
//
// The package holds no logic: every conclusion is in the Report already, so
// choosing a format changes the renderer and nothing else (STYLE.md habit 4).
// It opens no connection and does not look at the environment: whether the
// output is a terminal, NO_COLOR and --no-color are decided by the caller and
// passed in Options, so each renderer is a pure function of its arguments and
// its output can be pinned by golden files for both TTY and pipe.
//
// Secrets are redacted before a Report exists (package redact). The
// renderers keep a second line of defence of their own: Response.Body is
// never printed, and control and bidirectional-override characters that
// came from the server are shown escaped, so a hostile header or realm
// cannot rewrite the terminal or reorder what the reader sees.
package render

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/why401/why401"
)

// DefaultWidth is the column prose is wrapped at when Options.Width is 0.
const DefaultWidth = 100

// Options are the caller's decisions about presentation. The zero value is
// plain text without colour, wrapped at DefaultWidth.
type Options struct {
	// Color turns on ANSI colour and the one-glyph severity markers
	// (✗ ! i ✓). The caller sets it only when writing to a terminal,
	// NO_COLOR is unset and --no-color was not given. Without colour the
	// markers are words ([error], [warn], [info], [ok]): a lone glyph is
	// hard to tell apart in a file, and colour must never be the only
	// carrier of severity.
	Color bool
	// Verbose prints every exchange as curl -v does (request and response
	// headers, remote address, timings, what each client would forward at
	// a redirect) instead of one line per exchange, and the catalogue's
	// explanation under each finding. Markdown and HTML add the headers.
	Verbose bool
	// Explain returns the catalogue's long explanation of a finding kind,
	// or "". It may be nil. It is a function rather than the catalogue
	// itself so that render does not depend on package checks.
	Explain func(id string) string
	// Width is the column the text report wraps prose at: 0 means
	// DefaultWidth, a negative value turns wrapping off (for a program
	// that wants whole lines). Headers and URLs are never broken.
	Width int
	// Now is the clock for the date of the Markdown and HTML reports;
	// nil means time.Now. Tests inject a fixed time.
	Now func() time.Time
	// Version is why401's version, named in the reports' footers.
	Version string
}

// Func is the shape every renderer has in the ByName table.
type Func = func(io.Writer, *why401.Report, Options) error

// Interface guards: every renderer fits the table's shape.
var (
	_ Func = Text
	_ Func = Markdown
	_ Func = HTML
	_ Func = HTMLFragment
)

// byName is the one table of output formats; --json and friends pick from it
// and change nothing else.
var byName = map[string]Func{
	"text":     Text,
	"json":     func(w io.Writer, r *why401.Report, _ Options) error { return JSON(w, r) },
	"jsonl":    func(w io.Writer, r *why401.Report, _ Options) error { return JSONLines(w, r) },
	"markdown": Markdown,
	"html":     HTML,
}

// ByName returns the renderer for a format name: "text", "json", "jsonl",
// "markdown" or "html".
func ByName(name string) (func(io.Writer, *why401.Report, Options) error, bool) {
	f, ok := byName[name]
	return f, ok
}

// Names returns the format names ByName knows, sorted, for help texts and
// error messages.
func Names() []string {
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var errNilReport = errors.New("render: nil report")

// write writes a fully rendered document in one call, so a renderer either
// fails before printing anything or reports the writer's error.
func write(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// now is the report's clock.
func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// explain returns the catalogue's explanation of id, or "".
func (o Options) explain(id string) string {
	if o.Explain == nil {
		return ""
	}
	return strings.TrimSpace(o.Explain(id))
}

// severityWord names a severity for people: the JSON names ("error", "warn",
// "info", "ok"), which are also what a user greps for.
func severityWord(s why401.Severity) string { return s.String() }

// severityLabel is the capitalised word used in headings.
func severityLabel(s why401.Severity) string {
	switch s {
	case why401.SeverityError:
		return "Error"
	case why401.SeverityWarn:
		return "Warning"
	case why401.SeverityInfo:
		return "Info"
	case why401.SeverityOK:
		return "OK"
	}
	return s.String()
}

// whoText says who can fix a finding. The terminal speaks to the visitor
// ("you"); a report written for the site owner names both parties.
func whoText(w why401.Who, visitorIsYou bool) string {
	switch w {
	case why401.Visitor:
		if visitorIsYou {
			return "you (the visitor)"
		}
		return "the visitor"
	case why401.SiteOwner:
		return "the site owner"
	case "":
		return "unknown"
	}
	return string(w)
}

// statusText is "401 Unauthorized", or "no response" for status 0.
func statusText(code int) string {
	if code == 0 {
		return "no response"
	}
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// chainPurposes are the exchanges of the user's own request (the first
// request, its redirects, the answer to the challenge); the others are
// follow-up probes of the checks.
var chainPurposes = map[string]bool{
	why401.PurposeInitial:    true,
	why401.PurposeRedirect:   true,
	why401.PurposeAnswer:     true,
	why401.PurposeStaleRetry: true,
	why401.PurposeHAR:        true,
}

// finalURL returns the URL of the last exchange of the user's chain when it
// differs from the target (the request ended elsewhere after redirects), and
// how many redirects it took.
func finalURL(r *why401.Report) (string, int) {
	last, hops := "", 0
	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		if !chainPurposes[e.Purpose] {
			continue
		}
		last = e.Request.URL
		if e.Hop != nil {
			hops++
		}
	}
	if last == "" || last == r.Target.URL {
		return "", hops
	}
	return last, hops
}

// exchangeAt returns the exchange an evidence index points at, or nil.
func exchangeAt(r *why401.Report, i int) *why401.Exchange {
	if i >= 0 && i < len(r.Exchanges) {
		return &r.Exchanges[i]
	}
	return nil
}

// verdictSeverity is the severity of the finding the verdict names; a
// verdict without a finding is judged by the final status alone.
func verdictSeverity(r *why401.Report) why401.Severity {
	for _, f := range r.Findings {
		if f.ID == r.Verdict.ID && f.ID != "" {
			return f.Severity
		}
	}
	switch {
	case r.Status == 0:
		return why401.SeverityError
	case r.Status < 400:
		return why401.SeverityOK
	}
	return why401.SeverityWarn
}

// challengeString writes a challenge the way it appears in the header
// (RFC 9110 §11.3): the scheme, then a token68 or auth-params, quoting what
// was quoted.
func challengeString(c why401.Challenge) string {
	var b strings.Builder
	b.WriteString(c.Scheme)
	if c.HasToken68 {
		b.WriteString(" ")
		b.WriteString(c.Token68)
		return b.String()
	}
	for i, p := range c.Params {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(paramString(p))
	}
	return b.String()
}

// paramString writes one auth-param; a quoted value gets its quoted-pairs
// back (RFC 9110 §5.6.4).
func paramString(p why401.Param) string {
	if !p.Quoted {
		return p.Name + "=" + p.Value
	}
	v := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.Value)
	return p.Name + `="` + v + `"`
}

// challengeParams is challengeString without the scheme, for tables.
func challengeParams(c why401.Challenge) string {
	if c.HasToken68 {
		return c.Token68
	}
	ps := make([]string, len(c.Params))
	for i, p := range c.Params {
		ps[i] = paramString(p)
	}
	return strings.Join(ps, ", ")
}

// challengeHeader names the field a challenge came from.
func challengeHeader(c why401.Challenge) string {
	if c.Proxy {
		return "Proxy-Authenticate"
	}
	return "WWW-Authenticate"
}

// ms formats milliseconds the way the reports show time.
func ms(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
}

// credentialText says what credentials an exchange carried.
func credentialText(e *why401.Exchange) string {
	switch {
	case e.CredentialsUnknown:
		return "unknown"
	case e.AnsweredByClient:
		return "yes, by the browser (hidden retry)"
	case !e.CredentialsSent && e.Credential == why401.CredUser:
		return "yes, in the body" // a confirmation over another channel (XML-RPC)
	case !e.CredentialsSent:
		return "no"
	case e.Credential == why401.CredWrong:
		return "deliberately wrong"
	}
	return "yes"
}

// cookieText says whether an exchange carried cookies.
func cookieText(e *why401.Exchange) string {
	switch {
	case e.CredentialsUnknown:
		return "unknown"
	case e.CookiesSent:
		return "yes"
	}
	return "no"
}

// timingText lists the phases of an exchange that were measured.
func timingText(t *why401.Timing) string {
	if t == nil {
		return ""
	}
	var parts []string
	if t.Reused {
		parts = append(parts, "reused connection")
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"dns", t.DNS}, {"connect", t.Connect}, {"tls", t.TLS}, {"first byte", t.TTFB}} {
		if p.v > 0 {
			parts = append(parts, p.name+" "+ms(p.v))
		}
	}
	return strings.Join(parts, ", ")
}

// headerLines returns "Name: value" lines sorted by name, values in the
// order they were received. Values are redacted already; clean keeps the
// terminal safe from what the server sent.
func headerLines(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, clean(k)+": "+clean(v))
		}
	}
	return out
}

// producedBy is the command that produced a report, as far as the report
// knows it: the source and the redacted target. Flags (and so -u) are not
// recorded, which is the point.
func producedBy(r *why401.Report) string {
	switch r.Source {
	case "curl":
		return "why401 curl …"
	case "har":
		return "why401 har FILE"
	}
	cmd := "why401 "
	if m := r.Target.Method; m != "" && m != http.MethodGet {
		cmd += "-X " + shellQuote(m) + " "
	}
	return cmd + shellQuote(r.Target.URL)
}

// shellQuote quotes s for a POSIX shell when it holds anything but the
// characters a URL can show unquoted.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,~", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// clean makes one line of outside text safe to show: invalid UTF-8 becomes
// U+FFFD, and control characters (C0, DEL, C1) and the bidirectional
// formatting characters become visible escapes such as \x1b and \u202e. A
// tab is a space. Without this, a realm or header value could clear the
// screen, set the terminal's title, or reorder a line (Trojan Source,
// CVE-2021-42574).
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c >= 0x80 && c <= 0x9f || isBidi(c):
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func needsClean(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f || isBidi(c) {
			return true
		}
	}
	return false
}

// isBidi reports whether c is a bidirectional formatting character (Unicode
// UAX #9): the marks, embeddings, overrides and isolates.
func isBidi(c rune) bool {
	return c == 0x061c || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
}

// lines splits multi-line text (a detail, an explanation) into cleaned
// lines, dropping blank ones at the ends.
func lines(s string) []string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = clean(strings.TrimRight(l, " \t\r"))
	}
	return ls
}

// span is a piece of prose: plain text, or code that was written between
// backticks (the catalogue writes commands and header names that way).
type span struct {
	Code bool
	Text string
}

// spans splits prose at pairs of backticks. A backtick without a partner is
// text. Markdown and HTML render code spans as code; the text report keeps
// the backticks.
func spans(s string) []span {
	var out []span
	for s != "" {
		i := strings.IndexByte(s, '`')
		if i < 0 {
			out = append(out, span{Text: s})
			break
		}
		j := strings.IndexByte(s[i+1:], '`')
		if j <= 0 { // no partner, or an empty pair: literal backticks
			k := i + 1
			if j == 0 {
				k = i + 2
			}
			out = appendText(out, s[:k])
			s = s[k:]
			continue
		}
		if i > 0 {
			out = appendText(out, s[:i])
		}
		out = append(out, span{Code: true, Text: s[i+1 : i+1+j]})
		s = s[i+2+j:]
	}
	return out
}

// appendText appends text to the last span when that is text too.
func appendText(out []span, t string) []span {
	if n := len(out); n > 0 && !out[n-1].Code {
		out[n-1].Text += t
		return out
	}
	return append(out, span{Text: t})
}
