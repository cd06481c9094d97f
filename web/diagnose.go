package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
)

// urlForm is the URL form as submitted. Password, Bearer and Cookie are
// secrets from the moment they are read: they go into the Input as
// redact.Secret values and nowhere else.
type urlForm struct {
	URL       string
	Method    string
	User      string
	Password  redact.Secret
	Bearer    redact.Secret
	Cookie    redact.Secret
	Insecure  bool
	AllowHTTP bool
	Basic     bool
}

func readURLForm(v url.Values) urlForm {
	return urlForm{
		URL:       strings.TrimSpace(v.Get("url")),
		Method:    strings.ToUpper(strings.TrimSpace(v.Get("method"))),
		User:      v.Get("user"),
		Password:  redact.New(v.Get("password")),
		Bearer:    redact.New(v.Get("bearer")),
		Cookie:    redact.New(strings.TrimSpace(v.Get("cookie"))),
		Insecure:  v.Get("insecure") != "",
		AllowHTTP: v.Get("allow_http") != "",
		Basic:     v.Get("basic") != "",
	}
}

// inputError is bad input: the form is shown again with the message.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(msg string) error { return &inputError{msg: msg} }

// input builds the diagnosis input the way the CLI builds it from -u,
// --oauth2-bearer and -b. Secrets are not trimmed: a pasted newline is
// evidence (credentials.whitespace).
func (f urlForm) input(now time.Time) (*why401.Input, probe.Options, error) {
	if f.URL == "" {
		return nil, probe.Options{}, badInput("Enter the URL that answers 401, starting with https:// or http://.")
	}
	if !strings.Contains(f.URL, "://") {
		// "example.com/x" has no scheme, and url.Parse reads the host of
		// "example.com:8080/x" as one: say what is missing either way.
		return nil, probe.Options{}, badInput("The URL has no scheme: write https:// (or http://) in front of it, as in https://example.com/private/.")
	}
	if _, err := probe.ParseURL(f.URL); err != nil {
		return nil, probe.Options{}, badInput(cleanErr(err))
	}
	in := &why401.Input{Method: f.Method, URL: f.URL, Header: http.Header{}, Source: "url", Now: now}
	if !validMethod(f.Method) {
		return nil, probe.Options{}, badInput("The method must be a word such as GET or POST.")
	}
	if f.User != "" || !f.Password.IsZero() {
		if f.User == "" {
			return nil, probe.Options{}, badInput("A password was given without a user name: enter both, or neither.")
		}
		in.Creds.User, in.Creds.Password, in.Creds.HasUser = f.User, f.Password, true
	}
	in.Creds.Basic = f.Basic && in.Creds.HasUser
	in.Creds.Bearer = f.Bearer
	if c := f.Cookie.Reveal(); c != "" && !strings.Contains(c, "=") {
		return nil, probe.Options{}, badInput("Cookies are written NAME=VALUE; NAME2=VALUE2 (as in a Cookie header).")
	}
	in.Creds.Cookie = f.Cookie
	return in, probe.Options{Insecure: f.Insecure, AllowHTTP: f.AllowHTTP}, nil
}

// refill returns the form to show again: the URL without its userinfo and
// with token-like query values redacted, the method, the user name and the
// options. Password, token and cookies are never written back.
func (f urlForm) refill() formView {
	return formView{URL: refillURL(f.URL), Method: f.Method, User: f.User, Insecure: f.Insecure, AllowHTTP: f.AllowHTTP, Basic: f.Basic,
		SecretsCleared: !f.Password.IsZero() || !f.Bearer.IsZero() || !f.Cookie.IsZero()}
}

// refillURL is a URL as typed, fit to be written back into the form: its
// userinfo removed and token-like query values redacted. A URL that does
// not parse into a host is dropped whole when it holds an "@": without a
// scheme, "alice:pw@example.com" parses as the scheme "alice" and an
// opaque "pw@example.com", where the password would survive.
func refillURL(raw string) string {
	p, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return ""
		}
		if base, q, ok := strings.Cut(raw, "?"); ok {
			return base + "?" + redact.Query(q)
		}
		return raw
	}
	if strings.Contains(raw, "@") && (p.Opaque != "" || p.Host == "") {
		return ""
	}
	// The fragment is never sent, and may hold an OAuth implicit-flow
	// token (#access_token=…).
	p.User, p.Fragment, p.RawFragment = nil, "", ""
	return redact.URLValue(p)
}

// validMethod reports whether m is empty (GET) or a short token of letters.
func validMethod(m string) bool {
	if len(m) > 16 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

var errBusy = errors.New("why401 serve is running as many diagnoses as it allows at once; try again in a moment")

// run diagnoses one live input: with a slot from the pool, the guard's
// checks when targets are restricted, and a deadline. The report is
// scrubbed before it is returned. An *inputError means nothing was sent.
func (s *Server) run(ctx context.Context, in *why401.Input, opts probe.Options) (*why401.Report, error) {
	// A second resolver is queried directly, not through the probe's
	// dialer, so the guard could not vet it: the page never asks one.
	in.Resolvers = nil
	if s.guard != nil {
		if err := s.guard.checkURL(in.URL); err != nil {
			return nil, badInput(cleanErr(err))
		}
		opts.DialControl = s.guard.control
	}
	if opts.MaxTime <= 0 || opts.MaxTime > s.opts.MaxTime {
		opts.MaxTime = s.opts.MaxTime
	}
	opts.UserAgent = "why401/" + s.version()
	sess, err := probe.New(in, opts)
	if err != nil {
		return nil, badInput(cleanErr(err))
	}
	defer sess.Close()
	if !s.acquire(ctx) {
		return nil, errBusy
	}
	defer s.release()
	// The probe bounds each phase by MaxTime; this bounds the whole run,
	// follow-up probes included, and ends it when the browser goes away.
	ctx, cancel := context.WithTimeout(ctx, opts.MaxTime+2*time.Second)
	defer cancel()
	r, err := checks.Diagnose(ctx, in, sess, false)
	if r != nil {
		scrub(r, in)
	}
	if err != nil {
		err = errors.New(redact.Text(cleanErr(err), secretsOf(in)...))
	}
	return r, err
}

// cleanErr is an error's message without the package prefixes.
func cleanErr(err error) string {
	msg := err.Error()
	for _, p := range []string{"probe: ", "why401: ", "curlcmd: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

// secretsOf lists every secret of an input, and each cookie value on its
// own, for redact.Text.
func secretsOf(in *why401.Input) []redact.Secret {
	c := in.Creds
	out := []redact.Secret{c.Password, c.Bearer, c.Authorization, c.Cookie, in.Body}
	for _, part := range strings.Split(c.Cookie.Reveal(), ";") {
		if _, v, ok := strings.Cut(part, "="); ok {
			out = append(out, redact.New(strings.TrimSpace(v)))
		}
	}
	if u, err := url.Parse(in.URL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, redact.New(p))
		}
	}
	return out
}

// scrub makes a report fit for the history and the downloads: response
// bodies are dropped (a 200 answer to good credentials may carry a session
// token) and every secret of the input is removed from every string, a
// second line of defence behind package redact.
func scrub(r *why401.Report, in *why401.Input) {
	sec := secretsOf(in)
	t := func(s *string) { *s = redact.Text(*s, sec...) }
	hdr := func(h http.Header) {
		for _, vs := range h {
			for i := range vs {
				t(&vs[i])
			}
		}
	}
	t(&r.Target.URL)
	t(&r.Verdict.Summary)
	for i := range r.Notes {
		t(&r.Notes[i])
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		t(&f.Title)
		t(&f.Detail)
		for j := range f.Fix {
			t(&f.Fix[j])
		}
	}
	for i := range r.Challenges {
		c := &r.Challenges[i]
		t(&c.Token68)
		for j := range c.Params {
			t(&c.Params[j].Value)
		}
	}
	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		t(&e.Request.URL)
		t(&e.Error)
		hdr(e.Request.Header)
		if e.Response != nil {
			e.Response.Body = nil
			hdr(e.Response.Header)
		}
		if e.Hop != nil {
			t(&e.Hop.Location)
		}
	}
}

// version is the version shown and sent as the User-Agent.
func (s *Server) version() string {
	if s.opts.Version == "" {
		return "dev"
	}
	return s.opts.Version
}
