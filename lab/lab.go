// Package lab is a server that reproduces every cause of a 401 that why401
// diagnoses, one scenario per path, for the demo and the tests.
//
// A Scenario names its path, how to call it (the request a user would make)
// and the exact set of finding IDs a diagnosis must produce. Its handler
// checks what it received: credentials that crossed to another origin, a
// password sent twice, a wrong scheme are recorded as violations, and the
// tests fail on any. The lab listens on loopback only: plain http and https
// (a certificate made at start for 127.0.0.1, ::1 and localhost).
package lab

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Request is how a scenario is called: the flags a user would pass.
type Request struct {
	Method    string
	User      string
	Pass      string
	HasUser   bool
	Bearer    string
	Header    map[string]string
	Cookie    string
	Basic     bool   // --basic
	Body      string // -d
	AllowHTTP bool   // --allow-http
	Userinfo  bool   // put User:Pass in the URL instead of -u
	// Host replaces 127.0.0.1 in the URL (e.g. "localhost").
	Host string
	// Query is appended to the path.
	Query string
	// Resolve pins the URL's host to this address (--resolve); Resolvers
	// name lab resolvers passed as --resolver; AllBackends is
	// --all-backends (dns_lab.go).
	Resolve     string
	Resolvers   []string
	AllBackends bool
	// CORSOrigin is --cors-origin.
	CORSOrigin string
	// CookieFile is the content of a Netscape cookies.txt passed with
	// -b FILE: only its cookies that match the URL are sent.
	CookieFile string
}

// Scenario is one reproduced cause.
type Scenario struct {
	ID    string
	Title string // what it reproduces, one line
	Path  string // served path; the URL is the lab's base + Path
	// Call is the path the request goes to when it is not Path (Path
	// then is a subtree pattern such as "/area/").
	Call string
	TLS  bool // served over https
	// Request is how the demo and the tests call it.
	Request Request
	// Expect is the exact set of finding IDs the diagnosis must produce.
	Expect []string
	// Verdict is the ID of the top-ranked finding ("" when none).
	Verdict string
	// Budget is how many requests may carry the user's real credentials
	// (0 means 1).
	Budget int
	// Handler serves the scenario; it may register several paths under
	// Path (e.g. Path + "next").
	Handler func(env *Env) http.Handler
}

// Env is what a handler knows about the running lab.
type Env struct {
	HTTP  string // base URL of the plain-http listener, e.g. http://127.0.0.1:8402
	HTTPS string // base URL of the https listener
	// DNS is the lab's resolvers and backends (dns_lab.go).
	DNS *DNSLab

	mu         sync.Mutex
	violations []string
	uses       map[string]int // path prefix → requests with the user's credentials
}

// Violation records that a handler received something it must not have.
func (e *Env) Violation(scenario, format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.violations = append(e.violations, scenario+": "+fmt.Sprintf(format, args...))
}

// Violations returns and clears the recorded violations.
func (e *Env) Violations() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	v := e.violations
	e.violations = nil
	return v
}

// Use counts one request carrying the user's real credentials for a
// scenario.
func (e *Env) Use(scenario string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.uses[scenario]++
}

// Uses returns and clears the count of credentialed requests of a scenario.
func (e *Env) Uses(scenario string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.uses[scenario]
	delete(e.uses, scenario)
	return n
}

// URL returns the URL the scenario is called with.
func (e *Env) URL(s *Scenario) string {
	base := e.HTTP
	if s.TLS {
		base = e.HTTPS
	}
	if s.Request.Host != "" {
		base = strings.Replace(base, "127.0.0.1", s.Request.Host, 1)
	}
	if s.Request.Userinfo {
		scheme, rest, _ := strings.Cut(base, "://")
		base = scheme + "://" + url.UserPassword(s.Request.User, s.Request.Pass).String() + "@" + rest
	}
	u := base + s.Path
	if s.Call != "" {
		u = base + s.Call
	}
	if s.Request.Query != "" {
		u += "?" + s.Request.Query
	}
	return u
}

// Options configure a lab server.
type Options struct {
	// Addr is the plain-http listen address; the https listener takes the
	// next port (":0" picks free ports for both).
	Addr string
	// Latency delays every response, to measure round trips.
	Latency time.Duration
	// Log receives one line per request when set.
	Log *log.Logger
}

// Server is a running lab.
type Server struct {
	Env       *Env
	Scenarios []*Scenario
	servers   []*http.Server
	wg        sync.WaitGroup
}

// Start starts the lab on loopback. Addresses other than loopback ones are
// refused: the lab answers deliberately wrong things and must not be
// reachable from elsewhere.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("lab: address %q: %w", opts.Addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("lab: %q is not a loopback address; the lab listens on loopback only", host)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	plain, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	tlsPort := "0"
	if port != "0" {
		var p int
		fmt.Sscan(port, &p)
		tlsPort = fmt.Sprint(p + 1)
	}
	secure, err := net.Listen("tcp", net.JoinHostPort(host, tlsPort))
	if err != nil {
		plain.Close()
		return nil, fmt.Errorf("lab: %w", err)
	}
	cert, err := selfSigned()
	if err != nil {
		plain.Close()
		secure.Close()
		return nil, err
	}
	env := &Env{
		HTTP:  "http://" + plain.Addr().String(),
		HTTPS: "https://" + secure.Addr().String(),
		uses:  map[string]int{},
	}
	s := &Server{Env: env, Scenarios: Scenarios()}
	mux := http.NewServeMux()
	for _, sc := range s.Scenarios {
		mux.Handle(sc.Path, sc.Handler(env))
	}
	mux.HandleFunc("/{$}", s.index)
	var h http.Handler = mux
	if opts.Latency > 0 {
		h = delay(opts.Latency, h)
	}
	if opts.Log != nil {
		h = logged(opts.Log, h)
	}
	for i, l := range []net.Listener{plain, secure} {
		srv := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          log.New(discard{}, "", 0),
		}
		if i == 1 {
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			l = tls.NewListener(l, srv.TLSConfig)
		}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) && opts.Log != nil {
				opts.Log.Printf("lab: %v", err)
			}
		}()
	}
	if err := s.startDNSLab(h, cert, opts); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Close stops the lab and waits for its listeners to end.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var first error
	for _, srv := range s.servers {
		if err := srv.Shutdown(ctx); err != nil && first == nil {
			first = err
		}
	}
	s.wg.Wait()
	return first
}

// Lookup returns the scenario with the given ID.
func (s *Server) Lookup(id string) (*Scenario, bool) {
	for _, sc := range s.Scenarios {
		if sc.ID == id {
			return sc, true
		}
	}
	return nil, false
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "why401 lab: %d scenarios\n\n", len(s.Scenarios))
	ids := make([]string, 0, len(s.Scenarios))
	for _, sc := range s.Scenarios {
		ids = append(ids, fmt.Sprintf("%-28s %s  %s", sc.ID, s.Env.URL(sc), sc.Title))
	}
	sort.Strings(ids)
	fmt.Fprintln(w, strings.Join(ids, "\n"))
}

func delay(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	})
}

// logged logs method, path and status; never a header value.
func logged(l *log.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: 200}
		h.ServeHTTP(rec, r)
		auth := ""
		if a := r.Header.Get("Authorization"); a != "" {
			scheme, _, _ := strings.Cut(a, " ")
			auth = " (Authorization: " + scheme + " …)"
		}
		l.Printf("%s %s %s → %d%s", r.Host, r.Method, r.URL.Path, rec.status, auth)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// selfSigned makes a certificate for the loopback names, valid for a day.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("lab: key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "why401 lab"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("lab: certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
