// Package web is `why401 serve`: a local web page where a person pastes a
// URL (with optional credentials), a "Copy as cURL" command, or drops a HAR
// export, and sees the diagnosis laid out: the verdict, the ranked findings
// with evidence, who can fix each and how, the redirect chain hop by hop,
// the challenges explained, and the Markdown and JSON reports to download.
//
// Everything the page needs is embedded (go:embed): no CDN, no build step,
// and the URL form works without JavaScript (the result is rendered on the
// server).
//
// The page is a way into this machine's network, so it is locked down
// (DESIGN.md §5):
//
//   - it listens on loopback unless told otherwise, and answers only to a
//     Host header naming the address it listens on, or localhost: a page on
//     another site cannot rebind its own name to 127.0.0.1 and read it (DNS
//     rebinding);
//   - every POST needs the per-launch token embedded in the page and must
//     not come from another site (Sec-Fetch-Site, Origin); no CORS header is
//     ever sent, so another origin can neither post to it nor read it;
//   - when it listens beyond loopback, targets in private, loopback,
//     link-local and metadata ranges are refused at dial time, redirects and
//     DNS rebinding included (see guard), unless AllowPrivate;
//   - uploads are limited in size and refused from their Content-Length
//     before their body is read; every diagnosis has a deadline and a slot
//     in a small pool, so a slow target holds one slot and nothing else;
//   - secrets typed into the form are used for one run and forgotten: never
//     logged, never kept in the history, never written back into a page or a
//     download, not even into a re-filled form field.
package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxUpload     = 256 << 20 // a HAR export; DevTools itself struggles past ~200 MB
	DefaultMaxTime       = 30 * time.Second
	DefaultHistory       = 20
	DefaultMaxConcurrent = 4
	// maxFormBytes bounds the URL and curl forms (a curl command with a
	// long body fits; a form is not an upload).
	maxFormBytes = 1 << 20
	// maxHARReports bounds the reports kept from one HAR: each 401 gets
	// one, and the history must stay small.
	maxHARReports = 50
)

// Options configure a Server. The zero value serves with the defaults.
type Options struct {
	// AllowPrivate lifts the guard on private, loopback, link-local and
	// metadata targets when listening beyond loopback (--allow-private).
	AllowPrivate bool
	// MaxUpload bounds a HAR upload in bytes.
	MaxUpload int64
	// MaxTime bounds one diagnosis, as -m does.
	MaxTime time.Duration
	// History is how many recent diagnoses are kept in memory.
	History int
	// MaxConcurrent is how many diagnoses may run at once; more wait
	// briefly, then get a "busy" answer.
	MaxConcurrent int
	// Log receives one line per request: method, path, status, time.
	// Never a query, a form value or a header. Nil logs nothing.
	Log *log.Logger
	// Version is why401's version, shown in the footer and the reports.
	Version string
	// Token is the per-launch token; empty means a random one (tests fix
	// it).
	Token string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// guardAll turns the target guard on whatever the listen address
	// (tests); exempt and dialHook configure it (see guard).
	guardAll bool
	exempt   []netip.Prefix
	dialHook func(network, address string, verdict error) error
	// queueWait is how long a diagnosis waits for a free slot (0 means
	// 5 s); tests shorten it.
	queueWait time.Duration
}

// Server is the page. It is an http.Handler; Serve runs it on a listener.
type Server struct {
	opts    Options
	addr    string // the listen address, host:port as bound
	port    string
	anyIP   bool // listening on 0.0.0.0 or ::: any IP literal may be the Host
	token   string
	guard   *guard // nil when targets are not restricted
	history *history
	slots   chan struct{}
	cop     *http.CrossOriginProtection
	mux     *http.ServeMux
}

// New returns the page for a server listening on addr (host:port, as the
// listener reports it: with the port it actually got). Listening beyond
// loopback turns the target guard on, unless opts.AllowPrivate.
func New(addr string, opts Options) (*Server, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("web: listen address %q: %w", addr, err)
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = DefaultMaxUpload
	}
	if opts.MaxTime <= 0 {
		opts.MaxTime = DefaultMaxTime
	}
	if opts.History <= 0 {
		opts.History = DefaultHistory
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.queueWait <= 0 {
		opts.queueWait = 5 * time.Second
	}
	s := &Server{
		opts:    opts,
		addr:    addr,
		port:    port,
		token:   opts.Token,
		history: newHistory(opts.History),
		slots:   make(chan struct{}, opts.MaxConcurrent),
		cop:     http.NewCrossOriginProtection(),
	}
	if a, err := netip.ParseAddr(host); err == nil && a.IsUnspecified() {
		s.anyIP = true
	}
	if s.token == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("web: token: %w", err)
		}
		s.token = base64.RawURLEncoding.EncodeToString(b)
	}
	if opts.guardAll || (!isLoopbackListen(addr) && !opts.AllowPrivate) {
		s.guard = &guard{exempt: opts.exempt, dialHook: opts.dialHook}
	}
	s.routes()
	return s, nil
}

// Guarded reports whether targets in private, loopback, link-local and
// metadata ranges are refused.
func (s *Server) Guarded() bool { return s.guard != nil }

// Token returns the per-launch token every POST must carry.
func (s *Server) Token() string { return s.token }

// URL returns the address to open in a browser.
func (s *Server) URL() string {
	host, port, _ := net.SplitHostPort(s.addr)
	if s.anyIP {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("POST /check", s.post(s.checkURL))
	m.HandleFunc("POST /curl", s.post(s.checkCurl))
	m.HandleFunc("POST /har", s.post(s.checkHAR))
	m.HandleFunc("GET /r/{id}", s.result)
	m.HandleFunc("GET /r/{id}/report.md", s.download)
	m.HandleFunc("GET /r/{id}/report.json", s.download)
	m.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.mux = m
}

// ServeHTTP checks the Host, sets the headers every answer carries, logs
// the request and dispatches it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if s.opts.Log != nil {
			// The path only: a query could carry anything, and the
			// forms are never logged.
			s.opts.Log.Printf("%s %s → %d (%s)", r.Method, logPath(r.URL.Path), rec.status, time.Since(start).Round(time.Millisecond))
		}
	}()
	h := rec.Header()
	// No Access-Control-* header, ever: another origin may not read any
	// answer. The policy allows this origin's own files and nothing else.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.hostAllowed(r.Host) {
		// DNS rebinding: a page at http://evil.example:8401/ whose name
		// now resolves to 127.0.0.1 sends Host: evil.example:8401.
		closeEarly(rec, r)
		http.Error(rec, "why401 serve answers only to "+s.URL()+" or http://localhost:"+s.port+"/ (this request named another host: refused, see DNS rebinding)", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// hostAllowed reports whether a Host header names this server: the address
// it listens on, or localhost, with its port. A DNS rebinding attack needs
// a name the attacker controls, so names are refused; localhost is the
// exception, as browsers resolve it to loopback without asking DNS. When
// the server listens on every address (0.0.0.0), any IP literal with its
// port is allowed: an attacker can rebind a name, never an address literal.
func (s *Server) hostAllowed(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port: only right when listening on 80.
		host, port = hostport, "80"
	}
	if port != s.port {
		return false
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	lhost, _, _ := net.SplitHostPort(s.addr)
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return false
	}
	if s.anyIP {
		return true
	}
	l, err := netip.ParseAddr(lhost)
	return err == nil && a.Unmap() == l.Unmap()
}

// post wraps a POST handler: the request must come from this page (not
// from another site) and carry the per-launch token, which the handler
// reads with tokenOK once it has the form.
func (s *Server) post(h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.cop.Check(r); err != nil {
			closeEarly(w, r)
			http.Error(w, "why401 serve refuses requests that come from another site (cross-site request refused).", http.StatusForbidden)
			return
		}
		h(w, r)
	}
}

// tokenOK reports whether the request carries the per-launch token, in the
// X-Why401-Token header or the given form value.
func (s *Server) tokenOK(r *http.Request, formValue string) bool {
	t := r.Header.Get("X-Why401-Token")
	if t == "" {
		t = formValue
	}
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request) {
	closeEarly(w, r)
	http.Error(w, "This form is out of date or did not come from why401 serve (missing or wrong token): reload the page and try again.", http.StatusForbidden)
}

// closeEarly marks the connection to be closed after this answer when the
// request has a body we will not read: the server then stops reading
// instead of draining it.
func closeEarly(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
}

// acquire takes a diagnosis slot, waiting up to a few seconds.
func (s *Server) acquire(ctx context.Context) bool {
	t := time.NewTimer(s.opts.queueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (s *Server) release() { <-s.slots }

// Serve answers on l until ctx is done, then shuts down: it stops
// accepting, gives running diagnoses a few seconds, then cancels them. It
// returns when everything it started has ended.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	if s.opts.Log != nil {
		hs.ErrorLog = s.opts.Log
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	err := hs.Shutdown(sctx)
	cancel() // diagnoses still running after the grace period end now
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// statusRecorder remembers the status for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logPath shortens a path for the log and keeps it on one line.
func logPath(p string) string {
	if len(p) > 80 {
		p = p[:80] + "…"
	}
	q := strconv.QuoteToASCII(p)
	return q[1 : len(q)-1]
}
