package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	why401 "github.com/why401/why401"
)

func TestLockedOut(t *testing.T) {
	ex := func(status int, body string, kv ...string) why401.Exchange {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return why401.Exchange{Response: &why401.Response{Status: status, Header: h, Body: []byte(body)}}
	}
	cases := []struct {
		name string
		ex   why401.Exchange
		want bool
	}{
		{"429", ex(429, ""), true},
		{"423", ex(423, ""), true},
		{"Wordfence lockout (503)", ex(503, "<h1>Your access to this service has been temporarily limited.</h1>"), true},
		{"Solid lockout (403)", ex(403, `<div class="wp-die-message">You have been locked out due to too many invalid login attempts.</div>`), true},
		{"a bare 401 that says so", ex(401, `{"message":"Too many failed login attempts"}`), true},
		{"Cloudflare 1015 as 403", ex(403, "error code: 1015"), true},

		{"a 401 challenge whose page mentions it", ex(401, "<p>Accounts are locked out after 5 failures.</p>", "WWW-Authenticate", `Basic realm="x"`), false},
		{"a script string", ex(403, `<script>var msg = "You have been locked out";</script><h1>Forbidden</h1>`), false},
		{"a 200 article", ex(200, "How to avoid being locked out"), false},
		{"a 404 that says so", ex(404, "locked out"), false},
		{"no response", why401.Exchange{}, false},
	}
	for _, c := range cases {
		if got := lockedOut(c.ex); got != c.want {
			t.Errorf("%s: lockedOut = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestNoCredentialsAfterALockout covers the three places a lockout can be
// seen: the user's first request (a WAF's 429), the answer to the
// challenge, and a probe. After each, neither the user's credentials nor
// the deliberately wrong ones go out again.
func TestNoCredentialsAfterALockout(t *testing.T) {
	var withAuth atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			withAuth.Add(1)
		}
		switch r.URL.Path {
		case "/rate-limited":
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(429)
		case "/lock-on-answer":
			if r.Header.Get("Authorization") == "" {
				w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
				w.WriteHeader(401)
				return
			}
			w.WriteHeader(403)
			w.Write([]byte("You have been locked out due to too many invalid login attempts."))
		case "/lockout-401":
			// A bare 401 lockout page: not answered.
			w.WriteHeader(401)
			w.Write([]byte(`{"code":"too_many_retries","message":"Too many failed login attempts."}`))
		}
	}))
	defer srv.Close()

	run := func(path string) (*Session, []why401.Exchange, error) {
		s, err := New(basicInput(srv.URL+path), Options{AllowHTTP: true})
		if err != nil {
			t.Fatal(err)
		}
		chain, err := s.Start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		more, err := s.Answer(context.Background(), chain)
		return s, append(chain, more...), err
	}
	probes := func(t *testing.T, s *Session) {
		t.Helper()
		if _, err := s.Probe(context.Background(), why401.Probe{Credential: why401.CredWrong}); err == nil {
			t.Errorf("a probe with wrong credentials was sent after the lockout")
		}
		if _, err := s.Probe(context.Background(), why401.Probe{Credential: why401.CredUser, ExtraUse: "test", Body: []byte("x")}); err == nil {
			t.Errorf("a probe with the user's credentials was sent after the lockout")
		}
		if _, err := s.Probe(context.Background(), why401.Probe{}); err != nil {
			t.Errorf("a probe without credentials was refused: %v", err)
		}
	}

	t.Run("429 to the first request", func(t *testing.T) {
		withAuth.Store(0)
		s, ex, err := run("/rate-limited")
		if err != nil || len(ex) != 1 {
			t.Fatalf("Answer = %d exchanges, %v; want none answered", len(ex)-1, err)
		}
		probes(t, s)
		if n := withAuth.Load(); n != 0 {
			t.Errorf("%d requests carried Authorization", n)
		}
	})
	t.Run("lockout page on the answer", func(t *testing.T) {
		withAuth.Store(0)
		s, ex, err := run("/lock-on-answer")
		if err != nil || len(ex) != 2 || ex[1].Status() != 403 {
			t.Fatalf("chain %d exchanges, err %v; want the answer's 403", len(ex), err)
		}
		probes(t, s)
		if n := withAuth.Load(); n != 1 {
			t.Errorf("%d requests carried Authorization, want the one answer", n)
		}
	})
	t.Run("a bare 401 lockout page is not answered", func(t *testing.T) {
		withAuth.Store(0)
		s, ex, err := run("/lockout-401")
		if err == nil || len(ex) != 1 {
			t.Fatalf("Answer = %d exchanges, %v; want errLocked and no answer", len(ex)-1, err)
		}
		if s.UserUses() != 0 || withAuth.Load() != 0 {
			t.Errorf("credentials went out: %d uses, %d requests", s.UserUses(), withAuth.Load())
		}
	})
}

// TestExtraUseComesOnceAndOnlyAfterTheAnswer: the confirming request over
// another channel (DESIGN.md §5) is refused before the answer went out, and
// after it allowed once.
func TestExtraUseComesOnceAndOnlyAfterTheAnswer(t *testing.T) {
	var bodies atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			bodies.Add(1)
			if r.Header.Get("Authorization") != "" {
				t.Errorf("the confirming request carries Authorization")
			}
			return
		}
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(401) // no challenge, as WordPress's REST API
			return
		}
		w.WriteHeader(401)
	}))
	defer srv.Close()
	s, err := New(basicInput(srv.URL+"/me"), Options{AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	extra := why401.Probe{Method: http.MethodPost, URL: srv.URL + "/xmlrpc.php", Credential: why401.CredUser,
		ExtraUse: "test", Body: []byte("<methodCall/>"), NoRedirects: true}
	chain, err := s.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Probe(context.Background(), extra); err == nil {
		t.Errorf("the extra use went out before the answer")
	}
	if _, err := s.Answer(context.Background(), chain); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Probe(context.Background(), extra); err != nil {
		t.Errorf("the extra use after the answer was refused: %v", err)
	}
	if _, err := s.Probe(context.Background(), extra); err == nil {
		t.Errorf("a second extra use went out")
	}
	if n, b := s.UserUses(), bodies.Load(); n != 2 || b != 1 {
		t.Errorf("uses %d, confirming requests %d; want 2 and 1", n, b)
	}
}
