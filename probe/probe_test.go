package probe

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

// recorder is a handler that remembers what each path received.
type recorder struct {
	mu   sync.Mutex
	auth map[string][]string
	ck   map[string][]string
	hdr  map[string][]string
}

func newRecorder() *recorder {
	return &recorder{auth: map[string][]string{}, ck: map[string][]string{}, hdr: map[string][]string{}}
}

func (rc *recorder) note(r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key := r.Host + r.URL.Path
	rc.auth[key] = append(rc.auth[key], r.Header.Get("Authorization"))
	rc.ck[key] = append(rc.ck[key], r.Header.Get("Cookie"))
	rc.hdr[key] = append(rc.hdr[key], r.Header.Get("X-Custom"))
}

func basicInput(url string) *why401.Input {
	return &why401.Input{URL: url, Header: http.Header{"X-Custom": {"mine"}},
		Creds: why401.Credentials{User: "alice", Password: redact.New("pw"), HasUser: true, Cookie: redact.New("sid=abc")}}
}

func TestCrossOriginRedirectStripsEverythingForTheRestOfTheChain(t *testing.T) {
	rc := newRecorder()
	var other *httptest.Server
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.note(r)
		switch r.URL.Path {
		case "/start":
			http.Redirect(w, r, other.URL+"/hop", http.StatusFound)
		case "/back":
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(401)
		}
	}))
	defer first.Close()
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.note(r)
		// Back to the first origin: what was stripped stays stripped.
		http.Redirect(w, r, first.URL+"/back", http.StatusFound)
	}))
	defer other.Close()

	in := basicInput(first.URL + "/start")
	in.Creds.Authorization = redact.New("Bearer tok") // preemptive
	s, err := New(in, Options{AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	chain, err := s.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 3 {
		t.Fatalf("chain of %d, want 3", len(chain))
	}
	if !chain[0].CredentialsSent || chain[1].CredentialsSent || chain[2].CredentialsSent {
		t.Errorf("credentials sent per hop: %v %v %v, want true false false", chain[0].CredentialsSent, chain[1].CredentialsSent, chain[2].CredentialsSent)
	}
	for _, key := range []string{strings.TrimPrefix(other.URL, "http://") + "/hop", strings.TrimPrefix(first.URL, "http://") + "/back"} {
		if a, c, h := rc.auth[key][0], rc.ck[key][0], rc.hdr[key][0]; a != "" || c != "" || h != "" {
			t.Errorf("%s received Authorization %q, Cookie %q, X-Custom %q; want none", key, a, c, h)
		}
	}
	if chain[0].Hop == nil || chain[0].Hop.SameOrigin {
		t.Errorf("hop 0 not marked cross-origin: %+v", chain[0].Hop)
	}
	// The challenge at the end is on the first origin, but the chain left
	// it: the user's password is not sent (the one use went preemptively
	// anyway).
	ans, err := s.Answer(context.Background(), chain)
	if len(ans) != 0 {
		t.Errorf("Answer sent %d requests after a preemptive use", len(ans))
	}
	_ = err
}

func TestAnswerWithholdsCredentialsOverPlainHTTP(t *testing.T) {
	rc := newRecorder()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.note(r)
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	defer srv.Close()
	s, _ := New(basicInput(srv.URL+"/"), Options{})
	chain, _ := s.Start(context.Background())
	ans, err := s.Answer(context.Background(), chain)
	if !errors.Is(err, why401.ErrPlainHTTP) || len(ans) != 0 {
		t.Fatalf("Answer over http = %d exchanges, %v; want none, ErrPlainHTTP", len(ans), err)
	}
	for _, a := range rc.auth[strings.TrimPrefix(srv.URL, "http://")+"/"] {
		if a != "" {
			t.Errorf("the server received Authorization over plain http")
		}
	}
}

func TestCredentialsGoOutOnceAndWrongOnesOnce(t *testing.T) {
	var mu sync.Mutex
	uses := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok && u == "alice" && p == "pw" {
			mu.Lock()
			uses++
			mu.Unlock()
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	defer srv.Close()
	s, _ := New(basicInput(srv.URL+"/"), Options{Insecure: true})
	ctx := context.Background()
	chain, _ := s.Start(ctx)
	if _, err := s.Answer(ctx, chain); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Answer(ctx, chain); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Probe(ctx, why401.Probe{Credential: why401.CredUser}); !errors.Is(err, why401.ErrBudget) {
		t.Errorf("a second use of the credentials: err %v, want ErrBudget", err)
	}
	if _, err := s.Probe(ctx, why401.Probe{Credential: why401.CredWrong}); err != nil {
		t.Errorf("first wrong-credentials probe: %v", err)
	}
	if _, err := s.Probe(ctx, why401.Probe{Credential: why401.CredWrong}); err == nil {
		t.Errorf("a second wrong-credentials probe was allowed")
	}
	// Answer again on the same chain sends again: the session counts.
	if uses > 2 {
		t.Errorf("the password arrived %d times", uses)
	}
	if s.UserUses() != uses {
		t.Errorf("UserUses %d, server saw %d", s.UserUses(), uses)
	}
}

func TestUserinfoBecomesCredentialsAndLeavesTheURL(t *testing.T) {
	var sawUser, sawURL string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawURL = r.URL.String()
		if u, _, ok := r.BasicAuth(); ok {
			sawUser = u
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	defer srv.Close()
	in := &why401.Input{URL: strings.Replace(srv.URL, "https://", "https://bob:s3cret@", 1) + "/p"}
	s, err := New(in, Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	chain, _ := s.Start(context.Background())
	ans, err := s.Answer(context.Background(), chain)
	if err != nil || len(ans) != 1 || ans[0].Status() != 200 || sawUser != "bob" {
		t.Fatalf("answer: %v %d, user %q", err, len(ans), sawUser)
	}
	for _, e := range append(chain, ans...) {
		if strings.Contains(e.Request.URL, "s3cret") || strings.Contains(e.Request.URL, "bob") {
			t.Errorf("recorded URL %q keeps the userinfo", e.Request.URL)
		}
	}
	if strings.Contains(sawURL, "s3cret") {
		t.Errorf("the server saw the password in the URL")
	}
}

func TestLoopsStopAndLimitsHold(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, "/a", http.StatusFound)
		case "/big":
			w.Write([]byte(strings.Repeat("x", 3<<20)))
		case "/userinfo-location":
			http.Redirect(w, r, "http://eve:pw@"+r.Host+"/b", http.StatusFound)
		}
	}))
	defer srv.Close()
	s, _ := New(&why401.Input{URL: srv.URL + "/a"}, Options{})
	chain, err := s.Start(context.Background())
	if err != nil || len(chain) > DefaultMaxRedirects+1 || chain[len(chain)-1].Hop == nil {
		t.Errorf("loop: %d exchanges, err %v", len(chain), err)
	}
	s, _ = New(&why401.Input{URL: srv.URL + "/big"}, Options{MaxBodyBytes: 1 << 20})
	chain, _ = s.Start(context.Background())
	if r := chain[0].Response; !r.BodyTruncated || len(r.Body) != KeepBodyBytes || r.BodySize != 1<<20 {
		t.Errorf("body: truncated %v kept %d size %d", r.BodyTruncated, len(r.Body), r.BodySize)
	}
	s, _ = New(&why401.Input{URL: srv.URL + "/userinfo-location"}, Options{})
	chain, _ = s.Start(context.Background())
	for _, e := range chain {
		if e.CredentialsSent || strings.Contains(e.Request.URL, "eve") {
			t.Errorf("credentials taken from a Location: %+v", e.Request)
		}
	}
}

func TestTimeoutsEndTheRun(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s, _ := New(&why401.Input{URL: "http://" + l.Addr().String() + "/"}, Options{MaxTime: 300 * time.Millisecond})
	start := time.Now()
	chain, err := s.Start(context.Background())
	if err == nil || !strings.Contains(chain[0].Error, "timed out") || time.Since(start) > 3*time.Second {
		t.Errorf("err %v, exchange error %q after %s", err, chain[0].Error, time.Since(start))
	}
}

func TestResolvePinsTheAddressAndKeepsTheHost(t *testing.T) {
	var host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { host = r.Host }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	s, err := New(&why401.Input{URL: "http://app.why401.test:" + port + "/"}, Options{Resolve: []string{"app.why401.test:" + port + ":127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if host != "app.why401.test:"+port {
		t.Errorf("Host %q", host)
	}
}
