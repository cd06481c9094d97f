package checks

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
)

// CookieHistory replays the Set-Cookie headers a browser recorded (a HAR:
// the entries before the refusal, in the order they happened) through the
// cookie engine, and says which cookies the browser should have sent with
// the refused request and why each one it did not send was left out:
// expired, Secure on http, Domain, Path, SameSite, refused when it was set,
// or deleted by a later answer (Max-Age=0 in #N). A HAR records names and
// attributes even when it redacts values, which is all this needs.
//
// It speaks only about a recording (exchanges of Purpose why401.PurposeHAR):
// on a live run the client is why401 itself, which sends the cookies it was
// given, and cookie.not-sent and cookie.expired judge those. It is silent
// when the file cannot tell what was sent (a sanitized export).
var CookieHistory = &why401.Check{
	ID: "cookie.history",
	Doc: "replay a recording's Set-Cookie history and name the cookies the refused request lacked\n\n" +
		"For a HAR: which cookies the browser should have sent, and why each missing one was not " +
		"(expired, Secure on http, Domain, Path, SameSite, refused when set, deleted by an earlier answer).",
	Kinds: []*why401.Kind{kindCookieCleared, kindCookieExpired, kindCookieNotSent},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if !refused(e) || e.Purpose != why401.PurposeHAR || e.CredentialsUnknown {
			return nil
		}
		u, err := url.Parse(e.Request.URL)
		if err != nil || u.Hostname() == "" {
			return nil
		}
		h := replayHistory(p.All(), e)
		if h.seen == 0 {
			return nil // no Set-Cookie before the refusal: nothing to compare
		}
		req := browserRequest(e, u, e.Time)
		send, blocked := h.jar.Select(req)
		sent := sentCookieNames(e.Request)
		missing := func(name string) bool { return !slices.Contains(sent, name) }

		var should []string
		for _, c := range send {
			should = append(should, c.Name)
		}
		var (
			expired, notSent, absent   []string // detail lines
			names                      []string // every cookie named, once
			expiredNames, notSentNames []string
			reasons                    []cookies.Reason
		)
		for _, b := range blocked {
			c := b.Cookie
			if !missing(c.Name) || !c.RelatedTo(u) || slices.Contains(names, c.Name) {
				continue
			}
			if b.Reason == cookies.DomainMismatch || b.Reason == cookies.NotOnPath {
				// Scoped elsewhere: only a cause if it was meant for this
				// URL, which a cookie of the same name sent here would
				// show; a cookie for another path is not evidence.
				if !sessionLike(c.Name) {
					continue
				}
			}
			names = append(names, c.Name)
			line := fmt.Sprintf("%s, set by %s: %s, %s", h.describe(c), h.origin(c), b.Reason, explainReason(b.Reason))
			if b.Reason == cookies.Expired {
				line = fmt.Sprintf("%s, set by %s, expired at %s, %s before the request", h.describe(c), h.origin(c),
					c.Expires.UTC().Format("2006-01-02 15:04:05 UTC"), ago(req.Now, c.Expires))
				expired, expiredNames = append(expired, line+"."), append(expiredNames, c.Name)
				continue
			}
			notSent, notSentNames = append(notSent, line), append(notSentNames, c.Name)
			if !slices.Contains(reasons, b.Reason) {
				reasons = append(reasons, b.Reason)
			}
		}
		for _, se := range h.jar.Rejected() {
			if se.Name == "" || !missing(se.Name) || slices.Contains(names, se.Name) || slices.Contains(should, se.Name) {
				continue
			}
			names, notSentNames = append(names, se.Name), append(notSentNames, se.Name)
			notSent = append(notSent, fmt.Sprintf("%s: the browser refused to store it when %s set it: %s, %s",
				shortCookieName(se.Name), se.Source, se.Reason, explainReason(se.Reason)))
			if !slices.Contains(reasons, se.Reason) {
				reasons = append(reasons, se.Reason)
			}
		}
		for _, c := range send {
			// Only a session cookie's absence explains a refusal; a
			// preference or a test cookie left out is not a cause.
			if !missing(c.Name) || slices.Contains(names, c.Name) || !sessionLike(c.Name) {
				continue
			}
			names, notSentNames = append(names, c.Name), append(notSentNames, c.Name)
			absent = append(absent, fmt.Sprintf("%s, set by %s, matches this request but was not in its Cookie header: "+
				"a fetch() or XMLHttpRequest that sends no cookies (credentials: 'omit', or a cross-origin call "+
				"without credentials: 'include'), a script that removed it, or cookies cleared in between", h.describe(c), h.origin(c)))
		}

		// Deletions by earlier answers of cookies the request then lacked.
		// One made by a hop of the refused request itself to a cookie that
		// hop carried is cookie.cleared's own finding.
		var cleared, clearedNames []string
		var clearedEv []int
		for _, d := range h.jar.Deleted() {
			c := d.Cookie
			if !missing(c.Name) || slices.Contains(names, c.Name) || h.resetLater(c) {
				continue
			}
			x := h.byLabel[d.Source]
			if x == nil || !d.Existed && !slices.Contains(sentCookieNames(x.Request), c.Name) {
				continue // a deletion of a cookie the browser may never have had
			}
			if inChain(*x) && slices.Contains(sentCookieNames(x.Request), c.Name) {
				continue // cookie.cleared reports it
			}
			probe := c
			probe.Expires, probe.MaxAgeSet = time.Time{}, false
			if rs := cookies.Check(probe, req); len(rs) > 0 {
				continue // it would not have gone to this URL anyway
			}
			names, clearedNames = append(names, c.Name), append(clearedNames, c.Name)
			cleared = append(cleared, fmt.Sprintf("%s was deleted by %s in the %d answer to %s %s (exchange #%d)",
				shortCookieName(c.Name), d.How, x.Status(), x.Request.Method, x.Request.URL, x.Index))
			clearedEv = append(clearedEv, x.Index)
		}

		// The cause first (the verdict shows the first line), then what
		// the replay says the browser should have sent.
		replayed := fmt.Sprintf("Replaying the recording's Set-Cookie headers, the browser should have sent %s with %s %s; "+
			"the request carried %s.", orNone(should), e.Request.Method, e.Request.URL, orNone(sent))
		if len(cleared) > 0 {
			p.Report(kindCookieCleared, fmt.Sprintf("%s; %s %s then went without %s and was answered %s.\n%s",
				strings.Join(cleared, "; "), e.Request.Method, e.Request.URL, cookieNames(clearedNames), refusalWord(e), replayed),
				append(clearedEv, e.Index)...)
		}
		if len(expired) > 0 {
			p.ReportFix(kindCookieExpired, fmt.Sprintf("%s %s went without the expired %s.\n%s\n%s",
				e.Request.Method, e.Request.URL, cookieNames(expiredNames), strings.Join(expired, "\n"), replayed),
				[]string{"Visitor: log in again: the browser deleted the expired cookie, so the request went without " +
					"it. If it expires right after you log in, check the computer's clock and time zone."}, e.Index)
		}
		if len(notSent)+len(absent) > 0 {
			var steps []string
			for _, r := range reasons {
				if f := historyFix(r, u); f != "" && !slices.Contains(steps, f) {
					steps = append(steps, f)
				}
			}
			lines := append(notSent, absent...)
			p.ReportFix(kindCookieNotSent, fmt.Sprintf("%s %s went without %s, which the browser had for this site.\n%s.\n%s",
				e.Request.Method, e.Request.URL, cookieNames(notSentNames), strings.Join(lines, ".\n"), replayed), steps, e.Index)
		}
		if len(names) == 0 && len(should) > 0 {
			p.Note(replayed + " No session cookie the browser had for this URL is missing.")
		}
		return nil
	},
}

// history is a recording's Set-Cookie headers replayed up to a request.
type history struct {
	jar     cookies.Jar
	seen    int                         // Set-Cookie fields replayed
	byLabel map[string]*why401.Exchange // Source label → the exchange that set it
	sets    []cookies.Cookie            // the cookies stored at the end, for resetLater
}

// replayHistory feeds the Set-Cookie headers of the recorded exchanges
// that ended before target started, oldest first, into a jar.
func replayHistory(all []why401.Exchange, target *why401.Exchange) *history {
	h := &history{byLabel: map[string]*why401.Exchange{}}
	var past []why401.Exchange
	for _, x := range all {
		if x.Index == target.Index || x.Response == nil || !recorded(x) || x.Time.IsZero() || x.Time.After(target.Time) {
			continue
		}
		past = append(past, x)
	}
	sort.SliceStable(past, func(a, b int) bool { return past[a].Time.Before(past[b].Time) })
	for i := range past {
		x := &past[i]
		vs := x.Response.Header.Values("Set-Cookie")
		if len(vs) == 0 {
			continue
		}
		u, err := url.Parse(x.Request.URL)
		if err != nil || u.Hostname() == "" {
			continue
		}
		at := x.Time.Add(time.Duration(x.ElapsedMS * float64(time.Millisecond)))
		if at.After(target.Time) {
			at = target.Time
		}
		label := fmt.Sprintf("#%d", x.Index)
		h.byLabel[label] = x
		h.seen += len(vs)
		h.jar.Receive(browserRequest(x, u, at), vs, label)
	}
	h.sets = h.jar.All()
	return h
}

// recorded reports whether x comes from the recording (the refused request,
// its redirects, or an earlier entry shown as context), as opposed to a
// probe of --replay.
func recorded(x why401.Exchange) bool {
	return x.Purpose == why401.PurposeHAR || x.Purpose == "har-context"
}

// origin names the answer that set a cookie: "#3 (GET https://…/login)".
func (h *history) origin(c cookies.Cookie) string {
	if x := h.byLabel[c.Source]; x != nil {
		return fmt.Sprintf("%s (%s %s)", c.Source, x.Request.Method, x.Request.URL)
	}
	return "an earlier answer"
}

// describe names a cookie with its scope and attributes, not its source
// (origin says that) nor its value.
func (h *history) describe(c cookies.Cookie) string {
	c.Source = ""
	return c.String()
}

// resetLater reports whether the jar holds a live cookie with the deleted
// one's name, domain and path again: set anew after the deletion.
func (h *history) resetLater(c cookies.Cookie) bool {
	for _, s := range h.sets {
		if s.Name == c.Name && s.Domain == c.Domain && s.Path == c.Path {
			return true
		}
	}
	return false
}

// browserRequest is the cookie context of a recorded request: its URL and
// time, and, from the Fetch Metadata headers Chromium and Firefox send,
// whether it came from another site and navigated the top-level page. A
// request without them is taken as same-site.
func browserRequest(x *why401.Exchange, u *url.URL, at time.Time) cookies.Request {
	req := cookies.Request{URL: u, Now: at, Method: x.Request.Method}
	hd := x.Request.Header
	if strings.EqualFold(hd.Get("Sec-Fetch-Site"), "cross-site") || strings.EqualFold(hd.Get("Sec-Fetch-Site"), "same-site") {
		for _, name := range []string{"Origin", "Referer"} {
			if o, err := url.Parse(hd.Get(name)); err == nil && o.Hostname() != "" {
				req.SiteForCookies = o
				break
			}
		}
	}
	req.TopLevelNavigation = strings.EqualFold(hd.Get("Sec-Fetch-Mode"), "navigate") &&
		(hd.Get("Sec-Fetch-Dest") == "" || strings.EqualFold(hd.Get("Sec-Fetch-Dest"), "document"))
	return req
}

// sessionLike reports whether a cookie name reads like a session or login
// cookie, whose absence from a request explains a refusal even when the
// cookie was scoped to another host or path.
func sessionLike(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"sess", "sid", "auth", "token", "login", "logged", "jwt", "user", "remember"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// historyFix is the step for a cookie held back by r, worded for a
// browser recording.
func historyFix(r cookies.Reason, u *url.URL) string {
	switch r {
	case cookies.DomainMismatch, cookies.InvalidDomain:
		return "Site owner: set the session cookie with a `Domain=` that covers " + u.Hostname() +
			" (the parent domain), or serve the login and this URL from one host."
	case cookies.NotOnPath:
		return "Site owner: set the session cookie with `Path=/` (or a prefix of every path that needs it); " +
			"the browser sends it only under its Path."
	case cookies.SecureOnly:
		return "Use https:// for this site: a Secure cookie is neither stored from nor sent to plain http " +
			"(browsers make an exception only for localhost)."
	case cookies.SameSiteNoneInsecure:
		return "Site owner: add `Secure` to cookies with `SameSite=None`: browsers refuse them otherwise."
	case cookies.SameSiteStrict, cookies.SameSiteLax, cookies.SameSiteUnspecifiedTreatedAsLax,
		cookies.SchemefulSameSiteStrict, cookies.SchemefulSameSiteLax, cookies.SchemefulSameSiteUnspecifiedTreatedAsLax:
		return "Site owner: the request comes from another site (or over the other scheme): serve the caller " +
			"from the same site over https, or set the cookie with `SameSite=None; Secure` if it must go along."
	case cookies.ThirdPartyBlocked:
		return "Site owner: the browser blocks third-party cookies: serve the caller from the same site, or " +
			"use a `Partitioned` cookie (CHIPS) or the Storage Access API."
	case cookies.InvalidPrefix:
		return "Site owner: a __Secure- or __Host- cookie needs Secure, https, and for __Host- `Path=/` and " +
			"no Domain."
	case cookies.OverwriteSecure:
		return "Use https:// for this site: plain http may not replace a Secure cookie."
	}
	return ""
}

// explainReason is a reason's sentence, to continue one.
func explainReason(r cookies.Reason) string {
	return strings.TrimSuffix(lowerFirst(r.Explain()), ".")
}

// orNone lists cookie names, or says there were none.
func orNone(names []string) string {
	if len(names) == 0 {
		return "no cookie"
	}
	return cookieNames(names)
}
