package web

import (
	"context"
	"io"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/curlcmd"
	"github.com/why401/why401/har"
	"github.com/why401/why401/probe"
)

// The two inputs that other packages parse, curl command lines and HAR
// files, each come through one function here, so the page depends on those
// packages in exactly two places.

// curlInput turns a pasted "Copy as cURL" command line into an input, the
// probe options the command asked for (-k, -m, --connect-timeout,
// --resolve, --max-redirs), and notes for what the page did not take into
// account. It is the page's only use of package curlcmd, whose errors never
// quote the command.
//
// Files named in the command (-b FILE, -d @FILE) are never read: the page
// is a way into this machine, and a pasted command must not make it read
// this machine's files. The notes say what was left out.
func curlInput(cmdline string, now time.Time) (*why401.Input, probe.Options, []string, error) {
	args, err := curlcmd.Split(cmdline)
	if err != nil {
		return nil, probe.Options{}, nil, badInput("The command could not be split into arguments: " + cleanErr(err) + ". Paste it exactly as DevTools copied it.")
	}
	res, err := curlcmd.Parse(args)
	if err != nil {
		return nil, probe.Options{}, nil, badInput("The curl command could not be understood: " + cleanErr(err) + ".")
	}
	in := res.Input
	in.Now = now
	in.Source = "curl"
	opts := probe.Options{
		Insecure:       res.Insecure,
		MaxTime:        res.MaxTime,
		ConnectTimeout: res.ConnectTimeout,
		Resolve:        res.Resolve,
	}
	if res.MaxRedirs > 0 {
		opts.MaxRedirects = res.MaxRedirs
	}
	notes := append([]string(nil), res.Warnings...)
	if len(res.CookieFiles) > 0 {
		notes = append(notes, "The cookie file named with -b was not read: the page never reads files on this machine. Paste the cookies in the URL form instead.")
	}
	if len(res.DataFiles) > 0 {
		notes = append(notes, "The request body named as @FILE was not read: the page never reads files on this machine; the request went without it.")
	}
	if res.Proxy != "" {
		notes = append(notes, "The proxy given with -x was not used: the page connects directly.")
	}
	if res.MoreURLs > 0 {
		notes = append(notes, "The command names more than one URL; only the first was diagnosed.")
	}
	return in, opts, notes, nil
}

// harSummary is what the page says about an uploaded HAR as a whole.
type harSummary struct {
	Entries      int
	StatusCounts map[int]int
	Sanitized    bool
	SanitizedBy  string
	Creator      string
	Notes        []string
	Found        int // entries diagnosed (401 and 407)
}

// harReports reads a HAR export from r, streaming, and diagnoses each 401
// and 407 in it offline: no request is made. At most max reports are
// kept; Found counts them all. It is the page's only use of package har.
func harReports(ctx context.Context, r io.Reader, max int) ([]*why401.Report, *harSummary, error) {
	var reports []*why401.Report
	found := 0
	sum, err := har.Cases(r, nil, func(c har.Case) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		found++
		if len(reports) >= max {
			return nil
		}
		in := c.Input()
		rep, err := checks.Diagnose(ctx, in, har.NewSession(c), true)
		if rep == nil {
			return err
		}
		rep.Source = "har"
		scrub(rep, in)
		reports = append(reports, rep)
		return nil
	})
	hs := &harSummary{
		Entries: sum.Entries, StatusCounts: sum.StatusCounts, Sanitized: sum.Sanitized,
		SanitizedBy: sum.SanitizedBy, Creator: sum.Creator, Notes: sum.Notes, Found: found,
	}
	return reports, hs, err
}
