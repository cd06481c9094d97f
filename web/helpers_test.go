package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/why401/why401/lab"
)

const testToken = "test-token-0123456789"

// testServer is a Server running on a loopback port for one test.
type testServer struct {
	*Server
	t      *testing.T
	URL    string // http://127.0.0.1:PORT
	Host   string // 127.0.0.1:PORT
	client *http.Client
	log    *syncBuffer
}

// startServer runs a Server on 127.0.0.1:0 until the test ends, with the
// test token and a log captured in ts.log.
func startServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Token == "" {
		opts.Token = testToken
	}
	buf := &syncBuffer{}
	if opts.Log == nil {
		opts.Log = log.New(buf, "", 0)
	}
	s, err := New(l.Addr().String(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("Serve did not return 15 s after its context ended")
		}
	})
	host := l.Addr().String()
	return &testServer{
		Server: s, t: t, URL: "http://" + host, Host: host, log: buf,
		client: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{}},
	}
}

// sameOrigin marks r as the page's own browser would send it.
func (ts *testServer) sameOrigin(r *http.Request) {
	r.Header.Set("Origin", ts.URL)
	r.Header.Set("Sec-Fetch-Site", "same-origin")
}

// do sends r and returns the response with its body read.
func (ts *testServer) do(r *http.Request) (*http.Response, string) {
	ts.t.Helper()
	resp, err := ts.client.Do(r)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("%s %s: reading the body: %v", r.Method, r.URL.Path, err)
	}
	return resp, string(b)
}

// get fetches a path of the server.
func (ts *testServer) get(path string) (*http.Response, string) {
	ts.t.Helper()
	r, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	return ts.do(r)
}

// postForm posts a url-encoded form as the page does; the token is added
// unless the form sets one (an empty "token" value sends none).
func (ts *testServer) postForm(path string, form url.Values) (*http.Response, string) {
	ts.t.Helper()
	return ts.do(ts.formRequest(path, form))
}

func (ts *testServer) formRequest(path string, form url.Values) *http.Request {
	ts.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["token"]; !ok {
		f.Set("token", testToken)
	} else if f.Get("token") == "" {
		f.Del("token")
	}
	r, err := http.NewRequest("POST", ts.URL+path, strings.NewReader(f.Encode()))
	if err != nil {
		ts.t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ts.sameOrigin(r)
	return r
}

// postHAR uploads a file as the page's HAR form does: the token part
// first, then the file.
func (ts *testServer) postHAR(name string, content []byte) (*http.Response, string) {
	ts.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("token", testToken)
	fw, err := mw.CreateFormFile("har", name)
	if err != nil {
		ts.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	r, err := http.NewRequest("POST", ts.URL+"/har", &b)
	if err != nil {
		ts.t.Fatal(err)
	}
	r.Header.Set("Content-Type", mw.FormDataContentType())
	ts.sameOrigin(r)
	return ts.do(r)
}

// syncBuffer is a bytes.Buffer safe for the server's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startLab starts the lab for one test.
func startLab(t *testing.T) *lab.Server {
	t.Helper()
	srv, err := lab.Start(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func scenario(t *testing.T, srv *lab.Server, id string) *lab.Scenario {
	t.Helper()
	sc, ok := srv.Lookup(id)
	if !ok {
		t.Fatalf("the lab has no scenario %q", id)
	}
	return sc
}

// dialLog records every address the guarded dialer was asked for. As a
// safety net it refuses any address that is not loopback even when the
// guard allowed it, and fails the test: a test never sends a packet
// beyond this machine.
type dialLog struct {
	t     *testing.T
	mu    sync.Mutex
	dials []dialRecord
}

type dialRecord struct {
	address string
	refused bool
}

var errLeavesLoopback = errors.New("test safety net: this address is not loopback")

func (d *dialLog) hook(network, address string, verdict error) error {
	d.mu.Lock()
	d.dials = append(d.dials, dialRecord{address: address, refused: verdict != nil})
	d.mu.Unlock()
	if verdict != nil {
		return verdict
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		d.t.Errorf("the guard let a dial to %s through: refused by the test's safety net", address)
		return errLeavesLoopback
	}
	return nil
}

func (d *dialLog) all() []dialRecord {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]dialRecord(nil), d.dials...)
}

// counter counts the connections a listener accepted.
type countingListener struct {
	net.Listener
	mu sync.Mutex
	n  int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.n++
		l.mu.Unlock()
	}
	return c, err
}

func (l *countingListener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// newTarget serves h on a loopback port until the test ends.
func newTarget(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}
