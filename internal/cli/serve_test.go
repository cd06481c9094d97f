package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is an output stream the serving goroutine and the test
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// addrListener listens on loopback but reports another address, so that
// a test can run `serve --addr 0.0.0.0:…` without opening a port beyond
// this machine.
type addrListener struct {
	net.Listener
	addr net.Addr
}

func (l addrListener) Addr() net.Addr { return l.addr }

// startServe runs `why401 serve args…` until the test ends and returns
// its stdout, stderr and the URL it printed.
func startServe(t *testing.T, listen func(string, string) (net.Listener, error), args ...string) (out, errOut *lockedBuffer, pageURL string) {
	t.Helper()
	out, errOut = &lockedBuffer{}, &lockedBuffer{}
	iost := &IO{In: strings.NewReader(""), Out: out, Err: errOut, Width: 100, Getenv: func(string) string { return "" }, Now: time.Now}
	if listen == nil {
		listen = net.Listen
	}
	cmd := newServeCmdListen(iost, listen)
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop 15 s after its context ended")
		}
	})
	re := regexp.MustCompile(`open (http://\S+/) \(Ctrl-C to stop\)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return out, errOut, m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before printing its address: %v; stderr %q", err, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed no address; stdout %q, stderr %q", out.String(), errOut.String())
	return nil, nil, ""
}

func TestServeListensOnLoopbackAndPrintsItsAddress(t *testing.T) {
	out, errOut, pageURL := startServe(t, nil, "--addr", "127.0.0.1:0", "--quiet")
	if !strings.HasPrefix(pageURL, "http://127.0.0.1:") {
		t.Errorf("serve printed %q, want a loopback URL", pageURL)
	}
	if strings.Contains(errOut.String(), "warning") {
		t.Errorf("serve on loopback warned: %q", errOut.String())
	}
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Diagnose a URL") {
		t.Errorf("GET %s = %d, want the page", pageURL, resp.StatusCode)
	}
	_ = out
}

func TestServeBeyondLoopbackWarnsAndGuardsTargets(t *testing.T) {
	// A target on loopback that counts its requests: the guard must keep
	// the page from reaching it.
	hits := 0
	var mu sync.Mutex
	target := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.WriteHeader(401)
	})}
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = target.Serve(tl) }()
	defer target.Close()

	var real net.Listener
	listen := func(network, addr string) (net.Listener, error) {
		if addr != "0.0.0.0:8401" {
			t.Errorf("serve listened on %q, want the --addr given", addr)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		real = l
		_, port, _ := net.SplitHostPort(l.Addr().String())
		fake, _ := net.ResolveTCPAddr("tcp", "0.0.0.0:"+port)
		return addrListener{Listener: l, addr: fake}, nil
	}
	_, errOut, pageURL := startServe(t, listen, "--addr", "0.0.0.0:8401", "--quiet")
	for _, want := range []string{"warning: 0.0.0.0:8401 is reachable from other machines", "are refused (--allow-private lifts this)"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	// Post the target's URL as the page would, token and all.
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no token on the page")
	}
	form := url.Values{"token": {string(m[1])}, "url": {"http://" + tl.Addr().String() + "/"}}
	req, _ := http.NewRequest("POST", pageURL+"check", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "does not connect to 127.0.0.1") {
		t.Errorf("a loopback target through a public serve = %d, want 400 refused", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Errorf("the loopback target got %d requests", hits)
	}
	_ = real
}

func TestServeAllowPrivateWarnsAgain(t *testing.T) {
	listen := func(network, addr string) (net.Listener, error) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		_, port, _ := net.SplitHostPort(l.Addr().String())
		fake, _ := net.ResolveTCPAddr("tcp", "0.0.0.0:"+port)
		return addrListener{Listener: l, addr: fake}, nil
	}
	_, errOut, _ := startServe(t, listen, "--addr", "0.0.0.0:8401", "--allow-private", "--quiet")
	if !strings.Contains(errOut.String(), "warning: --allow-private is set") {
		t.Errorf("stderr lacks the --allow-private warning:\n%s", errOut.String())
	}
}

func TestServeBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--addr", "nonsense"},
		{"serve", "--addr", "127.0.0.1:0", "--max-upload", "0"},
		{"serve", "--addr", "127.0.0.1:0", "-m", "-1"},
		{"serve", "extra-argument"},
	} {
		_, errOut, code := run(t, false, nil, args...)
		if code != ExitUsage || !strings.HasPrefix(errOut, "why401: ") {
			t.Errorf("why401 %s: exit %d, stderr %q; want exit 2 with a message", strings.Join(args, " "), code, errOut)
		}
	}
}

func TestServeCannotListenExits3(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, errOut, code := run(t, false, nil, "serve", "--addr", l.Addr().String())
	if code != ExitUnreachable || !strings.Contains(errOut, "cannot listen on") {
		t.Errorf("serve on a taken port: exit %d, stderr %q; want 3", code, errOut)
	}
}
