// Package scan diagnoses many targets at once: a bounded pool of workers,
// a limit per host so that one site is never hammered, results handed over
// as they finish so that memory stays flat however long the list is.
package scan

import (
	"context"
	"net/url"
	"strings"
	"sync"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/probe"
)

// Defaults for Options.
const (
	DefaultWorkers = 16
	DefaultPerHost = 2
)

// Target is one line of the list.
type Target struct {
	Line  int // 1-based line number in the list
	Input *why401.Input
	Opts  probe.Options
}

// Result is a finished diagnosis. Report is set even when Err is (it then
// holds what was seen); Err is a bad target or an unreachable one.
type Result struct {
	Target Target
	Report *why401.Report
	Err    error
}

// Options bound the work.
type Options struct {
	Workers int // diagnoses at once
	PerHost int // diagnoses at once against one host
}

// Run diagnoses every target received from targets until it is closed or
// ctx ends, calling done for each result from a single goroutine (so done
// needs no locking). It returns when every started diagnosis has finished.
func Run(ctx context.Context, targets <-chan Target, o Options, done func(Result)) {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	hosts := &hostLimit{per: o.PerHost, sem: map[string]chan struct{}{}}
	results := make(chan Result, o.Workers)
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range targets {
				if ctx.Err() != nil {
					continue // drain: the caller closes targets
				}
				results <- diagnose(ctx, hosts, t)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	for r := range results {
		done(r)
	}
}

func diagnose(ctx context.Context, hosts *hostLimit, t Target) Result {
	res := Result{Target: t}
	s, err := probe.New(t.Input, t.Opts)
	if err != nil {
		res.Err = err
		return res
	}
	defer s.Close()
	release := hosts.acquire(ctx, hostOf(t.Input.URL))
	defer release()
	res.Report, res.Err = checks.Diagnose(ctx, t.Input, s, false)
	return res
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Hostname())
}

// hostLimit is a semaphore per host. Idle hosts are forgotten, so the map
// holds at most the hosts being diagnosed right now.
type hostLimit struct {
	per int
	mu  sync.Mutex
	sem map[string]chan struct{}
	use map[string]int
}

func (h *hostLimit) acquire(ctx context.Context, host string) func() {
	h.mu.Lock()
	if h.use == nil {
		h.use = map[string]int{}
	}
	c, ok := h.sem[host]
	if !ok {
		c = make(chan struct{}, h.per)
		h.sem[host] = c
	}
	h.use[host]++
	h.mu.Unlock()
	select {
	case c <- struct{}{}:
	case <-ctx.Done():
	}
	return func() {
		select {
		case <-c:
		default:
		}
		h.mu.Lock()
		h.use[host]--
		if h.use[host] == 0 {
			delete(h.use, host)
			delete(h.sem, host)
		}
		h.mu.Unlock()
	}
}
