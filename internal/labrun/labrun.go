// Package labrun diagnoses the lab's scenarios through the whole pipeline
// (probe → checks → report), for `why401 demo` and the tests. It builds each
// scenario's request the way the CLI builds a user's.
package labrun

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/cookies"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/lab"
	"github.com/why401/why401/probe"
)

// Input returns the input and probe options a user would give for sc.
func Input(srv *lab.Server, sc *lab.Scenario) (*why401.Input, probe.Options) {
	r := sc.Request
	in := &why401.Input{
		Method: r.Method,
		URL:    srv.Env.URL(sc),
		Header: http.Header{},
		Body:   redact.New(r.Body),
		Source: "url",
		Now:    time.Now(),
	}
	for k, v := range r.Header {
		in.Header.Set(k, v)
	}
	if r.HasUser {
		in.Creds.User, in.Creds.Password, in.Creds.HasUser = r.User, redact.New(r.Pass), true
	}
	in.Creds.Basic = r.Basic
	in.CORSOrigin = r.CORSOrigin
	in.Creds.Bearer = redact.New(r.Bearer)
	// -b 'a=1' and -b FILE, read as the CLI reads them (a malformed pair or
	// line is a bug in the scenario; the rest is still used).
	given, _ := cookies.ParseCookieHeader(r.Cookie)
	if r.CookieFile != "" {
		cs, _ := cookies.ParseNetscape(strings.NewReader(r.CookieFile), in.Now)
		given = append(given, cs...)
	}
	checks.ApplyCookies(in, given)
	in.AllBackends = r.AllBackends
	resolve, resolvers := srv.Env.Resolution(sc)
	in.Resolvers = resolvers
	return in, probe.Options{Insecure: true, AllowHTTP: r.AllowHTTP, MaxTime: 10 * time.Second, UserAgent: "why401-lab",
		Resolve: resolve}
}

// Diagnose runs the whole pipeline on one scenario. The lab's resolver
// stands in for the system resolver, so no lookup leaves loopback.
func Diagnose(ctx context.Context, srv *lab.Server, sc *lab.Scenario) (*why401.Report, error) {
	ctx = srv.Env.WithDNS(ctx)
	in, opts := Input(srv, sc)
	s, err := probe.New(in, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return checks.Diagnose(ctx, in, s, false)
}

// Result is the outcome of one scenario against its expectations.
type Result struct {
	Scenario *lab.Scenario
	Report   *why401.Report
	Err      error
	Missing  []string // expected IDs not produced
	Extra    []string // produced IDs not expected
	Problems []string // violations seen by the lab, wrong verdict, budget
}

// OK reports whether the scenario produced exactly what it declares.
func (r *Result) OK() bool {
	return r.Err == nil && len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Problems) == 0
}

// Check diagnoses sc and compares the result with its expectations: the
// exact set of finding IDs, the verdict, the lab's violations and the
// number of requests that carried the user's credentials.
func Check(ctx context.Context, srv *lab.Server, sc *lab.Scenario) *Result {
	res := &Result{Scenario: sc}
	srv.Env.Uses(sc.ID)
	res.Report, res.Err = Diagnose(ctx, srv, sc)
	if res.Err != nil {
		return res
	}
	got := uniq(res.Report.IDs())
	want := uniq(sc.Expect)
	for _, id := range want {
		if !slices.Contains(got, id) {
			res.Missing = append(res.Missing, id)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			res.Extra = append(res.Extra, id)
		}
	}
	if res.Report.Verdict.ID != sc.Verdict {
		res.Problems = append(res.Problems, fmt.Sprintf("verdict %q, want %q", res.Report.Verdict.ID, sc.Verdict))
	}
	budget := sc.Budget
	switch {
	case budget == 0:
		budget = 1
	case budget < 0:
		budget = 0
	}
	if n := srv.Env.Uses(sc.ID); n > budget {
		res.Problems = append(res.Problems, fmt.Sprintf("the user's credentials arrived %d times, budget %d", n, budget))
	}
	res.Problems = append(res.Problems, srv.Env.Violations()...)
	return res
}

func uniq(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return slices.Compact(out)
}
