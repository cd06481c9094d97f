package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/challenge"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/render"
)

//go:embed assets/page.html.tmpl
var pageSource string

//go:embed assets/static
var staticFS embed.FS

// pageTemplate is parsed once. html/template escapes every value by its
// context; the one value passed as template.HTML is a report rendered by
// render.HTMLFragment, itself an html/template that escapes everything the
// report holds.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}).Parse(pageSource))

// staticHandler serves the embedded stylesheet and script.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "assets/static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	fsrv := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}

// pageData is everything a page shows.
type pageData struct {
	Title     string
	Token     string
	Version   string
	Listen    string
	Guarded   bool
	MaxUpload string
	// MaxUploadBytes lets the script refuse a file over the limit before
	// sending it.
	MaxUploadBytes int64
	Methods        []string
	Form           formView
	CurlError      string
	HARError       string
	Result         *resultView
	History        []historyItem
}

// formView is the URL form as shown again after an error: never a secret.
type formView struct {
	URL       string
	Method    string
	User      string
	Insecure  bool
	AllowHTTP bool
	Basic     bool
	Error     string
	// SecretsCleared says the refused form had a password, token or
	// cookies, which are not written back: the page asks for them again.
	SecretsCleared bool
}

type historyItem struct {
	ID      string
	When    string
	Source  string
	Title   string
	Verdict string
	Class   string
	Current bool
}

func (s *Server) pageData(r *http.Request) *pageData {
	d := &pageData{
		Title:          "why401: why does this request get 401?",
		Token:          s.token,
		Version:        s.version(),
		Listen:         strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/"),
		Guarded:        s.guard != nil,
		MaxUpload:      sizeText(s.opts.MaxUpload),
		MaxUploadBytes: s.opts.MaxUpload,
		Methods:        []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
	}
	current := r.PathValue("id")
	for _, e := range s.history.list() {
		it := historyItem{ID: e.ID, When: e.Time.Format("15:04:05"), Source: e.Source, Title: cleanText(e.Title), Current: e.ID == current}
		switch {
		case e.HAR != nil:
			it.Verdict, it.Class = fmt.Sprintf("%d diagnosed", len(e.Reports)), "info"
		case len(e.Reports) == 1:
			it.Verdict, it.Class = verdictOf(e.Reports[0], e.Err)
		}
		d.History = append(d.History, it)
	}
	return d
}

// page writes a whole page. Pages are never cached: a result must not be
// served from the browser's cache, and no-store keeps the page out of the
// back-forward cache, which could otherwise restore a typed password.
func (s *Server) page(w http.ResponseWriter, status int, d *pageData) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, d); err != nil {
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// resultView is one stored diagnosis as the page shows it.
type resultView struct {
	ID       string
	When     string
	WhenISO  string
	Source   string
	Title    string
	Err      string
	Notes    []string
	HAR      *harView
	Reports  []reportView
	Shown    int
	NotShown int
}

type harView struct {
	Entries   int
	Counts    []statusCount
	Found     int
	Sanitized bool
	Browser   bool // sanitized by the browser (Chrome's default export)
	Creator   string
	Notes     []string
}

// reportView is one report: the rendered report and the two panels the
// page adds to it, the redirect chain and the challenges explained.
type reportView struct {
	Anchor     string
	Heading    string
	Status     string
	Verdict    string
	Class      string
	Open       bool
	Fragment   template.HTML
	Hops       []hopView
	Redirects  int
	Challenges []challengeView
}

// hopView is one exchange of the user's chain: what was sent, what came
// back, and at a redirect what each client would have forwarded.
type hopView struct {
	Index       int
	Purpose     string
	Method      string
	URL         string
	Status      string
	Class       string
	Credentials string
	CredClass   string
	Cookies     string
	Error       string
	Location    string
	CrossOrigin bool
	Downgrade   bool
	MethodKept  bool
	Clients     []clientView
}

type clientView struct {
	Name    string
	Auth    bool
	Cookies bool
}

// challengeView is one challenge broken into its parts, with what the
// registry says of the scheme.
type challengeView struct {
	Header     string
	Scheme     string
	Spec       string
	Known      bool
	Registered bool
	Token68    string
	Params     []paramView
	Summary    string
	Needs      string
	Explain    string
}

type paramView struct{ Name, Value string }

func (s *Server) resultView(e *entry) *resultView {
	v := &resultView{
		ID:      e.ID,
		When:    e.Time.Format("2006-01-02 15:04:05"),
		WhenISO: e.Time.Format(time.RFC3339),
		Source:  e.Source,
		Title:   cleanText(e.Title),
		Err:     cleanText(e.Err),
		Shown:   len(e.Reports),
	}
	for _, n := range e.Notes {
		v.Notes = append(v.Notes, cleanText(n))
	}
	if h := e.HAR; h != nil {
		v.HAR = &harView{Entries: h.Entries, Counts: sortedCounts(h.StatusCounts), Found: h.Found,
			Sanitized: h.Sanitized, Browser: h.SanitizedBy == "browser", Creator: cleanText(h.Creator)}
		for _, n := range h.Notes {
			v.HAR.Notes = append(v.HAR.Notes, cleanText(n))
		}
		v.NotShown = h.Found - len(e.Reports)
	}
	o := s.renderOptions(e)
	for i, rep := range e.Reports {
		rv := reportView{
			Anchor: "report-" + strconv.Itoa(i+1),
			Status: statusText(rep.Status),
			Open:   i == 0,
		}
		rv.Verdict, rv.Class = verdictOf(rep, "")
		rv.Heading = cleanText(rep.Target.Method + " " + rep.Target.URL)
		if e.HAR != nil {
			if n := len(rep.Exchanges); n > 0 {
				last := rep.Exchanges[n-1]
				rv.Heading = cleanText(last.Request.Method + " " + last.Request.URL)
			}
		}
		var b bytes.Buffer
		if err := render.HTMLFragment(&b, rep, o); err != nil {
			b.Reset()
			b.WriteString("<p>The report could not be rendered.</p>")
		}
		rv.Fragment = template.HTML(b.String()) //nolint:gosec // render.HTMLFragment escapes every value (html/template)
		rv.Hops, rv.Redirects = hops(rep)
		rv.Challenges = challenges(rep)
		v.Reports = append(v.Reports, rv)
	}
	return v
}

// chainPurposes are the exchanges of the user's own request, as opposed to
// the follow-up probes of the checks.
var chainPurposes = map[string]string{
	why401.PurposeInitial:    "your request",
	why401.PurposeRedirect:   "redirect",
	why401.PurposeAnswer:     "answer to the challenge",
	why401.PurposeStaleRetry: "answer after a stale nonce",
	why401.PurposeHAR:        "recorded",
}

func hops(r *why401.Report) ([]hopView, int) {
	var out []hopView
	redirects := 0
	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		purpose, ok := chainPurposes[e.Purpose]
		if !ok {
			// The report lists the user's chain first, then the checks'
			// probes, whose own redirects are also labelled "redirect":
			// the chain ends at the first exchange that is not its own.
			break
		}
		h := hopView{
			Index:   e.Index,
			Purpose: purpose,
			Method:  cleanText(e.Request.Method),
			URL:     cleanText(e.Request.URL),
			Status:  statusText(e.Status()),
			Class:   statusClass(e.Status()),
			Error:   cleanText(e.Error),
		}
		switch {
		case e.CredentialsUnknown:
			h.Credentials, h.CredClass = "unknown (the export hides them)", "unknown"
		case e.CredentialsSent && e.Credential == why401.CredWrong:
			h.Credentials, h.CredClass = "deliberately wrong ones", "wrong"
		case e.CredentialsSent:
			h.Credentials, h.CredClass = "yes", "yes"
		default:
			h.Credentials, h.CredClass = "no", "no"
		}
		h.Cookies = "no"
		if e.CredentialsUnknown {
			h.Cookies = "unknown"
		} else if e.CookiesSent {
			h.Cookies = "yes"
		}
		if hp := e.Hop; hp != nil {
			redirects++
			h.Location = cleanText(hp.Location)
			h.CrossOrigin, h.Downgrade, h.MethodKept = !hp.SameOrigin, hp.Downgrade, hp.MethodKept
			for _, c := range hp.Clients {
				h.Clients = append(h.Clients, clientView{Name: clientName(c.Client), Auth: c.ForwardsAuth, Cookies: c.ForwardsCookies})
			}
		}
		out = append(out, h)
	}
	return out, redirects
}

func clientName(c string) string {
	switch c {
	case "go":
		return "Go net/http"
	case "python-requests":
		return "Python requests"
	case "browser":
		return "browsers"
	}
	return c
}

func challenges(r *why401.Report) []challengeView {
	var out []challengeView
	for _, c := range r.Challenges {
		cv := challengeView{
			Header:     "WWW-Authenticate",
			Scheme:     cleanText(c.Scheme),
			Registered: c.Registered,
			Explain:    cleanText(challenge.Explain(c)),
		}
		if c.Proxy {
			cv.Header = "Proxy-Authenticate"
		}
		if c.HasToken68 {
			cv.Token68 = cleanText(c.Token68)
		}
		for _, p := range c.Params {
			cv.Params = append(cv.Params, paramView{Name: cleanText(p.Name), Value: cleanText(p.Value)})
		}
		if sc, ok := challenge.Lookup(c.Scheme); ok {
			cv.Known, cv.Spec, cv.Summary, cv.Needs = true, sc.Spec, sc.Summary, sc.ClientNeeds
		}
		out = append(out, cv)
	}
	return out
}

// verdictOf is a report's verdict, short (the verdict finding's title, not
// its whole summary, which names URLs), and its severity class, for the
// history and the headings.
func verdictOf(r *why401.Report, runErr string) (string, string) {
	if runErr != "" && r.Status == 0 {
		return "not reached", "error"
	}
	class := "info"
	for _, f := range r.Findings {
		if f.ID == r.Verdict.ID {
			class = f.Severity.String()
			if f.Title != "" {
				return cleanText(f.Title), class
			}
			break
		}
	}
	if r.Verdict.ID == "" {
		switch {
		case r.Status == 0:
			class = "error"
		case r.Status < 400:
			class = "ok"
		default:
			class = "warn"
		}
	}
	text := r.Verdict.Summary
	if text == "" {
		text = statusText(r.Status)
	}
	return cleanText(text), class
}

func statusText(code int) string {
	if code == 0 {
		return "no response"
	}
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

func statusClass(code int) string {
	switch {
	case code == 0 || code >= 400:
		return "error"
	case code >= 300:
		return "redirect"
	}
	return "ok"
}

// explainText is the catalogue's explanation of a finding kind.
func explainText(id string) string {
	if k, ok := checks.Lookup(id); ok {
		return k.Explain
	}
	return ""
}

// cleanText makes outside text (a URL, a realm, an error) safe to show:
// invalid UTF-8 becomes U+FFFD, control and bidirectional formatting
// characters become visible escapes, so a hostile server cannot reorder
// what the reader sees (Trojan Source, CVE-2021-42574). HTML escaping is
// the template's job.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\t' || c == '\n':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f,
			c == 0x061c || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	if utf8.RuneCountInString(b.String()) > 2000 {
		r := []rune(b.String())
		return string(r[:2000]) + "…"
	}
	return b.String()
}
