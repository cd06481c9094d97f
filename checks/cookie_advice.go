package checks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
)

// Advice shared by the cookie and cache kinds: the seed's "clear your
// cookies and cache", narrowed to the one site, per browser. The steps
// name the menus of current releases (Chrome, Edge, Firefox, Safari 18 and
// iOS 18); each clears this site only, so the visitor keeps every other
// login.
var (
	clearSiteCookies = []string{
		"Visitor, Chrome: click the icon left of the address (site information) → Cookies and site data → Manage " +
			"on-device site data → delete this site's entries; or open chrome://settings/content/all, search " +
			"the site and click its trash icon. Then reload and log in.",
		"Visitor, Edge: Settings → Cookies and site permissions → Manage and delete cookies and site data → See all " +
			"cookies and site data, search the site, and delete its entry (the trash icon). Then reload and log in.",
		"Visitor, Firefox: click the padlock in the address bar → Clear cookies and site data… → Remove; or Settings → " +
			"Privacy & Security → Cookies and Site Data → Manage Data…, search the site, Remove Selected, Save " +
			"Changes. Then reload and log in.",
		"Visitor, Safari (Mac): Safari → Settings → Privacy → Manage Website Data…, search the site, Remove, Done. " +
			"iPhone/iPad: Settings → Apps → Safari → Advanced → Website Data, swipe left on the site. Then " +
			"reload and log in.",
		"Visitor, with curl or why401: log in again in the browser, then copy the new Cookie header (DevTools → Network → " +
			"the request → Copy as cURL) or export a fresh cookies.txt, and pass it with -b.",
	}
	// reloadPastCache makes the browser refetch one page instead of
	// reusing a stored answer (a 401 with max-age is stored by browsers
	// too).
	reloadPastCache = []string{
		"Visitor: reload the page past the browser cache (a 401 with max-age may be stored by the browser " +
			"too): Chrome, Edge and Firefox: Ctrl+Shift+R (Mac: Cmd+Shift+R); Safari: Option+Cmd+R.",
	}
	// noStoreOn401 is the header a site owner sends on refusals, with the
	// lines that set it in the common servers.
	noStoreOn401 = "Site owner: send `Cache-Control: no-store` on every 401 (and 403). nginx: `add_header " +
		"Cache-Control \"no-store\" always;` in the protected location (without `always` nginx adds headers " +
		"to 2xx/3xx only); Apache: `Header always set Cache-Control \"no-store\" " +
		"\"expr=%{REQUEST_STATUS} in {'401','403'}\"`; an application: set it in the handler that answers 401."
	// cdnNoErrorCaching keeps refusals out of the common shared caches.
	cdnNoErrorCaching = "Site owner: make the CDN or proxy keep no refusal. CloudFront: a custom error response " +
		"for 401 and 403 with Error caching minimum TTL 0 (the default is 10 s); Cloudflare: a Cache Rule that " +
		"bypasses the cache on the protected paths; Fastly or Varnish: in vcl_backend_response, `if " +
		"(beresp.status == 401 || beresp.status == 403) { set beresp.uncacheable = true; }`; nginx proxy_cache: " +
		"name only success codes in proxy_cache_valid (never `any`)."
	// purgeCDN names the purge of the common CDNs and caches.
	purgeCDN = "Site owner: purge the URL from the cache. Cloudflare: Caching → Configuration → Purge Cache → " +
		"Custom Purge (the URL); CloudFront: `aws cloudfront create-invalidation --distribution-id ID --paths " +
		"'/path*'`; Fastly: `curl -X PURGE URL` or the Purge URL API; Akamai: Fast Purge (Control Center or " +
		"`akamai purge invalidate URL`); Varnish: `varnishadm \"ban req.url ~ ^/path\"`; nginx proxy_cache: " +
		"delete the entry under proxy_cache_path or wait out its validity."
)

// refused reports whether e is a refusal a cookie can explain: 401, 403,
// 407, or a 200 that is a login or access-denied page (a soft 401, read as
// status.soft-401 reads it).
func refused(e *why401.Exchange) bool {
	if e == nil || e.Response == nil {
		return false
	}
	switch e.Status() {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		return true
	case http.StatusOK:
		body := e.Response.Body
		if len(body) == 0 {
			return false
		}
		if rePassword.Match(body) {
			return true
		}
		if m := reTitle.FindSubmatch(body); m != nil && reRefusal.Match(m[1]) {
			return true
		}
	}
	return false
}

// refusalWord says what a refusal was: "401", or "200 with a login page".
func refusalWord(e *why401.Exchange) string {
	if e.Status() == http.StatusOK {
		return "200 with a login or access-denied page"
	}
	return fmt.Sprint(e.Status())
}

// sentCookieNames returns the names in the recorded (redacted) Cookie
// header of a request: redact keeps names and drops values.
func sentCookieNames(r why401.Request) []string {
	var names []string
	for _, v := range r.Header.Values("Cookie") {
		cs, _ := cookies.ParseCookieHeader(v) // a nameless pair is skipped
		for _, c := range cs {
			if c.Name != "" && !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	return names
}

// cookieNames lists the names of the cookies for a sentence: a, b and c.
func cookieNames(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = shortCookieName(n)
	}
	switch len(quoted) {
	case 0:
		return ""
	case 1:
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

// shortCookieName keeps a name readable (names may be up to 4 KiB).
func shortCookieName(n string) string {
	if n == "" {
		return "(nameless)"
	}
	if len(n) > 48 {
		return strings.ToValidUTF8(n[:48], "") + "…"
	}
	return n
}

// describeCookie names a cookie with its scope and source, never its
// value: sid (host example.com, path /app/, Secure, from cookies.txt:3).
func describeCookie(ci why401.CookieInfo) string {
	var attrs []string
	switch {
	case ci.Domain == "":
	case ci.HostOnly:
		attrs = append(attrs, "host "+ci.Domain)
	default:
		attrs = append(attrs, "domain "+ci.Domain)
	}
	if ci.Path != "" {
		attrs = append(attrs, "path "+ci.Path)
	}
	if ci.Secure {
		attrs = append(attrs, "Secure")
	}
	if ci.SameSite != "" {
		attrs = append(attrs, "SameSite="+ci.SameSite)
	}
	if ci.Source != "" {
		attrs = append(attrs, "from "+ci.Source)
	}
	s := shortCookieName(ci.Name)
	if len(attrs) > 0 {
		s += " (" + strings.Join(attrs, ", ") + ")"
	}
	return s
}

// ago says how long before now t was, roughly: "3 minutes", "2 days".
func ago(now, t time.Time) string {
	d := now.Sub(t)
	if d < 0 {
		d = -d
	}
	unit := func(n int, s string) string {
		if n == 1 {
			return "1 " + s
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	switch {
	case d < time.Minute:
		return unit(int(d/time.Second), "second")
	case d < time.Hour:
		return unit(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int(d/time.Hour), "hour")
	}
	return unit(int(d/(24*time.Hour)), "day")
}
