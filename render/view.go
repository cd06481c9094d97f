package render

import (
	"strconv"
	"strings"
	"time"

	"github.com/why401/why401"
)

// view is what the Markdown and HTML reports show, computed once so the two
// say the same thing. Every string in it is cleaned outside text; escaping
// for the format is the template's or the Markdown writer's job.
type view struct {
	Date       string // "2025-11-27 15:04 UTC"
	DateISO    string // RFC 3339, for <time datetime>
	Method     string
	URL        string
	Status     string
	FinalURL   string // where the request ended after redirects, if elsewhere
	Redirects  int
	Verdict    findingHead
	Owner      []findingView
	Visitor    []findingView
	Challenges []challengeView
	Exchanges  []exchangeView
	Notes      []string
	Command    string // how the report was produced
	Version    string
	Verbose    bool
}

// findingHead is a severity and a line of text.
type findingHead struct {
	Class string // error, warn, info, ok: the JSON name, a CSS class
	Label string // Error, Warning, Info, OK
	Text  string
}

type findingView struct {
	findingHead
	ID       string
	Who      string
	Detail   []string
	Explain  []string
	Evidence []evidenceView
	Fix      []string
	Refs     []string
}

type evidenceView struct {
	Index  int
	Known  bool // the report holds this exchange
	Method string
	URL    string
	Status string
}

type challengeView struct {
	Header     string
	Scheme     string
	Params     string
	Registered bool
}

type exchangeView struct {
	Index       int
	Purpose     string
	Method      string
	URL         string
	Status      string
	Location    string // a redirect's target
	CrossOrigin bool
	Error       string
	Credentials string
	Cookies     string
	Remote      string
	Time        string
	Request     []string // header lines, with Verbose
	Response    []string
	StatusLine  string
}

func newView(r *why401.Report, o Options) *view {
	now := o.now().UTC()
	v := &view{
		Date:    now.Format("2006-01-02 15:04 UTC"),
		DateISO: now.Format(time.RFC3339),
		Method:  clean(r.Target.Method),
		URL:     clean(r.Target.URL),
		Status:  statusText(r.Status),
		Command: clean(producedBy(r)),
		Version: clean(o.Version),
		Verbose: o.Verbose,
	}
	v.FinalURL, v.Redirects = finalURL(r)
	v.FinalURL = clean(v.FinalURL)
	vs := verdictSeverity(r)
	v.Verdict = findingHead{Class: severityWord(vs), Label: severityLabel(vs), Text: clean(r.Verdict.Summary)}

	for i := range r.Findings {
		f := &r.Findings[i]
		fv := findingView{
			findingHead: findingHead{Class: severityWord(f.Severity), Label: severityLabel(f.Severity), Text: clean(f.Title)},
			ID:          clean(f.ID),
			Who:         whoText(f.Who, false),
			Detail:      lines(f.Detail),
			Explain:     paragraphs(o.explain(f.ID)),
		}
		for _, ev := range f.Evidence {
			e := exchangeAt(r, ev)
			if e == nil {
				fv.Evidence = append(fv.Evidence, evidenceView{Index: ev})
				continue
			}
			fv.Evidence = append(fv.Evidence, evidenceView{
				Index: ev, Known: true, Method: clean(e.Request.Method), URL: clean(e.Request.URL),
				Status: statusText(e.Status()),
			})
		}
		for _, s := range f.Fix {
			fv.Fix = append(fv.Fix, strings.Join(lines(s), " "))
		}
		for _, s := range f.Refs {
			fv.Refs = append(fv.Refs, clean(s))
		}
		if f.Who == why401.SiteOwner {
			v.Owner = append(v.Owner, fv)
		} else {
			v.Visitor = append(v.Visitor, fv)
		}
	}

	for _, c := range r.Challenges {
		v.Challenges = append(v.Challenges, challengeView{
			Header: challengeHeader(c), Scheme: clean(c.Scheme), Params: clean(challengeParams(c)), Registered: c.Registered,
		})
	}

	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		ev := exchangeView{
			Index:       e.Index,
			Purpose:     clean(e.Purpose),
			Method:      clean(e.Request.Method),
			URL:         clean(e.Request.URL),
			Status:      statusText(e.Status()),
			Error:       clean(e.Error),
			Credentials: credentialText(e),
			Cookies:     cookieText(e),
			Remote:      clean(e.RemoteAddr),
		}
		if e.ElapsedMS > 0 {
			ev.Time = ms(e.ElapsedMS)
		}
		if e.Hop != nil {
			ev.Location = clean(e.Hop.Location)
			ev.CrossOrigin = !e.Hop.SameOrigin
		}
		if o.Verbose {
			ev.Request = append([]string{ev.Method + " " + ev.URL}, headerLines(e.Request.Header)...)
			if e.Response != nil {
				ev.StatusLine = statusText(e.Response.Status)
				if e.Response.Proto != "" {
					ev.StatusLine = clean(e.Response.Proto) + " " + ev.StatusLine
				}
				ev.Response = append([]string{ev.StatusLine}, headerLines(e.Response.Header)...)
			}
		}
		v.Exchanges = append(v.Exchanges, ev)
	}

	for _, n := range r.Notes {
		if ls := lines(n); len(ls) > 0 {
			v.Notes = append(v.Notes, strings.Join(ls, " "))
		}
	}
	return v
}

// paragraphs splits an explanation at blank lines and joins the lines of
// each paragraph, the way Markdown would read them.
func paragraphs(s string) []string {
	var out []string
	var cur []string
	for _, l := range lines(s) {
		if strings.TrimSpace(l) == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, " "))
				cur = nil
			}
			continue
		}
		cur = append(cur, strings.TrimSpace(l))
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// index is "#3", for headings and tables.
func index(i int) string { return "#" + strconv.Itoa(i) }
