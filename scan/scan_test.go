package scan

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/probe"
)

// TestPerHostLimitHolds sends 40 targets at one host with a limit of 2 and
// checks the server never sees more than 2 at once, and every target has a
// result.
func TestPerHostLimitHolds(t *testing.T) {
	var now, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	defer srv.Close()
	targets := make(chan Target)
	go func() {
		defer close(targets)
		for i := range 40 {
			targets <- Target{Line: i + 1, Input: &why401.Input{URL: srv.URL + "/"}, Opts: probe.Options{MaxTime: 5 * time.Second}}
		}
	}()
	var mu sync.Mutex
	lines := map[int]bool{}
	Run(context.Background(), targets, Options{Workers: 8, PerHost: 2}, func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		if r.Err != nil || r.Report == nil || r.Report.Verdict.ID != "credentials.none-sent" {
			t.Errorf("line %d: %v %+v", r.Target.Line, r.Err, r.Report)
		}
		lines[r.Target.Line] = true
	})
	if len(lines) != 40 {
		t.Errorf("%d results, want 40", len(lines))
	}
	// A diagnosis sends follow-up probes too, so the server may see up to
	// 2 diagnoses' requests at once; never 8.
	if p := peak.Load(); p > 4 {
		t.Errorf("peak %d concurrent requests at one host, limit 2 diagnoses", p)
	}
}
