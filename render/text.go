package render

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/why401/why401"
)

// SGR sequences (ECMA-48). Six codes do not justify a dependency, and a
// colour library would make its own TTY decision behind the caller's back.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrBlue   = "\x1b[34m"
)

// Text writes the terminal report: the verdict first, then the final status
// and the challenges, each finding ranked with who can fix it, its detail,
// its evidence and its fix as steps, the notes, and the exchanges (one line
// each, or as curl -v shows them with Options.Verbose).
//
// The output has no trailing spaces and, without Options.Color, no escape
// sequences, so it reads the same in a file, in less and in a diff.
func Text(w io.Writer, r *why401.Report, o Options) error {
	if r == nil {
		return errNilReport
	}
	t := &textPrinter{o: o, width: o.Width}
	if t.width == 0 {
		t.width = DefaultWidth
	}
	t.report(r)
	return write(w, t.bytes())
}

type textPrinter struct {
	b     bytes.Buffer
	o     Options
	width int // < 0: no wrapping
}

// bytes returns the output with every line right-trimmed and exactly one
// newline at the end.
func (t *textPrinter) bytes() []byte {
	ls := strings.Split(t.b.String(), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " ")
	}
	out := strings.TrimRight(strings.Join(ls, "\n"), "\n")
	return []byte(out + "\n")
}

// paint wraps s in an SGR sequence when colour is on.
func (t *textPrinter) paint(sgr, s string) string {
	if !t.o.Color || sgr == "" || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

// marker returns the severity marker as shown and its width in columns.
func (t *textPrinter) marker(s why401.Severity) (string, int) {
	if !t.o.Color {
		m := "[" + severityWord(s) + "]"
		return m, len(m)
	}
	switch s {
	case why401.SeverityError:
		return t.paint(sgrRed+sgrBold, "✗"), 1
	case why401.SeverityWarn:
		return t.paint(sgrYellow+sgrBold, "!"), 1
	case why401.SeverityInfo:
		return t.paint(sgrBlue+sgrBold, "i"), 1
	}
	return t.paint(sgrGreen+sgrBold, "✓"), 1
}

// status colours a status by class, success green and failure red, glued
// so that a wrap never splits it (and never leaves a colour open at a line's
// end).
func (t *textPrinter) status(code int) string {
	s := statusText(code)
	sgr := ""
	switch {
	case code == 0 || code >= 400:
		sgr = sgrRed
	case code < 300:
		sgr = sgrGreen
	}
	return t.paint(sgr, glue(s))
}

func (t *textPrinter) line(s string) {
	t.b.WriteString(s)
	t.b.WriteByte('\n')
}

func (t *textPrinter) blank() { t.b.WriteByte('\n') }

// para prints prose: prefix (of visible width pw) before the first line,
// indent spaces before the others, each line painted with sgr.
func (t *textPrinter) para(prefix string, pw, indent int, sgr, text string) {
	for i, l := range t.wrap(glueCode(text), pw, indent) {
		if i == 0 {
			t.line(prefix + t.paint(sgr, l))
		} else {
			t.line(strings.Repeat(" ", indent) + t.paint(sgr, l))
		}
	}
}

// wrap breaks text into lines at spaces so that the first line fits after a
// prefix of width first and the others after indent; a word longer than a
// line (a URL) gets a line of its own and is never broken.
func (t *textPrinter) wrap(text string, first, indent int) []string {
	if t.width < 0 {
		return []string{unglue(text)}
	}
	var words []string
	for _, w := range strings.Split(text, " ") {
		if w != "" {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	cur, curW, avail := "", 0, t.width-first
	for _, w := range words {
		ww := visibleWidth(w)
		switch {
		case cur == "":
			cur, curW = w, ww
		case curW+1+ww <= avail:
			cur += " " + w
			curW += 1 + ww
		default:
			out = append(out, cur)
			cur, curW, avail = w, ww, t.width-indent
		}
	}
	out = append(out, cur)
	for i, l := range out {
		out[i] = unglue(l)
	}
	return out
}

// nbsp glues words that must stay on one line ("401 Unauthorized",
// "12.3 ms"); wrap turns it back into a space.
const nbsp = "\u00a0"

func glue(s string) string   { return strings.ReplaceAll(s, " ", nbsp) }
func unglue(s string) string { return strings.ReplaceAll(s, nbsp, " ") }

// glueCode glues the text between backticks, so that a command in a fix
// step stays on one line and can be copied whole.
func glueCode(s string) string {
	if !strings.Contains(s, "`") {
		return s
	}
	var b strings.Builder
	for _, sp := range spans(s) {
		if sp.Code {
			b.WriteString("`" + glue(sp.Text) + "`")
		} else {
			b.WriteString(sp.Text)
		}
	}
	return b.String()
}

// visibleWidth is the number of columns s takes: its runes, less the SGR
// sequences this package writes.
func visibleWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j > 0 {
				i += j + 1
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

func (t *textPrinter) report(r *why401.Report) {
	// The verdict: the one line a hurried reader reads.
	m, mw := t.marker(verdictSeverity(r))
	t.para(m+" ", mw+1, mw+1, sgrBold, clean(r.Verdict.Summary))

	// The final status and what was asked.
	st := t.status(r.Status) + " · " + clean(r.Target.Method) + " " + clean(r.Target.URL)
	if u, hops := finalURL(r); u != "" {
		st += " → " + clean(u)
		if hops > 0 {
			st += " " + glue("(after "+plural(hops, "redirect")+")")
		}
	}
	t.para("  ", 2, 4, "", st)
	for _, c := range r.Challenges {
		label := "challenge: "
		if c.Proxy {
			label = "proxy challenge: "
		}
		s := label + clean(challengeString(c))
		if !c.Registered {
			s += " (scheme not in the IANA registry)"
		}
		t.para("  ", 2, 4, "", s)
	}

	if len(r.Findings) > 0 {
		t.blank()
		t.line(t.paint(sgrBold, "Findings"))
		for i := range r.Findings {
			t.blank()
			t.finding(r, &r.Findings[i])
		}
	}

	if len(r.Notes) > 0 {
		t.blank()
		t.line(t.paint(sgrBold, "Notes"))
		for _, n := range r.Notes {
			for i, l := range lines(n) {
				p := "  - "
				if i > 0 {
					p = "    "
				}
				t.para(p, 4, 4, "", l)
			}
		}
	}

	if len(r.Exchanges) > 0 {
		t.blank()
		t.line(t.paint(sgrBold, "Exchanges"))
		if t.o.Verbose {
			for i := range r.Exchanges {
				t.blank()
				t.verboseExchange(&r.Exchanges[i])
			}
		} else {
			for i := range r.Exchanges {
				t.compactExchange(&r.Exchanges[i])
			}
			t.blank()
			t.line(t.paint(sgrDim, "-v shows every exchange's headers; why401 explain ID explains a finding."))
		}
	}
}

// finding prints one finding: marker and title, who can fix it, the detail,
// the evidence, the fix as numbered steps and the references.
func (t *textPrinter) finding(r *why401.Report, f *why401.Finding) {
	m, mw := t.marker(f.Severity)
	const ind = 2
	pad := strings.Repeat(" ", ind)
	t.titleLine(m, mw, ind, clean(f.Title), clean(f.ID))

	t.para(pad, ind, ind, "", "who can fix it: "+whoText(f.Who, true))
	for _, l := range lines(f.Detail) {
		t.para(pad, ind, ind, "", l)
	}
	for _, ev := range f.Evidence {
		t.para(pad, ind, ind+2, "", "seen in exchange #"+strconv.Itoa(ev)+evidenceSuffix(r, ev))
	}
	if len(f.Fix) > 0 {
		t.line(pad + "fix:")
		for i, step := range f.Fix {
			n := strconv.Itoa(i+1) + ". "
			for j, l := range lines(step) {
				if j == 0 {
					t.para(pad+"  "+n, ind+2+len(n), ind+2+len(n), "", l)
				} else {
					sp := strings.Repeat(" ", ind+2+len(n))
					t.para(sp, len(sp), len(sp), "", l)
				}
			}
		}
	}
	if len(f.Refs) > 0 {
		refs := make([]string, len(f.Refs))
		for i, s := range f.Refs {
			refs[i] = clean(s)
		}
		t.para(pad, ind, ind+2, sgrDim, "refs: "+strings.Join(refs, "; "))
	}
	// The catalogue's explanation is long and the same every time: only
	// -v shows it (why401 explain ID prints it too).
	if ex := paragraphs(t.o.explain(f.ID)); t.o.Verbose && len(ex) > 0 {
		t.line(pad + "about:")
		for _, p := range ex {
			t.para(pad+"  ", ind+2, ind+2, "", p)
		}
	}
}

// titleLine prints "marker Title (id)", the title bold and the ID dim,
// wrapped like any prose.
func (t *textPrinter) titleLine(m string, mw, ind int, title, id string) {
	text := title
	if id != "" {
		text += " (" + id + ")"
	}
	ls := t.wrap(text, mw+1, ind)
	for i, l := range ls {
		p := m + " "
		if i > 0 {
			p = strings.Repeat(" ", ind)
		}
		// Paint the ID part dim and the rest bold, wherever the wrap put it.
		if id != "" && i == len(ls)-1 && strings.HasSuffix(l, "("+id+")") {
			head := strings.TrimSuffix(l, "("+id+")")
			t.line(p + t.paint(sgrBold, strings.TrimRight(head, " ")) + sp(head) + t.paint(sgrDim, "("+id+")"))
			continue
		}
		t.line(p + t.paint(sgrBold, l))
	}
}

// sp returns the space between a title and its ID: one when head has text.
func sp(head string) string {
	if strings.TrimSpace(head) == "" {
		return ""
	}
	return " "
}

// evidenceSuffix is " (GET https://… → 401)" for an exchange the report
// holds, "" for an index it does not.
func evidenceSuffix(r *why401.Report, i int) string {
	e := exchangeAt(r, i)
	if e == nil {
		return ""
	}
	s := " (" + clean(e.Request.Method) + " " + clean(e.Request.URL) + " → "
	if e.Response == nil {
		return s + "no response)"
	}
	return s + strconv.Itoa(e.Response.Status) + ")"
}

// compactExchange prints one exchange on one (wrapped) line:
// "#0 GET http://… → 301 → https://… (cookies sent; another origin; 12 ms)".
func (t *textPrinter) compactExchange(e *why401.Exchange) {
	head := "#" + strconv.Itoa(e.Index) + " "
	s := clean(e.Request.Method) + " " + clean(e.Request.URL) + " → "
	if e.Response == nil {
		s += t.status(0)
		if e.Error != "" {
			s += ": " + clean(e.Error)
		}
	} else {
		s += t.status(e.Response.Status)
		if e.Hop != nil && e.Hop.Location != "" {
			s += " → " + clean(e.Hop.Location)
		}
	}
	var attrs []string
	if e.Purpose != "" && e.Purpose != why401.PurposeInitial && e.Purpose != why401.PurposeRedirect {
		attrs = append(attrs, clean(e.Purpose))
	}
	switch {
	case e.CredentialsUnknown:
		attrs = append(attrs, "credentials and cookies unknown (sanitized HAR)")
	case e.AnsweredByClient:
		attrs = append(attrs, "credentials sent by the browser (hidden retry)")
	case e.CredentialsSent && e.Credential == why401.CredWrong:
		attrs = append(attrs, "random credentials sent")
	case e.CredentialsSent:
		attrs = append(attrs, "credentials sent")
	}
	if e.CookiesSent && !e.CredentialsUnknown {
		attrs = append(attrs, "cookies sent")
	}
	if h := e.Hop; h != nil {
		if h.Downgrade {
			attrs = append(attrs, "downgrade to http")
		}
		if !h.SameOrigin {
			attrs = append(attrs, "to another origin")
		}
	}
	if e.ElapsedMS > 0 {
		attrs = append(attrs, glue(ms(e.ElapsedMS)))
	}
	if len(attrs) > 0 {
		s += " (" + strings.Join(attrs, "; ") + ")"
	}
	t.para("  "+head, 2+len(head), 2+len(head), "", s)
}

// verboseExchange prints one exchange as curl -v does: "*" lines say what
// why401 knows about it, ">" lines are the request, "<" lines the response.
// The body is never shown, only its size.
func (t *textPrinter) verboseExchange(e *why401.Exchange) {
	info := func(s string) { t.line(t.paint(sgrDim, "* "+s)) }

	head := "#" + strconv.Itoa(e.Index)
	if e.Purpose != "" {
		head += " " + clean(e.Purpose)
	}
	if e.RemoteAddr != "" {
		head += ", " + clean(e.RemoteAddr)
	}
	if e.ElapsedMS > 0 {
		head += ", " + ms(e.ElapsedMS)
	}
	if tt := timingText(e.Timing); tt != "" {
		head += " (" + tt + ")"
	}
	info(head)
	info("credentials sent: " + credentialText(e) + "; cookies sent: " + cookieText(e))

	t.line("> " + clean(e.Request.Method) + " " + clean(e.Request.URL))
	for _, h := range headerLines(e.Request.Header) {
		t.line("> " + h)
	}
	if e.Request.BodySize > 0 {
		t.line("> [" + strconv.FormatInt(e.Request.BodySize, 10) + " bytes of body, not shown]")
	}
	t.line(">")

	if e.Response == nil {
		msg := "no response"
		if e.Error != "" {
			msg += ": " + clean(e.Error)
		}
		t.line(t.paint(sgrRed, "* "+msg))
		return
	}
	sl := statusText(e.Response.Status)
	if e.Response.Proto != "" {
		sl = clean(e.Response.Proto) + " " + sl
	}
	t.line("< " + t.paint(sgrBold, sl))
	for _, h := range headerLines(e.Response.Header) {
		t.line("< " + h)
	}
	if e.Response.BodySize > 0 {
		b := "[" + strconv.FormatInt(e.Response.BodySize, 10) + " bytes of body"
		if e.Response.BodyTruncated {
			b += " or more"
		}
		t.line("< " + b + ", not shown]")
	}
	t.line("<")
	if e.Error != "" {
		info("error: " + clean(e.Error))
	}
	if e.Hop != nil {
		t.hop(e, info)
	}
}

// hop prints what crossed a redirect, and the client table: which clients
// would forward Authorization and cookies to the new location.
func (t *textPrinter) hop(e *why401.Exchange, info func(string)) {
	h := e.Hop
	var what []string
	if h.SameOrigin {
		what = append(what, "same origin")
	} else {
		what = append(what, "another origin")
	}
	if h.Downgrade {
		what = append(what, "downgrade from https to http")
	}
	if h.MethodKept {
		what = append(what, "method and body kept")
	} else if m := e.Request.Method; m != http.MethodGet && m != http.MethodHead {
		what = append(what, m+" becomes GET")
	}
	info("redirect to " + clean(h.Location) + " (" + strings.Join(what, ", ") + ")")
	if len(h.Clients) == 0 {
		return
	}
	cw := len("client")
	for _, c := range h.Clients {
		if n := utf8.RuneCountInString(clean(c.Client)); n > cw {
			cw = n
		}
	}
	row := func(a, b, c string) string {
		return fmt.Sprintf("  %-*s  %-13s  %s", cw, a, b, c)
	}
	info(row("client", "Authorization", "cookies"))
	for _, c := range h.Clients {
		info(row(clean(c.Client), forwards(c.ForwardsAuth), forwards(c.ForwardsCookies)))
	}
}

func forwards(b bool) string {
	if b {
		return "forwarded"
	}
	return "dropped"
}
