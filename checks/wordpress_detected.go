package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	why401 "github.com/why401/why401"
)

var kindWordPress = &why401.Kind{
	ID:       "wordpress.detected",
	Severity: why401.SeverityInfo,
	Who:      why401.SiteOwner,
	Title:    "The site runs WordPress",
	Explain: "WordPress has two logins that work differently. The dashboard (wp-admin, wp-login.php) uses a login " +
		"form and a cookie; HTTP credentials (-u, an Authorization header) are not used there. The REST API " +
		"(/wp-json/) and XML-RPC accept a user name with an Application Password (WordPress 5.6 and later; " +
		"Users → Profile → Application Passwords), not the login password, and only over https unless the site " +
		"is a local environment. Security plugins add lockouts and rules of their own, and many hosts strip the " +
		"Authorization header before PHP sees it.",
	Fix: append([]string{
		"For the REST API: send the login name and an Application Password with -u USER:APP-PASSWORD over https; " +
			"for the dashboard: log in in a browser.",
	}, wpPluginBisect...),
	Refs: []string{"WordPress REST API Handbook: Authentication"},
}

// WordPressDetected says the site is WordPress, from its Link header,
// generator tag, wp-login.php redirects, cookies or REST errors, and what
// that changes for logging in.
var WordPressDetected = &why401.Check{
	ID: "wordpress.detected",
	Doc: "recognise WordPress\n\n" +
		"The REST Link header (rel=\"https://api.w.org/\"), the generator meta tag, wp-login.php, wordpress_* " +
		"cookies or a REST error; explains its two logins and how to find a plugin that refuses.",
	Kinds: []*why401.Kind{kindWordPress},
	Run: func(p *why401.Pass) error {
		signals := wpSignals(p.All())
		if len(signals) == 0 {
			return nil
		}
		var whats []string
		var ev []int
		version := ""
		for _, s := range signals {
			if len(whats) < 3 {
				whats = append(whats, s.what)
				if !slices.Contains(ev, s.index) {
					ev = append(ev, s.index)
				}
			}
			if s.version != "" {
				version = s.version
			}
		}
		detail := "WordPress, recognised by " + strings.Join(whats, ", ") + "."
		var fix []string
		chain := p.Chain()
		if e := final(chain); e != nil && strings.Contains(e.Request.URL, "/wp-login.php") {
			detail += " The request ended on WordPress's login page (wp-login.php): that page logs in with a form " +
				"and a cookie, not with HTTP authentication, so credentials given with -u are not used there."
			fix = append(fix, "Log in through wp-login.php in a browser; for a script, use the REST API "+
				"(/wp-json/…) with an Application Password instead of the dashboard's pages.")
			if wpRedirectedToLogin(chain) {
				fix = append(fix, "If every page redirects to wp-login.php, the site is private (a \"force "+
					"login\" or membership plugin, or a maintenance mode): the site owner can exempt the pages or "+
					"REST routes that must stay public in that plugin's settings.")
			}
		}
		if version != "" && p.Input.Creds.HasUser && wpVersionBefore(version, 5, 6) {
			detail += fmt.Sprintf(" This site says it is WordPress %s: Application Passwords exist only since 5.6.", version)
		}
		p.ReportFix(kindWordPress, detail, fix, ev...)
		return nil
	},
}

// wpRedirectedToLogin reports whether the chain was sent to wp-login.php
// by a redirect.
func wpRedirectedToLogin(chain []why401.Exchange) bool {
	for _, e := range chain {
		if e.Hop != nil && strings.Contains(e.Hop.Location, "/wp-login.php") {
			return true
		}
	}
	return false
}

// wpVersionBefore reports whether a dotted version is before major.minor.
func wpVersionBefore(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 3)
	ma, err := strconv.Atoi(parts[0])
	if err != nil {
		return false
	}
	mi := 0
	if len(parts) > 1 {
		mi, _ = strconv.Atoi(parts[1])
	}
	return ma < major || ma == major && mi < minor
}
