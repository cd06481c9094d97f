// Package probe is the only code in why401 that opens connections.
//
// It sends the user's request, follows redirects by hand so that every hop is
// recorded with what was sent where, answers the challenge with the user's
// credentials at most once, and sends the follow-up probes that active checks
// ask for. The rules it enforces are the product's promises:
//
//   - credentials go only to the origin (scheme, host, port) of the first
//     request: a cross-origin hop drops Authorization, Cookie and every
//     header the user gave, for the rest of the chain;
//   - never over plain http unless Options.AllowHTTP (the --allow-http flag);
//   - the user's real credentials go out at most once per run (plus one
//     answer to a Digest stale=true, which is not a failed login); any
//     further attempt returns why401.ErrBudget;
//   - every phase has a timeout and every size read from outside a limit.
package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/redirect"
)

// Limits and timeouts. Every one is a defence against a hostile or broken
// server: a diagnosis must end, and end small.
const (
	DefaultMaxTime        = 30 * time.Second
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxRedirects   = 10
	// DefaultMaxHeaderBytes caps a response's header block (a 50 MB header
	// ends with an error, not a 50 MB allocation).
	DefaultMaxHeaderBytes = 256 << 10
	// DefaultMaxBodyBytes is how much of a body is read (after
	// decompression); KeepBodyBytes how much is kept for the checks.
	DefaultMaxBodyBytes = 1 << 20
	KeepBodyBytes       = 64 << 10
)

// Options configure a Session. The zero value is usable.
type Options struct {
	// MaxTime bounds the whole run (-m); ConnectTimeout one connection.
	MaxTime        time.Duration
	ConnectTimeout time.Duration
	MaxRedirects   int
	MaxHeaderBytes int64
	MaxBodyBytes   int64
	// Insecure skips TLS verification (-k).
	Insecure bool
	// AllowHTTP lets credentials go over plain http (--allow-http).
	AllowHTTP bool
	// Resolve pins host:port to an address, as curl's --resolve
	// ("host:port:addr").
	Resolve []string
	// UserAgent is sent unless the user gave one.
	UserAgent string
	// DialControl, when set, vets every address before it is dialled,
	// after DNS resolution (the web page's SSRF guard).
	DialControl func(network, address string, c syscall.RawConn) error
	// Rand supplies random names for the deliberately wrong credentials;
	// tests inject it.
	Rand io.Reader
}

// Session implements why401.Session over the network.
type Session struct {
	in    *why401.Input
	opts  Options
	first *url.URL

	resolve map[string]string // "host:port" → "addr:port"
	client  *http.Client

	mu        sync.Mutex
	userUses  int // answers with the user's real credentials
	staleUsed bool
	wrongUsed bool
	addrTr    map[string]*http.Transport
	// addrUsed holds the addresses that had the user's credentials with
	// --all-backends: one login attempt per address.
	addrUsed map[string]bool
	// lastHeader is the response header the user's request ended on.
	lastHeader http.Header
	// locked is set when a lockout or rate limit was seen: no further
	// request carries credentials.
	locked bool
}

// New validates the input and prepares a session. It sends nothing.
func New(in *why401.Input, opts Options) (*Session, error) {
	u, err := ParseURL(in.URL)
	if err != nil {
		return nil, err
	}
	if u.User != nil {
		// user:pass@ in the URL: use it as -u would (curl does), unless
		// -u was given too, and never send the URL with it.
		if !in.Creds.HasUser {
			pass, _ := u.User.Password()
			in.Creds.User, in.Creds.Password, in.Creds.HasUser = u.User.Username(), redact.New(pass), true
		}
		u.User = nil
	}
	if opts.MaxTime <= 0 {
		opts.MaxTime = DefaultMaxTime
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "why401"
	}
	s := &Session{in: in, opts: opts, first: u, resolve: map[string]string{}, addrTr: map[string]*http.Transport{}}
	for _, r := range opts.Resolve {
		host, port, addr, err := parseResolve(r)
		if err != nil {
			return nil, err
		}
		s.resolve[net.JoinHostPort(strings.ToLower(host), port)] = net.JoinHostPort(addr, port)
	}
	s.client = &http.Client{Transport: s.transport(""), CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return s, nil
}

// ParseURL parses a target URL and says what is wrong with it in one line.
// The error never echoes the URL: it may hold a password.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("probe: no URL given")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("probe: malformed URL: %v", redact.Text(err.Error(), redact.New(raw)))
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return nil, errors.New("probe: the URL has no scheme: write https://… or http://…")
	default:
		return nil, fmt.Errorf("probe: unsupported URL scheme %q: only http and https", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("probe: the URL has no host")
	}
	return u, nil
}

func parseResolve(r string) (host, port, addr string, err error) {
	// host:port:addr, addr may be a bracketed IPv6 literal.
	parts := strings.SplitN(r, ":", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", fmt.Errorf("probe: --resolve %q: want HOST:PORT:ADDRESS", r)
	}
	addr = strings.TrimSuffix(strings.TrimPrefix(parts[2], "["), "]")
	if net.ParseIP(addr) == nil {
		return "", "", "", fmt.Errorf("probe: --resolve %q: %q is not an IP address", r, parts[2])
	}
	return parts[0], parts[1], addr, nil
}

// transport builds an HTTP transport; with addr set, every connection goes
// to that address (Host and SNI stay those of the URL) and none is pooled
// with another address's.
func (s *Session) transport(addr string) *http.Transport {
	d := &net.Dialer{Timeout: s.opts.ConnectTimeout, KeepAlive: 30 * time.Second, Control: s.opts.DialControl}
	return &http.Transport{
		Proxy: nil, // a proxy would change what is being diagnosed; 407 is reported, not used
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			if addr != "" {
				_, port, _ := net.SplitHostPort(address)
				address = net.JoinHostPort(addr, port)
			} else if a, ok := s.resolve[strings.ToLower(address)]; ok {
				address = a
			}
			return d.DialContext(ctx, network, address)
		},
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: s.opts.Insecure}, //nolint:gosec // -k, asked for
		TLSHandshakeTimeout:    s.opts.ConnectTimeout,
		ResponseHeaderTimeout:  s.opts.MaxTime,
		MaxResponseHeaderBytes: s.opts.MaxHeaderBytes,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
}

func (s *Session) clientFor(addr string) *http.Client {
	if addr == "" {
		return s.client
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tr, ok := s.addrTr[addr]
	if !ok {
		tr = s.transport(addr)
		tr.DisableKeepAlives = true
		s.addrTr[addr] = tr
	}
	return &http.Client{Transport: tr, CheckRedirect: s.client.CheckRedirect}
}

// Close releases idle connections.
func (s *Session) Close() {
	s.client.CloseIdleConnections()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tr := range s.addrTr {
		tr.CloseIdleConnections()
	}
}

// UserUses reports how many requests carried the user's real credentials.
func (s *Session) UserUses() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userUses
}

// Start sends the user's request and follows its redirects.
func (s *Session) Start(ctx context.Context) ([]why401.Exchange, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.MaxTime)
	defer cancel()
	auth, preemptive := s.preemptive()
	if preemptive && s.first.Scheme == "http" && !s.opts.AllowHTTP {
		auth, preemptive = "", false
	}
	if preemptive {
		s.spendUser()
	}
	req := hopRequest{
		method:  s.method(),
		url:     s.first,
		header:  s.userHeader(),
		auth:    auth,
		cookies: s.in.Creds.Cookie.Reveal(),
		body:    []byte(s.in.Body.Reveal()),
		purpose: why401.PurposeInitial,
	}
	if preemptive {
		req.cred = why401.CredUser
	}
	out, err := s.follow(ctx, "", req, true)
	if n := len(out); n > 0 && out[n-1].Response != nil {
		s.mu.Lock()
		s.lastHeader = out[n-1].Response.Header
		s.mu.Unlock()
	}
	return out, err
}

// method returns the user's method (GET when none, POST with a body).
func (s *Session) method() string {
	if s.in.Method != "" {
		return strings.ToUpper(s.in.Method)
	}
	if !s.in.Body.IsZero() {
		return http.MethodPost
	}
	return http.MethodGet
}

// preemptive returns the Authorization value sent with the first request:
// one the user gave verbatim, a bearer token, or Basic with --basic. Basic
// and Digest otherwise wait for the challenge (as curl --anyauth does).
func (s *Session) preemptive() (string, bool) {
	c := s.in.Creds
	switch {
	case !c.Authorization.IsZero():
		return c.Authorization.Reveal(), true
	case !c.Bearer.IsZero():
		return "Bearer " + c.Bearer.Reveal(), true
	case c.HasUser && c.Basic:
		v, err := basicValue(c.User, c.Password.Reveal(), false)
		if err != nil {
			return "", false
		}
		return v, true
	}
	return "", false
}

func (s *Session) spendUser() {
	s.mu.Lock()
	s.userUses++
	s.mu.Unlock()
}

// userHeader returns the user's headers with the defaults curl sends.
func (s *Session) userHeader() http.Header {
	h := s.in.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if _, ok := h["User-Agent"]; !ok {
		h.Set("User-Agent", s.opts.UserAgent)
	}
	if _, ok := h["Accept"]; !ok {
		h.Set("Accept", "*/*")
	}
	return h
}

// hopRequest is one request of a chain, with its secrets in the clear: it
// never leaves this package.
type hopRequest struct {
	method  string
	url     *url.URL
	header  http.Header
	auth    string // Authorization value, "" for none
	cookies string // Cookie value, "" for none
	body    []byte
	cred    why401.Credential
	purpose string
}

// follow sends req and, when follow is set, its redirects. Credentials,
// cookies and the user's headers are dropped at the first hop that leaves
// the first request's origin, and stay dropped.
func (s *Session) follow(ctx context.Context, addr string, req hopRequest, follow bool) ([]why401.Exchange, error) {
	var out []why401.Exchange
	seen := map[string]bool{}
	firstOrigin := redirect.Of(s.first)
	goDropped := false
	for hop := 0; ; hop++ {
		ex, resp, err := s.send(ctx, addr, req)
		s.noteLockout(ex) // the user's request, the answer and every probe
		if hop > 0 && req.purpose == why401.PurposeInitial {
			// Hops of the user's own request; a probe's hops keep the
			// probe's purpose, so that they are never taken for the chain.
			ex.Purpose = why401.PurposeRedirect
		}
		if err != nil {
			out = append(out, ex)
			return out, err
		}
		loc := resp.Header.Get("Location")
		if !follow || !isRedirect(resp.StatusCode) || loc == "" {
			out = append(out, ex)
			return out, nil
		}
		next, perr := req.url.Parse(loc)
		if perr != nil || (next.Scheme != "http" && next.Scheme != "https") {
			out = append(out, ex)
			return out, nil // a Location we cannot follow ends the chain; the check says so
		}
		// Never take credentials from a Location's userinfo.
		next.User = nil
		h := &why401.Hop{
			Location:   redact.URLValue(next),
			SameOrigin: redirect.Of(next) == firstOrigin,
			Downgrade:  req.url.Scheme == "https" && next.Scheme == "http",
			MethodKept: resp.StatusCode == 307 || resp.StatusCode == 308,
			Clients:    redirect.Clients(s.first, req.url, next, goDropped),
		}
		if !redirect.SameHostOrSubdomain(firstOrigin.Host, redirect.Of(next).Host) {
			goDropped = true
		}
		ex.Hop = h
		out = append(out, ex)
		key := req.method + " " + next.String()
		if seen[key] || hop+1 > s.opts.MaxRedirects {
			return out, nil // redirect.loop reads it from the chain
		}
		seen[key] = true
		seen[req.method+" "+req.url.String()] = true

		nreq := req
		nreq.url = next
		if !h.SameOrigin || h.Downgrade {
			// Cross-origin: strip everything the user gave, for the
			// rest of the chain (REFERENCE.md, why401's own rule).
			nreq.auth, nreq.cookies, nreq.cred = "", "", why401.CredNone
			nreq.header = defaultOnly(req.header)
		}
		switch {
		case resp.StatusCode == 303 && req.method != http.MethodHead,
			(resp.StatusCode == 301 || resp.StatusCode == 302) && req.method == http.MethodPost:
			nreq.method, nreq.body = http.MethodGet, nil
		}
		req = nreq
	}
}

// defaultOnly keeps only the headers why401 itself adds.
func defaultOnly(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range []string{"User-Agent", "Accept"} {
		if v := h.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

func isRedirect(code int) bool {
	switch code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// send performs one exchange and records it, redacted.
func (s *Session) send(ctx context.Context, addr string, hr hopRequest) (why401.Exchange, *http.Response, error) {
	ex := why401.Exchange{Purpose: hr.purpose, Credential: hr.cred}
	var body io.Reader
	if hr.body != nil {
		body = strings.NewReader(string(hr.body))
	}
	req, err := http.NewRequestWithContext(ctx, hr.method, hr.url.String(), body)
	if err != nil {
		ex.Error = "could not build the request: " + s.clean(err)
		ex.Request = why401.Request{Method: hr.method, URL: redact.URLValue(hr.url)}
		return ex, nil, errors.New("probe: " + ex.Error)
	}
	req.Header = hr.header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host
		req.Header.Del("Host")
	}
	if hr.auth != "" {
		req.Header.Set("Authorization", hr.auth)
		ex.CredentialsSent = true
	}
	if hr.cookies != "" {
		req.Header.Set("Cookie", hr.cookies)
		ex.CookiesSent = true
	}
	rec := redact.Header(req.Header)
	rec.Set("Host", req.Host)
	if req.Host == "" {
		rec.Set("Host", hr.url.Host)
	}
	ex.Request = why401.Request{Method: hr.method, URL: redact.URLValue(hr.url), Header: rec, BodySize: int64(len(hr.body))}

	// The trace callbacks may run after Do returns (a dial that lost the
	// race still reports ConnectDone), so they write under a lock and the
	// exchange keeps a copy taken when Do returned.
	var (
		mu                                sync.Mutex
		t                                 why401.Timing
		t0, dnsStart, connStart, tlsStart time.Time
		remote                            string
	)
	locked := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	trace := &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { locked(func() { dnsStart = time.Now() }) },
		DNSDone:           func(httptrace.DNSDoneInfo) { locked(func() { t.DNS = ms(time.Since(dnsStart)) }) },
		ConnectStart:      func(string, string) { locked(func() { connStart = time.Now() }) },
		ConnectDone:       func(string, string, error) { locked(func() { t.Connect = ms(time.Since(connStart)) }) },
		TLSHandshakeStart: func() { locked(func() { tlsStart = time.Now() }) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { locked(func() { t.TLS = ms(time.Since(tlsStart)) }) },
		GotConn: func(ci httptrace.GotConnInfo) {
			locked(func() {
				t.Reused = ci.Reused
				if ci.Conn != nil {
					remote = ci.Conn.RemoteAddr().String()
				}
			})
		},
		GotFirstResponseByte: func() { locked(func() { t.TTFB = ms(time.Since(t0)) }) },
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	locked(func() { t0 = time.Now() })
	resp, err := s.clientFor(addr).Do(req)
	locked(func() {
		timing := t
		ex.RemoteAddr, ex.Timing = remote, &timing
	})
	if err != nil {
		ex.ElapsedMS = ms(time.Since(t0))
		ex.Error = s.describe(err)
		return ex, nil, errors.New("probe: " + ex.Error)
	}
	defer resp.Body.Close()
	kept, size, truncated, rerr := readBody(resp.Body, s.opts.MaxBodyBytes)
	ex.ElapsedMS = ms(time.Since(t0))
	ex.Time = time.Now()
	ex.Response = &why401.Response{
		Status:        resp.StatusCode,
		Proto:         resp.Proto,
		Header:        redact.Header(resp.Header),
		Body:          kept,
		BodySize:      size,
		BodyTruncated: truncated,
		ContentType:   resp.Header.Get("Content-Type"),
	}
	if rerr != nil {
		ex.Error = "reading the body: " + s.describe(rerr)
	}
	return ex, resp, nil
}

// readBody reads at most max bytes (after decompression) and keeps the
// first KeepBodyBytes of them.
func readBody(r io.Reader, max int64) (kept []byte, size int64, truncated bool, err error) {
	buf := make([]byte, 32<<10)
	lr := io.LimitReader(r, max+1)
	for {
		n, e := lr.Read(buf)
		if n > 0 {
			if room := KeepBodyBytes - len(kept); room > 0 {
				kept = append(kept, buf[:min(n, room)]...)
			}
			size += int64(n)
		}
		if e == io.EOF {
			break
		}
		if e != nil {
			return kept, size, true, e
		}
	}
	if size > max {
		return kept, max, true, nil
	}
	return kept, size, size > KeepBodyBytes, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// describe turns a transport error into one line naming the problem, with
// no URL (it may hold a token) and no secret.
func (s *Session) describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		msg = fmt.Sprintf("timed out (limit %s; raise it with -m)", s.opts.MaxTime)
	case errors.As(err, &dnsErr):
		msg = "DNS lookup of " + dnsErr.Name + " failed: " + dnsErr.Err
	case errors.As(err, &certErr):
		msg = "TLS certificate not trusted: " + certErr.Err.Error() + " (use -k to skip verification)"
	case errors.As(err, &recErr):
		msg = "TLS handshake failed: the server did not answer with TLS (is it plain http?)"
	case strings.Contains(msg, "server response headers exceeded"), strings.Contains(msg, "header too long"):
		msg = fmt.Sprintf("the response headers exceed the %d KiB limit", s.opts.MaxHeaderBytes>>10)
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "connection refused: nothing listens at that address and port"
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		msg = "network unreachable: this machine has no route to the address"
		if strings.Contains(err.Error(), "[") {
			msg += " (an IPv6 address: does this machine have IPv6? try the host's IPv4 address with --resolve)"
		}
	}
	return s.clean(errors.New(msg))
}

// clean removes every secret of the input from an error message.
func (s *Session) clean(err error) string {
	c := s.in.Creds
	return redact.Text(err.Error(), c.Password, c.Bearer, c.Authorization, c.Cookie, s.in.Body)
}
