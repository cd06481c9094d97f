package why401

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/why401/why401/internal/redact"
)

// The engine's own finding kinds: they speak about checks, not about the
// target, and every run may produce them.
var (
	KindCheckSkipped = &Kind{
		ID:       "check.skipped",
		Severity: SeverityInfo,
		Who:      Visitor,
		Title:    "A check could not run here",
		Explain: "Some checks need to send more requests (without cookies, to another address, with another " +
			"User-Agent). They cannot run on a recorded file, or a request they needed failed. The rest of " +
			"the diagnosis stands; what the skipped check would have told is unknown.",
		Fix: []string{
			"For a HAR file, run `why401 har FILE --replay` or diagnose the URL live with `why401 URL`.",
			"If a probe failed, run again with -v to see the exchange that failed.",
		},
	}
	KindCheckFailed = &Kind{
		ID:       "check.failed",
		Severity: SeverityInfo,
		Who:      Visitor,
		Title:    "A check failed with an internal error",
		Explain: "A check stopped on an unexpected condition. This is a bug in why401, not a property of the " +
			"target; the other checks ran normally.",
		Fix: []string{"Report it with the output of `why401 … --json` (secrets are redacted there)."},
	}
)

// Run diagnoses one input: it starts the session, runs the active checks
// concurrently with the answer to the challenge, then the passive checks on
// everything that was exchanged, and returns the report with findings
// ranked. The error is non-nil only when the target could not be reached at
// all; the report then holds what was seen.
func Run(ctx context.Context, in *Input, s Session, offline bool, checks []*Check) (*Report, error) {
	d := &diagnosis{answered: make(chan struct{})}
	if !offline {
		d.session = s
	}
	d.offline = offline

	start, startErr := s.Start(ctx)
	d.record(start, -1)
	reachable := false
	for _, e := range start {
		if e.Response != nil {
			reachable = true
		}
	}
	if !reachable {
		close(d.answered)
		r := d.report(in)
		if startErr == nil {
			startErr = errors.New("why401: no response")
		}
		return r, startErr
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(d.answered)
		ex, err := s.Answer(ctx, d.snapshotChain())
		d.record(ex, -1)
		if err != nil {
			d.mu.Lock()
			d.answerErr = err
			d.notes = append(d.notes, "The challenge was not answered: "+strings.TrimPrefix(err.Error(), "probe: "))
			d.mu.Unlock()
		}
	}()

	// Active checks start now, with the first answer in hand.
	for i, c := range checks {
		if c.Mode != Active {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runOne(ctx, d, in, c, i)
		}()
	}
	wg.Wait()

	// Passive checks see everything, in the final order.
	d.renumber()
	for i, c := range checks {
		if c.Mode != Passive {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runOne(ctx, d, in, c, i)
		}()
	}
	wg.Wait()
	return d.report(in), nil
}

func (d *diagnosis) snapshotChain() []Exchange {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.chainLocked()
}

// runOne runs one check, turning a panic into check.failed and an error into
// check.skipped.
func runOne(ctx context.Context, d *diagnosis, in *Input, c *Check, order int) {
	p := &Pass{Check: c, Input: in, ctx: ctx, d: d, order: order}
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			msg = redact.Text(msg, in.Creds.Password, in.Creds.Bearer, in.Creds.Authorization, in.Creds.Cookie)
			p.Reportf(KindCheckFailed, nil, "%s panicked: %s", c.ID, firstLine(msg))
		}
	}()
	if err := c.Run(p); err != nil {
		msg := redact.Text(err.Error(), in.Creds.Password, in.Creds.Bearer, in.Creds.Authorization, in.Creds.Cookie)
		if errors.Is(err, ErrOffline) {
			p.Reportf(KindCheckSkipped, nil, "%s: needs to send requests, and the input is a recorded file.", c.ID)
			return
		}
		p.Reportf(KindCheckSkipped, nil, "%s: %s", c.ID, firstLine(msg))
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// renumber orders the exchanges (the user's chain first, then each active
// check's probes in check order) and rewrites the findings' evidence.
func (d *diagnosis) renumber() {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(d.exchanges)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ga, gb := d.group[idx[a]], d.group[idx[b]]
		if ga != gb {
			return ga < gb
		}
		return false
	})
	// The chain keeps its own order, which is the order of recording.
	old2new := make([]int, n)
	ex := make([]Exchange, n)
	group := make([]int, n)
	for newI, oldI := range idx {
		old2new[oldI] = newI
		e := d.exchanges[oldI]
		e.Index = newI
		ex[newI] = e
		group[newI] = d.group[oldI]
	}
	for i := range d.chain {
		d.chain[i] = old2new[d.chain[i]]
	}
	for fi := range d.findings {
		for j, ev := range d.findings[fi].Evidence {
			if ev >= 0 && ev < n {
				d.findings[fi].Evidence[j] = old2new[ev]
			}
		}
	}
	d.exchanges, d.group = ex, group
}

// rank orders severities for display and for the verdict: a good outcome
// (ok) matters more to the reader than an explanation (info).
func rank(s Severity) int {
	switch s {
	case SeverityError:
		return 4
	case SeverityWarn:
		return 3
	case SeverityOK:
		return 2
	}
	return 1
}

// report assembles the Report: findings ranked (severity, then the check's
// position in the list, then the order reported), the verdict, the status.
func (d *diagnosis) report(in *Input) *Report {
	d.mu.Lock()
	defer d.mu.Unlock()
	fs := append([]Finding(nil), d.findings...)
	sort.SliceStable(fs, func(a, b int) bool {
		ra, rb := rank(fs[a].Severity), rank(fs[b].Severity)
		if ra != rb {
			return ra > rb
		}
		return fs[a].order < fs[b].order
	})
	r := &Report{
		Schema:     Schema,
		Target:     in.Target(),
		Challenges: []Challenge{},
		Exchanges:  append([]Exchange{}, d.exchanges...),
		Findings:   fs,
		Notes:      append([]string(nil), d.notes...),
		Source:     in.Source,
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if c := d.chainLocked(); len(c) > 0 {
		r.Status = c[len(c)-1].Status()
	}
	r.Verdict = verdict(r)
	return r
}

func verdict(r *Report) Verdict {
	for _, f := range r.Findings {
		if f.ID == KindCheckSkipped.ID || f.ID == KindCheckFailed.ID {
			continue
		}
		s := f.Title
		if f.Detail != "" {
			s += ": " + firstLine(f.Detail)
		}
		return Verdict{ID: f.ID, Summary: s}
	}
	switch {
	case r.Status == 0:
		return Verdict{Summary: "No response was received."}
	case r.Status < 400:
		return Verdict{Summary: fmt.Sprintf("No authentication problem: the server answered %d.", r.Status)}
	}
	return Verdict{Summary: fmt.Sprintf("The server answered %d; no authentication cause was found.", r.Status)}
}
