package why401

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// Mode says whether a check only reads exchanges or may ask for more.
type Mode int

const (
	// Passive checks read the exchanges of the run, after every request
	// has been answered. They work the same on a live run and on a HAR.
	Passive Mode = iota
	// Active checks may send follow-up requests through Pass.Probe. They
	// start as soon as the user's request has its first answer and run
	// concurrently with the answer to the challenge, so that a diagnosis
	// costs about two round trips. On a HAR they report check.skipped.
	Active
)

func (m Mode) String() string {
	if m == Active {
		return "active"
	}
	return "passive"
}

// Check is one diagnostic, a value in the single ordered list
// checks.All(). Its position in that list ranks its findings among findings
// of the same severity, so the list is ordered by how fundamental a cause is.
type Check struct {
	// ID names the check (usually the ID of its main finding kind).
	ID string
	// Doc is a lower-case title line, a blank line, and the explanation.
	Doc string
	// Mode is Passive or Active.
	Mode Mode
	// Kinds are the finding kinds the check may report: the catalogue is
	// the union of every check's kinds.
	Kinds []*Kind
	// Run reports findings through p. It returns an error only when it
	// could not run (ErrOffline, a failed probe); a bad credential is a
	// finding, never an error.
	Run func(p *Pass) error
}

// ErrOffline is returned by Session.Probe when the session cannot send
// requests (a HAR without --replay).
var ErrOffline = errors.New("why401: the input is offline (a file); this check needs the network")

// ErrBudget is returned by Session.Probe when a probe would spend the user's
// credentials beyond the once-per-run budget.
var ErrBudget = errors.New("why401: the user's credentials have been used once already")

// ErrPlainHTTP is returned when the credentials would go over plain http
// without --allow-http.
var ErrPlainHTTP = errors.New("why401 did not send your credentials over plain http (pass --allow-http to send them anyway)")

// ErrCrossOrigin is returned when the user's request ended on another
// origin than the one the user addressed: the credentials were meant for
// the first one, so they are not sent to the second.
var ErrCrossOrigin = errors.New("the request ended on another origin (scheme, host or port) than the one you addressed; why401 does not send your credentials there")

// Probe describes a follow-up request. Zero fields mean "as the user's
// request": its method, URL, headers and no credentials.
type Probe struct {
	// Purpose labels the exchanges ("no-cookies", "wrong-credentials" …).
	Purpose string
	Method  string
	URL     string
	// Header adds to or overrides the user's headers; a key with an empty
	// slice removes the header.
	Header http.Header
	// Credential is CredNone, CredWrong (a random user name with the
	// challenge's scheme) or CredUser (only when the session's budget
	// allows it; otherwise ErrBudget).
	Credential Credential
	// Cookies sends the user's cookies.
	Cookies bool
	// Addr dials this IP address instead of resolving the host; Host and
	// TLS SNI stay those of the URL.
	Addr string
	// NoRedirects stops at the first answer instead of following 3xx.
	NoRedirects bool
	// Body replaces the request body; nil sends none.
	Body []byte
	// ExtraUse, when set, is the reason this probe carries the user's
	// credentials once more (in Body, over a channel that does not use
	// the Authorization header). The session allows one such probe per
	// run, only after the answer failed, and the reason is said in the
	// report.
	ExtraUse string
}

// Session is the source of exchanges: the network (package probe) or a file
// (package har).
type Session interface {
	// Start sends the user's request and follows its redirects. It
	// returns the exchanges so far even when it also returns an error.
	Start(ctx context.Context) ([]Exchange, error)
	// Answer answers the challenge at the end of chain with the user's
	// credentials (at most once, plus one Digest stale retry) and returns
	// the new exchanges, or none when there is nothing to answer.
	Answer(ctx context.Context, chain []Exchange) ([]Exchange, error)
	// Probe sends a follow-up request, or returns ErrOffline.
	Probe(ctx context.Context, pr Probe) ([]Exchange, error)
}

// Pass is what a check sees: the input, the exchanges, the clock, and ways
// to report findings and to ask for more exchanges.
type Pass struct {
	Check *Check
	Input *Input

	ctx   context.Context
	d     *diagnosis
	order int
}

// Context returns the run's context; probes and waits honour it.
func (p *Pass) Context() context.Context { return p.ctx }

// Offline reports whether the run has no network (a HAR).
func (p *Pass) Offline() bool { return p.d.offline }

// Chain returns the user's request as it went: the first request, its
// redirects and, for a passive check, the answer to the challenge. An
// active check sees the chain up to the first answer; Answered waits for
// the rest.
func (p *Pass) Chain() []Exchange {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	return p.d.chainLocked()
}

// Answered waits until the challenge has been answered (or there was
// nothing to answer) and returns the whole chain.
func (p *Pass) Answered() []Exchange {
	select {
	case <-p.d.answered:
	case <-p.ctx.Done():
	}
	return p.Chain()
}

// AnswerErr returns why the challenge was not answered with the user's
// credentials (plain http, another origin …), or nil. It waits like Answered.
func (p *Pass) AnswerErr() error {
	p.Answered()
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	return p.d.answerErr
}

// All returns every exchange of the run so far, probes included.
func (p *Pass) All() []Exchange {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	return append([]Exchange(nil), p.d.exchanges...)
}

// Exchange returns the exchange with the given index.
func (p *Pass) Exchange(i int) *Exchange {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	if i < 0 || i >= len(p.d.exchanges) {
		return nil
	}
	e := p.d.exchanges[i]
	return &e
}

// Probe sends a follow-up request and returns its exchanges (indexed as
// they are recorded in the run).
func (p *Pass) Probe(pr Probe) ([]Exchange, error) {
	if p.Check != nil && p.Check.Mode != Active {
		return nil, fmt.Errorf("why401: passive check %s may not probe", p.Check.ID)
	}
	if p.d.session == nil {
		return nil, ErrOffline
	}
	if pr.Purpose == "" && p.Check != nil {
		pr.Purpose = p.Check.ID
	}
	ex, err := p.d.session.Probe(p.ctx, pr)
	return p.d.record(ex, p.order), err
}

// Report adds a finding of kind k. detail says what was seen in this case;
// evidence lists the exchanges that show it.
func (p *Pass) Report(k *Kind, detail string, evidence ...int) {
	p.add(k, detail, nil, evidence)
}

// Reportf is Report with a formatted detail.
func (p *Pass) Reportf(k *Kind, evidence []int, format string, args ...any) {
	p.add(k, fmt.Sprintf(format, args...), nil, evidence)
}

// ReportFix is Report with fix steps particular to this case, placed before
// the kind's own steps.
func (p *Pass) ReportFix(k *Kind, detail string, fix []string, evidence ...int) {
	p.add(k, detail, fix, evidence)
}

func (p *Pass) add(k *Kind, detail string, fix []string, evidence []int) {
	f := Finding{
		ID:       k.ID,
		Severity: k.Severity,
		Who:      k.Who,
		Title:    k.Title,
		Detail:   strings.TrimSpace(detail),
		Fix:      append(append([]string{}, fix...), k.Fix...),
		Evidence: append([]int{}, evidence...),
		Refs:     append([]string{}, k.Refs...),
	}
	if p.Check != nil {
		f.Check = p.Check.ID
	}
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	f.order = p.order*1000 + len(p.d.findings)
	p.d.findings = append(p.d.findings, f)
}

// Note adds a sentence about the run itself to the report.
func (p *Pass) Note(s string) {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	for _, n := range p.d.notes {
		if n == s {
			return
		}
	}
	p.d.notes = append(p.d.notes, s)
}

// Has reports whether a finding with the given ID has been reported so far.
// Passive checks run after every active one, so they see all of theirs.
func (p *Pass) Has(id string) bool {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	for _, f := range p.d.findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// diagnosis is the shared state of one run.
type diagnosis struct {
	session  Session
	offline  bool
	answered chan struct{}

	mu        sync.Mutex
	exchanges []Exchange
	// group[i] orders exchange i at the end: -1 for the user's chain,
	// else the position of the check that probed it.
	group     []int
	chain     []int // indices of the chain, in order
	findings  []Finding
	notes     []string
	answerErr error
}

func (d *diagnosis) chainLocked() []Exchange {
	out := make([]Exchange, 0, len(d.chain))
	for _, i := range d.chain {
		out = append(out, d.exchanges[i])
	}
	return out
}

// chainPurpose reports whether an exchange the session handed over is part
// of the user's request. A HAR session also hands over earlier entries to
// the same origin as context (Purpose "har-context": the login that set the
// cookie, the last request that worked); they belong in the report and in
// Pass.All, but not in the chain, or a check would take an earlier request's
// credentials, challenge or first URL for the user's.
func chainPurpose(purpose string) bool {
	switch purpose {
	case "", PurposeInitial, PurposeRedirect, PurposeAnswer, PurposeStaleRetry, PurposeHAR:
		return true
	}
	return false
}

// record appends exchanges under the given group and returns them with
// their indices set.
func (d *diagnosis) record(ex []Exchange, group int) []Exchange {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Exchange, len(ex))
	for i, e := range ex {
		e.Index = len(d.exchanges)
		d.exchanges = append(d.exchanges, e)
		d.group = append(d.group, group)
		if group < 0 && chainPurpose(e.Purpose) {
			d.chain = append(d.chain, e.Index)
		}
		out[i] = e
	}
	return out
}
