package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/why401/why401/lab"
)

// One test per rule of the security model (server.go's package comment,
// DESIGN.md §5). All of them run on loopback, in well under a second each,
// except the slow-target test, which waits for its deadline.

// hitCounter is a target that counts its requests and answers 401 Basic.
func hitCounter(t *testing.T) (*countingTarget, string) {
	ct := &countingTarget{}
	s := newTarget(t, ct)
	return ct, s.URL + "/private/"
}

type countingTarget struct{ n atomic.Int64 }

func (c *countingTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	w.Header().Set("WWW-Authenticate", `Basic realm="counted"`)
	w.WriteHeader(http.StatusUnauthorized)
}

func TestForeignHostIsRefused(t *testing.T) {
	ts := startServer(t, Options{})
	_, port, _ := net.SplitHostPort(ts.Host)
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{ts.Host, true},
		{"localhost:" + port, true},
		{"LOCALHOST:" + port, true},
		{"localhost.:" + port, true},
		// DNS rebinding: a name the attacker controls, now pointing here.
		{"evil.example:" + port, false},
		{"127.0.0.1.nip.io:" + port, false},
		{"localhost.evil.example:" + port, false},
		// Right host, wrong port; no port at all.
		{"127.0.0.1:1", false},
		{"127.0.0.1", false},
		// Another loopback address than the one listened on.
		{"127.0.0.2:" + port, false},
		{"[::1]:" + port, false},
	} {
		for _, method := range []string{"GET", "POST"} {
			r, _ := http.NewRequest(method, ts.URL+"/", nil)
			if method == "POST" {
				r = ts.formRequest("/check", url.Values{"url": {"http://127.0.0.1:1/"}})
			}
			r.Host = tc.host
			resp, body := ts.do(r)
			refused := resp.StatusCode == http.StatusMisdirectedRequest
			if refused == tc.ok {
				t.Errorf("%s with Host %q = %d, want refused=%v", method, tc.host, resp.StatusCode, !tc.ok)
			}
			if refused && !strings.Contains(body, "DNS rebinding") {
				t.Errorf("%s with Host %q: the refusal does not say why: %q", method, tc.host, body)
			}
		}
	}
}

func TestHostRuleFollowsTheListenAddress(t *testing.T) {
	for _, tc := range []struct {
		listen, host string
		ok           bool
	}{
		{"127.0.0.1:8401", "127.0.0.1:8401", true},
		{"127.0.0.1:8401", "localhost:8401", true},
		{"127.0.0.1:8401", "[::ffff:127.0.0.1]:8401", true}, // the same address
		{"127.0.0.1:8401", "example.com:8401", false},
		{"[::1]:8401", "[::1]:8401", true},
		{"[::1]:8401", "localhost:8401", true},
		{"[::1]:8401", "127.0.0.1:8401", false},
		{"192.0.2.7:8401", "192.0.2.7:8401", true},
		{"192.0.2.7:8401", "localhost:8401", true},
		{"192.0.2.7:8401", "intranet.example:8401", false},
		// Listening everywhere: any address literal, never a name.
		{"0.0.0.0:8401", "192.0.2.7:8401", true},
		{"0.0.0.0:8401", "[2001:db8::1]:8401", true},
		{"0.0.0.0:8401", "localhost:8401", true},
		{"0.0.0.0:8401", "myhost.example:8401", false},
		{"0.0.0.0:8401", "192.0.2.7:9999", false},
		{"127.0.0.1:80", "127.0.0.1", true},
	} {
		s, err := New(tc.listen, Options{Token: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.hostAllowed(tc.host); got != tc.ok {
			t.Errorf("listening on %s, hostAllowed(%q) = %v; want %v", tc.listen, tc.host, got, tc.ok)
		}
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	target, targetURL := hitCounter(t)
	ts := startServer(t, Options{})
	for _, tc := range []struct {
		name   string
		header map[string]string
	}{
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}},
		{"Origin of another site, no Sec-Fetch-Site", map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}},
		{"Origin null (a sandboxed frame or a data: page)", map[string]string{"Sec-Fetch-Site": "", "Origin": "null"}},
	} {
		for _, path := range []string{"/check", "/curl", "/har"} {
			r := ts.formRequest(path, url.Values{"url": {targetURL}, "curl": {"curl " + targetURL}})
			for k, v := range tc.header {
				if v == "" {
					r.Header.Del(k)
				} else {
					r.Header.Set(k, v)
				}
			}
			resp, body := ts.do(r)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "cross-site request refused") {
				t.Errorf("%s: POST %s = %d %q, want 403 cross-site request refused", tc.name, path, resp.StatusCode, body)
			}
		}
	}
	if n := target.n.Load(); n != 0 {
		t.Errorf("the target got %d requests from refused posts, want none", n)
	}
	// The same post from the page itself goes through.
	resp, _ := ts.postForm("/check", url.Values{"url": {targetURL}})
	if resp.StatusCode != http.StatusOK || target.n.Load() == 0 {
		t.Errorf("a same-origin post = %d and %d requests, want a diagnosis", resp.StatusCode, target.n.Load())
	}
}

func TestPostWithoutTheTokenIsRefused(t *testing.T) {
	target, targetURL := hitCounter(t)
	ts := startServer(t, Options{})
	for _, token := range []string{"", "wrong-token", testToken + "x", strings.ToUpper(testToken)} {
		for _, path := range []string{"/check", "/curl"} {
			f := url.Values{"url": {targetURL}, "curl": {"curl " + targetURL}, "token": {token}}
			resp, body := ts.postForm(path, f)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "token") {
				t.Errorf("POST %s with token %q = %d %q, want 403 about the token", path, token, resp.StatusCode, body)
			}
		}
		// A HAR upload: the token part is checked before the file is read.
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if token != "" {
			_ = mw.WriteField("token", token)
		}
		fw, _ := mw.CreateFormFile("har", "x.har")
		_, _ = io.WriteString(fw, smallHAR)
		_ = mw.Close()
		r, _ := http.NewRequest("POST", ts.URL+"/har", &b)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		ts.sameOrigin(r)
		resp, _ := ts.do(r)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /har with token %q = %d, want 403", token, resp.StatusCode)
		}
		// A raw upload with the token in a header.
		r, _ = http.NewRequest("POST", ts.URL+"/har", strings.NewReader(smallHAR))
		r.Header.Set("Content-Type", "application/json")
		if token != "" {
			r.Header.Set("X-Why401-Token", token)
		}
		ts.sameOrigin(r)
		if resp, _ := ts.do(r); resp.StatusCode != http.StatusForbidden {
			t.Errorf("raw POST /har with token %q = %d, want 403", token, resp.StatusCode)
		}
	}
	// A token in the query string does not count: only the form's.
	r := ts.formRequest("/check?token="+testToken, url.Values{"url": {targetURL}, "token": {""}})
	if resp, _ := ts.do(r); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /check with the token in the query = %d, want 403", resp.StatusCode)
	}
	if n := target.n.Load(); n != 0 {
		t.Errorf("the target got %d requests from refused posts, want none", n)
	}
	// The raw upload with the right token is read.
	r, _ = http.NewRequest("POST", ts.URL+"/har", strings.NewReader(smallHAR))
	r.Header.Set("X-Why401-Token", testToken)
	ts.sameOrigin(r)
	if resp, body := ts.do(r); resp.StatusCode != http.StatusOK || !strings.Contains(body, "bearer.invalid-token") {
		t.Errorf("raw POST /har with the token = %d, want the diagnosis", resp.StatusCode)
	}
}

func TestNoAnswerCarriesCORSHeaders(t *testing.T) {
	_, targetURL := hitCounter(t)
	ts := startServer(t, Options{})
	resp, _ := ts.postForm("/check", url.Values{"url": {targetURL}})
	id := strings.TrimPrefix(resp.Request.URL.Path, "/r/")

	var reqs []*http.Request
	for _, path := range []string{"/", "/r/" + id, "/r/" + id + "/report.md", "/r/" + id + "/report.json",
		"/static/style.css", "/static/app.js", "/nothing-here", "/r/unknown"} {
		r, _ := http.NewRequest("GET", ts.URL+path, nil)
		reqs = append(reqs, r)
	}
	for _, path := range []string{"/check", "/har", "/"} {
		// A preflight, as a page on another site would send it.
		r, _ := http.NewRequest("OPTIONS", ts.URL+path, nil)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "x-why401-token, content-type")
		reqs = append(reqs, r)
	}
	reqs = append(reqs, ts.formRequest("/check", url.Values{"url": {targetURL}}))
	for _, r := range reqs {
		r.Header.Set("Origin", "https://evil.example")
		if r.Method == "POST" {
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, _ := ts.do(r)
		for k := range resp.Header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("%s %s answered with %s: no CORS header, ever", r.Method, r.URL.Path, k)
			}
		}
		if r.Method == "OPTIONS" && resp.StatusCode < 400 {
			t.Errorf("OPTIONS %s = %d, want an error (no preflight is ever granted)", r.URL.Path, resp.StatusCode)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s lacks the protective headers: %v", r.Method, r.URL.Path, resp.Header)
		}
	}
}

func TestHugeUploadIsRefusedBeforeItsBodyIsRead(t *testing.T) {
	ts := startServer(t, Options{})
	// A 1 GB upload, announced by Content-Length; the client sends the
	// headers and then waits: the answer must come without the body.
	c, err := net.Dial("tcp", ts.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /har HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nSec-Fetch-Site: same-origin\r\n"+
		"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: %d\r\n\r\n", ts.Host, ts.URL, 1<<30)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a 1 GB upload before its body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "larger than the 256 MiB upload limit") {
		t.Errorf("a 1 GB upload = %d, want 413 with the limit explained; body:\n%s", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the refusal took %s", d)
	}
	if !resp.Close {
		t.Errorf("the connection is kept open after a refused upload: the server would have to read 1 GB")
	}
	// The server keeps serving.
	if resp, _ := ts.get("/"); resp.StatusCode != 200 {
		t.Errorf("GET / after a refused upload = %d", resp.StatusCode)
	}
}

func TestUploadOverTheLimitWithoutLengthIsCut(t *testing.T) {
	// A chunked upload declares no length: it is read up to the limit,
	// then refused with the same message.
	ts := startServer(t, Options{MaxUpload: 64 << 10})
	var sent atomic.Int64
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("token", testToken)
		fw, _ := mw.CreateFormFile("har", "big.har")
		chunk := bytes.Repeat([]byte(" "), 32<<10)
		_, _ = fw.Write([]byte(`{"log": {"entries": [`))
		for i := 0; i < 1024; i++ { // 32 MiB of whitespace, far past the limit
			n, err := fw.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
		_ = mw.Close()
		_ = pw.Close()
	}()
	r, _ := http.NewRequest("POST", ts.URL+"/har", pr)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	ts.sameOrigin(r)
	resp, body := ts.do(r)
	_ = pr.CloseWithError(io.ErrClosedPipe)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "upload limit") {
		t.Errorf("a chunked upload past the limit = %d, want 413; body:\n%s", resp.StatusCode, body)
	}
	if n := sent.Load(); n >= 32<<20 {
		t.Errorf("the whole 32 MiB upload was sent: the server kept reading past the limit")
	}
}

func TestSlowTargetDoesNotBlockOtherRequests(t *testing.T) {
	release := make(chan struct{})
	var gone atomic.Int64
	slow := newTarget(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			gone.Add(1) // the diagnosis gave up and closed the connection
		}
	}))
	defer close(release)
	_, fastURL := hitCounter(t)
	ts := startServer(t, Options{MaxTime: 1500 * time.Millisecond})

	type result struct {
		status int
		body   string
		took   time.Duration
	}
	done := make(chan result, 1)
	go func() {
		start := time.Now()
		resp, body := ts.postForm("/check", url.Values{"url": {slow.URL + "/slow"}})
		done <- result{resp.StatusCode, body, time.Since(start)}
	}()
	time.Sleep(200 * time.Millisecond) // the slow diagnosis is waiting now

	start := time.Now()
	if resp, _ := ts.get("/"); resp.StatusCode != 200 {
		t.Errorf("GET / during a slow diagnosis = %d", resp.StatusCode)
	}
	resp, body := ts.postForm("/check", url.Values{"url": {fastURL}})
	if resp.StatusCode != 200 || !strings.Contains(body, "credentials.none-sent") {
		t.Errorf("a fast diagnosis during a slow one = %d, want its result", resp.StatusCode)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the page and a fast diagnosis took %s while a slow target was waited for", d)
	}

	var res result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the slow diagnosis did not end 20 s after its 1.5 s deadline")
	}
	if res.took > 8*time.Second {
		t.Errorf("the slow diagnosis took %s with -m 1.5 s", res.took)
	}
	t.Logf("the slow target's message: %s", alertOf(res.body))
	if !strings.Contains(res.body, "did not complete") || !strings.Contains(strings.ToLower(res.body), "time") {
		t.Errorf("the slow diagnosis does not say it timed out (status %d):\n%s", res.status, mainOf(res.body))
	}
	// Nothing is left running: the slow target saw its connection closed.
	deadline := time.Now().Add(5 * time.Second)
	for gone.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if gone.Load() == 0 {
		t.Errorf("the slow target's request is still open after the diagnosis ended")
	}
}

func TestBusyServerSaysSo(t *testing.T) {
	release := make(chan struct{})
	slow := newTarget(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	ts := startServer(t, Options{MaxConcurrent: 1, MaxTime: 10 * time.Second, queueWait: 300 * time.Millisecond})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.postForm("/check", url.Values{"url": {slow.URL}})
	}()
	time.Sleep(200 * time.Millisecond)
	resp, body := ts.postForm("/check", url.Values{"url": {slow.URL + "/2"}})
	close(release)
	<-done
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "try again in a moment") {
		t.Errorf("a diagnosis while every slot is taken = %d, want 503 busy; page:\n%s", resp.StatusCode, mainOf(body))
	}
}

// The SSRF guard. Tests turn it on for a loopback listener (guardAll) and
// exempt exactly 127.0.0.1, where their allowed targets listen; dialLog
// records every dial and refuses anything beyond loopback on its own.

func TestGuardRefusesPrivateTargetsBeforeSending(t *testing.T) {
	// No exemption here: every loopback address is refused.
	dials := &dialLog{t: t}
	ts := startServer(t, Options{guardAll: true, dialHook: dials.hook})
	for _, tc := range []struct {
		url, want string
	}{
		{"http://[::ffff:127.0.0.1]/", "loopback"},
		{"http://[::ffff:7f00:1]:8080/", "loopback"},
		{"http://169.254.169.254/latest/meta-data/", "cloud metadata"},
		{"http://[fd00:ec2::254]/", "cloud metadata"},
		{"http://2130706433/", "2130706433"},      // decimal 127.0.0.1
		{"http://0x7f000001/", "127.0.0.1"},       // hexadecimal
		{"http://0177.0.0.1/", "127.0.0.1"},       // octal
		{"http://127.1/", "127.0.0.1"},            // short form
		{"http://2852039166/", "169.254.169.254"}, // decimal metadata
		{"http://127.0.0.2/", "loopback"},         // loopback, not exempt
		{"http://[::1]/", "loopback"},
		{"http://10.1.2.3/", "private network"},
		{"https://192.168.1.1/admin", "private network"},
		{"http://[fe80::1%25eth0]/", "link-local"},
		{"http://0.0.0.0/", "this network"},
		{"http://[64:ff9b::a9fe:a9fe]/", "cloud metadata"}, // NAT64 of 169.254.169.254
	} {
		// Proven refused before it is posted: a guard that let it through
		// would make the test send a packet (or a DNS query) off this
		// machine.
		if err := ts.guard.checkURL(tc.url); err == nil {
			t.Errorf("checkURL(%q) = nil, want refused; not posting it", tc.url)
			continue
		}
		resp, body := ts.postForm("/check", url.Values{"url": {tc.url}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "does not connect to") || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s = %d, want 400 naming %q; page:\n%s", tc.url, resp.StatusCode, tc.want, mainOf(body))
		}
	}
	if d := dials.all(); len(d) != 0 {
		t.Errorf("refused targets were dialled: %+v", d)
	}
	// With 127.0.0.1 exempt (a stand-in for a public address), the same
	// guard lets the test target through, and still refuses the number
	// forms, which mean one thing to a browser and another to a resolver.
	exempt := startServer(t, Options{guardAll: true, exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, dialHook: dials.hook})
	_, allowed := hitCounter(t)
	if resp, body := exempt.postForm("/check", url.Values{"url": {allowed}}); resp.StatusCode != 200 || !strings.Contains(body, "credentials.none-sent") {
		t.Errorf("the allowed target = %d, want its diagnosis", resp.StatusCode)
	}
	resp, body := exempt.postForm("/check", url.Values{"url": {"http://2130706433/"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "write 127.0.0.1 instead") {
		t.Errorf("an allowed address in number form = %d, want 400 asking for 127.0.0.1; page:\n%s", resp.StatusCode, mainOf(body))
	}
	for _, d := range dials.all() {
		if !strings.HasPrefix(d.address, "127.0.0.1:") {
			t.Errorf("dialled %s", d.address)
		}
	}
}

func TestGuardRefusesARedirectIntoLoopback(t *testing.T) {
	// The trap listens on 127.0.0.2 (loopback, not exempt) and counts
	// connections: the guard must refuse the dial, so it sees none.
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	trap := &countingListener{Listener: l}
	go func() { _ = http.Serve(trap, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})) }()
	defer trap.Close()
	inside := "http://" + l.Addr().String() + "/admin"
	_, port, _ := net.SplitHostPort(l.Addr().String())

	for _, loc := range []string{inside, "http://[::ffff:127.0.0.2]:" + port + "/admin"} {
		t.Run(loc, func(t *testing.T) {
			dials := &dialLog{t: t}
			ts := startServer(t, Options{guardAll: true, exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, dialHook: dials.hook})
			outside := newTarget(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, loc, http.StatusFound)
			}))
			resp, body := ts.postForm("/check", url.Values{"url": {outside.URL + "/start"}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST = %d; page:\n%s", resp.StatusCode, mainOf(body))
			}
			if !strings.Contains(body, "does not connect to 127.0.0.2") && !strings.Contains(body, "does not connect to ::ffff:127.0.0.2") {
				t.Errorf("the result does not say the redirect target was refused:\n%s", mainOf(body))
			}
			refused := 0
			for _, d := range dials.all() {
				if strings.Contains(d.address, "127.0.0.2") {
					if !d.refused {
						t.Errorf("the dial to %s was allowed", d.address)
					}
					refused++
				}
			}
			if refused == 0 {
				t.Errorf("no dial to 127.0.0.2 was seen: %+v", dials.all())
			}
		})
	}
	if n := trap.count(); n != 0 {
		t.Errorf("the loopback trap accepted %d connections: a packet left before the guard refused", n)
	}
}

func TestGuardRules(t *testing.T) {
	g := &guard{}
	for _, tc := range []struct {
		addr    string
		refused bool
	}{
		// Public addresses pass (these are judged, never dialled).
		{"93.184.215.14", false},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false},
		{"1.1.1.1", false},
		// Loopback in every spelling.
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"::127.0.0.1", true},     // IPv4-compatible
		{"64:ff9b::7f00:1", true}, // NAT64
		{"2002:7f00:1::1", true},  // 6to4
		{"2001:0:4136::1", true},  // Teredo
		{"fe80::1%eth0", true},    // zoned link-local
		{"0.0.0.0", true},         // reaches the local host
		{"::", true},
		// Metadata, private, link-local, shared, multicast, reserved.
		{"169.254.169.254", true},
		{"fd00:ec2::254", true},
		{"100.100.100.200", true},
		{"10.0.0.1", true},
		{"172.16.5.4", true},
		{"192.168.0.1", true},
		{"100.64.0.1", true},
		{"fc00::1", true},
		{"224.0.0.1", true},
		{"255.255.255.255", true},
		{"::ffff:192.168.0.1", true},
	} {
		err := g.check(netip.MustParseAddr(tc.addr))
		if (err != nil) != tc.refused {
			t.Errorf("check(%s) = %v; want refused=%v", tc.addr, err, tc.refused)
		}
	}
	// The dialer's hook sees ip:port, after DNS resolution.
	if err := g.control("tcp6", "[::ffff:127.0.0.1]:80", nil); err == nil {
		t.Errorf("control(::ffff:127.0.0.1) = nil, want refused")
	}
	if err := g.control("tcp", "localhost:80", nil); err == nil {
		t.Errorf("control(localhost:80) = nil, want refused: the hook only ever accepts addresses")
	}
	// An exemption is exact: it does not extend to another spelling.
	ex := &guard{exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	if ex.check(netip.MustParseAddr("127.0.0.1")) != nil || ex.check(netip.MustParseAddr("::ffff:127.0.0.1")) == nil {
		t.Errorf("exempting 127.0.0.1 must allow it and nothing else")
	}
}

func TestNumericHostsAreReadAsBrowsersReadThem(t *testing.T) {
	for _, tc := range []struct {
		host string
		want string // "" when not a number form
	}{
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"2852039166", "169.254.169.254"},
		{"1.2.3.4.", "1.2.3.4"},
		{"example.com", ""},
		{"1.2.3.4.5", ""},
		{"256.1.1.1", ""},
		{"4294967296", ""},
		{"0x", "0.0.0.0"},
		{"08.1.1.1", ""}, // 8 is not an octal digit
		{"", ""},
	} {
		a, ok := numericIPv4(tc.host)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("numericIPv4(%q) = %q; want %q", tc.host, got, tc.want)
		}
	}
}

func TestUnguardedOnLoopbackAndGuardedBeyond(t *testing.T) {
	for _, tc := range []struct {
		listen       string
		allowPrivate bool
		guarded      bool
	}{
		{"127.0.0.1:8401", false, false},
		{"[::1]:8401", false, false},
		{"localhost:8401", false, false},
		{"0.0.0.0:8401", false, true},
		{"[::]:8401", false, true},
		{"192.0.2.7:8401", false, true},
		{"0.0.0.0:8401", true, false},
	} {
		s, err := New(tc.listen, Options{AllowPrivate: tc.allowPrivate})
		if err != nil {
			t.Fatal(err)
		}
		if s.Guarded() != tc.guarded {
			t.Errorf("New(%s, AllowPrivate %v).Guarded() = %v; want %v", tc.listen, tc.allowPrivate, s.Guarded(), tc.guarded)
		}
	}
}

// Secrets: never logged, never kept, never written back, never in a
// download.

func TestSecretsAreNeverEchoedLoggedOrKept(t *testing.T) {
	labSrv := startLab(t)
	ts := startServer(t, Options{})
	sc := scenario(t, labSrv, "basic-rejected")
	const bearer = "bearer-SECRET-7f3a9c"
	const cookie = "cookie-SECRET-b21e44"
	secrets := []string{lab.WrongPass, bearer, cookie}

	// A diagnosis that ran.
	resp, body := ts.postForm("/check", url.Values{
		"url": {labSrv.Env.URL(sc)}, "user": {lab.User}, "password": {lab.WrongPass},
		"bearer": {bearer}, "cookie": {"sid=" + cookie}, "insecure": {"1"},
	})
	if resp.StatusCode != 200 {
		t.Fatalf("POST = %d:\n%s", resp.StatusCode, mainOf(body))
	}
	id := strings.TrimPrefix(resp.Request.URL.Path, "/r/")
	assertNoSecret(t, "the result page", body, secrets...)
	for _, p := range []string{"/", "/r/" + id + "/report.md", "/r/" + id + "/report.json"} {
		_, b := ts.get(p)
		assertNoSecret(t, p, b, secrets...)
	}

	// Forms shown again after bad input: the URL, method and user name
	// come back; the password, token and cookies never do, nor a password
	// in the URL.
	for _, f := range []url.Values{
		{"url": {"example.com/private"}, "user": {"alice"}, "password": {lab.WrongPass}, "bearer": {bearer}, "cookie": {"sid=" + cookie}},
		{"url": {"https://alice:" + cookie + "@example.com/"}, "method": {"G3T"}, "password": {lab.WrongPass}},
		{"url": {"alice:" + cookie + "@example.com"}, "bearer": {bearer}},
		{"url": {"https://example.com/?access_token=" + bearer}, "method": {"G3T"}},
		{"url": {"https://exa mple.com/?token=" + bearer}, "method": {"G3T"}},
		{"url": {"https://example.com/#access_token=" + bearer}, "method": {"G3T"}},
		{"url": {"https://example.com/"}, "password": {lab.WrongPass}}, // a password without a user
		{"url": {"https://example.com/"}, "cookie": {cookie}},          // a cookie without a name
	} {
		resp, body := ts.postForm("/check", f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("bad form %v = %d, want 400", f, resp.StatusCode)
		}
		assertNoSecret(t, "the form shown again", body, secrets...)
		hadSecret := f.Get("password") != "" || f.Get("bearer") != "" || f.Get("cookie") != ""
		if asked := strings.Contains(body, "were not kept: enter them again"); asked != hadSecret {
			t.Errorf("bad form %v: asks to enter the secrets again = %v, want %v", f, asked, hadSecret)
		}
	}
	// The curl box never writes the command back, nor quotes it in an
	// error (none of these sends anything).
	for i, cmd := range []string{
		"curl -u alice:" + cookie, // no URL
		"curl 'https://127.0.0.1:1/ -H \"Authorization: Bearer " + bearer + "\"", // unbalanced quotes
		"curl -u alice:" + cookie + " ftp://127.0.0.1:1/",                        // a scheme why401 refuses
	} {
		resp, body := ts.postForm("/curl", url.Values{"curl": {cmd}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="curl-error"`) {
			t.Errorf("bad curl command #%d = %d, want 400 with the message: %s", i, resp.StatusCode, alertOf(body))
		}
		assertNoSecret(t, "the curl form shown again", body, secrets...)
	}
	// A curl command that runs: its secrets stay out of every output.
	resp, body = ts.postForm("/curl", url.Values{"curl": {"curl -k -u '" + lab.User + ":" + lab.WrongPass + "' -H 'Cookie: sid=" + cookie + "' '" + labSrv.Env.URL(sc) + "'"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "credentials.rejected") {
		t.Errorf("a curl command against the lab = %d, want its diagnosis:\n%s", resp.StatusCode, mainOf(body))
	}
	assertNoSecret(t, "the curl result", body, secrets...)
	id = strings.TrimPrefix(resp.Request.URL.Path, "/r/")
	for _, p := range []string{"/", "/r/" + id + "/report.md", "/r/" + id + "/report.json"} {
		_, b := ts.get(p)
		assertNoSecret(t, p, b, secrets...)
	}

	assertNoSecret(t, "the log", ts.log.String(), secrets...)
	if !strings.Contains(ts.log.String(), "POST /check → ") {
		t.Errorf("the log does not record requests:\n%s", ts.log.String())
	}
	for _, e := range ts.history.list() {
		for _, rep := range e.Reports {
			for _, x := range rep.Exchanges {
				if x.Response != nil && len(x.Response.Body) > 0 {
					t.Errorf("the history keeps a response body (exchange %d)", x.Index)
				}
			}
		}
	}
}

// Bad input: a clear message on the page, and the server keeps serving.

func TestBadInputGetsAClearMessage(t *testing.T) {
	ts := startServer(t, Options{MaxTime: 2 * time.Second})
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		return "http://" + addr + "/"
	}()
	for _, tc := range []struct {
		name   string
		path   string
		form   url.Values
		har    []byte
		status int
		want   string
	}{
		{"empty form", "/check", url.Values{}, nil, 400, "Enter the URL that answers 401"},
		{"blank URL", "/check", url.Values{"url": {"   "}}, nil, 400, "Enter the URL that answers 401"},
		{"no scheme", "/check", url.Values{"url": {"example.com/private/"}}, nil, 400, "The URL has no scheme"},
		{"no scheme, with a port", "/check", url.Values{"url": {"localhost:8080/x"}}, nil, 400, "The URL has no scheme"},
		{"another scheme", "/check", url.Values{"url": {"ftp://example.com/"}}, nil, 400, "only http and https"},
		{"no host", "/check", url.Values{"url": {"https:///path"}}, nil, 400, "no host"},
		{"password without user", "/check", url.Values{"url": {"https://example.com/"}, "password": {"x"}}, nil, 400, "without a user name"},
		{"bad method", "/check", url.Values{"url": {"https://example.com/"}, "method": {"GET /"}}, nil, 400, "method"},
		{"cookie without a name", "/check", url.Values{"url": {"https://example.com/"}, "cookie": {"abc"}}, nil, 400, "NAME=VALUE"},
		{"nothing listens", "/check", url.Values{"url": {refused}}, nil, 200, "did not complete"},
		{"empty curl box", "/curl", url.Values{"curl": {""}}, nil, 400, "Paste a curl command"},
		{"HAR that is not JSON", "/har", nil, []byte("this is not json\n"), 400, "not a HAR file"},
		{"JSON that is not a HAR", "/har", nil, []byte(`{"hello": "world"}`), 400, "not a HAR file"},
		{"truncated HAR", "/har", nil, []byte(smallHAR[:400]), 400, "not a HAR file"},
		{"empty HAR file", "/har", nil, []byte{}, 400, ""},
		{"no file chosen", "/har", nil, nil, 400, "Choose a HAR file first"},
	} {
		var resp *http.Response
		var body string
		switch {
		case tc.path == "/har" && tc.har == nil:
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("token", testToken)
			_, _ = mw.CreateFormFile("har", "") // a file input left empty
			_ = mw.Close()
			r, _ := http.NewRequest("POST", ts.URL+"/har", &b)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			ts.sameOrigin(r)
			resp, body = ts.do(r)
		case tc.path == "/har":
			resp, body = ts.postHAR("bad.har", tc.har)
		default:
			resp, body = ts.postForm(tc.path, tc.form)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d; page:\n%s", tc.name, resp.StatusCode, tc.status, mainOf(body))
		}
		if !strings.Contains(body, `role="alert"`) || !strings.Contains(body, tc.want) {
			t.Errorf("%s: no alert saying %q; page:\n%s", tc.name, tc.want, mainOf(body))
		}
		t.Logf("%s: %s", tc.name, alertOf(body))
		if !strings.Contains(body, "<html") {
			t.Errorf("%s: the message is not on the page", tc.name)
		}
		if resp, _ := ts.get("/"); resp.StatusCode != 200 {
			t.Fatalf("%s: GET / afterwards = %d: the server stopped serving", tc.name, resp.StatusCode)
		}
	}
	_ = context.Background
}

// mainOf returns the <main> of a page, for failure messages.
func mainOf(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		page = page[i:]
	}
	if i := strings.Index(page, "</main>"); i >= 0 {
		page = page[:i]
	}
	if len(page) > 3000 {
		page = page[:3000] + "…"
	}
	return page
}

// alertOf returns the text of a page's first alert.
func alertOf(page string) string {
	i := strings.Index(page, `role="alert"`)
	if i < 0 {
		return ""
	}
	page = page[i:]
	if j := strings.Index(page, ">"); j >= 0 {
		page = page[j+1:]
	}
	if j := strings.Index(page, "</p>"); j >= 0 {
		page = page[:j]
	}
	return page
}
