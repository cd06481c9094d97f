package checks

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	why401 "github.com/why401/why401"
)

var kindSoft401 = &why401.Kind{
	ID:       "status.soft-401",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A 200 that is really a refusal (a login page or \"access denied\")",
	Explain: "The server answered 200 OK, but the page is a login form or says access is denied: a \"soft " +
		"401\". Applications that use their own login (a session cookie) do this instead of a 401; tools and " +
		"monitors that look only at the status then report success while the visitor sees a login page.",
	Fix: []string{
		"Visitor: log in through that page (in a browser), or send the session cookie it sets (`-b`), or the " +
			"API token the application documents.",
		"Site owner: answer unauthenticated API and non-browser requests with 401 (and a challenge) or 403, " +
			"not a 200 login page.",
	},
	Refs: []string{"RFC 9110 §15.3.1", "RFC 9110 §15.5.2"},
}

var (
	reTitle    = regexp.MustCompile(`(?is)<title[^>]*>(.{0,200}?)</title>`)
	rePassword = regexp.MustCompile(`(?i)<input[^>]+type\s*=\s*["']?password`)
	reRefusal  = regexp.MustCompile(`(?i)\b(access denied|not logged in|authorization required|unauthori[sz]ed|401|log ?in|sign ?in|anmelden|connexion|please authenticate|session (has )?expired)\b`)
)

// StatusSoft401 reports a 200 whose page is a login form or a refusal.
var StatusSoft401 = &why401.Check{
	ID:    "status.soft-401",
	Doc:   "report a 200 login or access-denied page\n\nA soft 401 hides a refusal behind a success status.",
	Kinds: []*why401.Kind{kindSoft401},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || e.Status() != http.StatusOK || len(e.Response.Body) == 0 {
			return nil
		}
		ct := strings.ToLower(e.Response.ContentType)
		if ct != "" && !strings.Contains(ct, "html") && !strings.Contains(ct, "text/plain") {
			return nil
		}
		body := e.Response.Body
		var why []string
		title := ""
		if m := reTitle.FindSubmatch(body); m != nil {
			title = strings.TrimSpace(string(bytes.Join(bytes.Fields(m[1]), []byte(" "))))
		}
		if rePassword.Match(body) {
			why = append(why, "a password field")
		}
		if title != "" && reRefusal.MatchString(title) {
			why = append(why, fmt.Sprintf("the title %q", title))
		} else if len(body) < 2048 {
			if m := reRefusal.Find(body); m != nil && !rePassword.Match(body) {
				why = append(why, fmt.Sprintf("the short page says %q", string(m)))
			}
		}
		if len(why) == 0 {
			return nil
		}
		p.Report(kindSoft401, fmt.Sprintf("%s answered 200 with a page that has %s.", e.Request.URL, strings.Join(why, " and ")), e.Index)
		return nil
	},
}
