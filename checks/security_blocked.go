package checks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	why401 "github.com/why401/why401"
)

// wpPluginBisect is the seed's "deactivate your plugins", made exact: how to
// find which WordPress plugin causes a refusal, with or without the
// dashboard.
var wpPluginBisect = []string{
	"WordPress, to find the plugin that refuses: in the dashboard, Plugins → select all → Bulk actions → " +
		"Deactivate; with shell access, `wp plugin list --status=active` then `wp plugin deactivate --all` (WP-CLI); " +
		"when the dashboard itself is locked, rename wp-content/plugins (to plugins.off) over SFTP or the host's " +
		"file manager, which deactivates them all.",
	"Then re-enable the plugins one at a time (rename the folder back first: they come back deactivated), " +
		"retrying after each; the one that brings the refusal back is the cause. Must-use plugins " +
		"(wp-content/mu-plugins) and a firewall loaded with auto_prepend_file are not affected by deactivation.",
}

var kindBlocked = &why401.Kind{
	ID:       "security.blocked",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "A security plugin, WAF or CDN answered instead of the site",
	Explain: "The answer came from a security layer in front of the application, not from its login: a WordPress " +
		"security plugin (Wordfence, Solid Security, All In One WP Security), a web application firewall " +
		"(ModSecurity, Sucuri, Imperva, AWS WAF, F5 BIG-IP) or a CDN's firewall, bot and rate-limit rules " +
		"(Cloudflare, Akamai). It blocks by IP address, by a rule that matched the request, by User-Agent, or after " +
		"too many failed logins (a lockout). Credentials cannot help while the block lasts, and every further " +
		"failed attempt can extend a lockout: why401 sends no credentials after one.",
	Fix: []string{
		"Visitor: do not retry in a loop; after a lockout, wait until it ends (Retry-After, when given). Send the " +
			"site owner the time, your IP address and the reference in the detail.",
		"Site owner: look the block up by that reference in the vendor's log, then allow-list the client's IP " +
			"or correct the rule that matched.",
	},
	Refs: []string{"RFC 6585 §4", "RFC 9110 §10.2.3", "RFC 9110 §15.5.4"},
}

// SecurityBlocked names the security layer that answered the user's
// request, with its lockout and Retry-After.
var SecurityBlocked = &why401.Check{
	ID: "security.blocked",
	Doc: "name the security plugin, WAF or CDN that answered\n\n" +
		"Fingerprints block and lockout pages and headers (Wordfence, Solid Security, All In One WP Security, " +
		"Sucuri, Cloudflare, Akamai, ModSecurity, Imperva, AWS WAF, F5) and reports Retry-After.",
	Kinds: []*why401.Kind{kindBlocked},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		var b secBlock
		found := false
		for i := len(chain) - 1; i >= 0 && !found; i-- {
			b, found = secFingerprint(&chain[i])
		}
		if !found {
			return nil
		}
		e := b.Exchange
		var sb strings.Builder
		name := b.Vendor.Name
		if b.Vendor == vendorRateLimit {
			name = "A rate limit or lockout (the server does not name itself)"
		}
		fmt.Fprintf(&sb, "%s answered %d %s: %s.", secUpperFirst(name), e.Status(), http.StatusText(e.Status()), strings.Join(b.Evidence, ", "))
		if b.Lockout {
			sb.WriteString(" This is a lockout or rate limit: further attempts extend it, so why401 sent no credentials after it.")
			if p.Input.Creds.Any() && !anySent(chain) {
				sb.WriteString(" Your credentials were not sent at all.")
			}
		}
		if ra := secRetryAfter(b.RetryAfter, secAnswerDate(e)); ra != "" {
			sb.WriteString(" " + ra + ".")
		}
		if b.Reference != "" {
			sb.WriteString(" Reference: " + wpPlain(b.Reference, 100) + " (give it to the site owner).")
		}
		var fix []string
		if b.Lockout {
			fix = append(fix, "Do not retry now: each failed attempt can extend the lockout.")
		}
		fix = append(fix, b.Vendor.Allow...)
		if b.Vendor.Plugin || wpIsWordPress(chain) {
			fix = append(fix, wpPluginBisect...)
		}
		p.ReportFix(kindBlocked, sb.String(), fix, e.Index)
		return nil
	},
}

func secUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// secAnswerDate returns the Date of a response, or the zero time.
func secAnswerDate(e *why401.Exchange) (t time.Time) {
	if e == nil || e.Response == nil {
		return t
	}
	d, err := http.ParseTime(e.Response.Header.Get("Date"))
	if err != nil {
		return t
	}
	return d
}
