package checks

// Fingerprints of the security layers that answer instead of the
// application: WordPress security plugins, WAFs and CDNs. Each vendor is
// named from what its block page or headers say about it (REFERENCE.md,
// "WAF, bot manager, security plugin"), and comes with how its owner looks
// up a block and allow-lists an IP.

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	why401 "github.com/why401/why401"
)

// secVendor is a security layer why401 can name.
type secVendor struct {
	Name string
	// Plugin is set for a WordPress plugin: the plugin-deactivation advice
	// applies.
	Plugin bool
	// Allow says how the site owner finds the block and allow-lists an IP.
	Allow []string
}

var (
	vendorWordfence = &secVendor{Name: "Wordfence (WordPress plugin)", Plugin: true, Allow: []string{
		"Site owner: Wordfence → Firewall → Blocking (and Tools → Live Traffic) lists the block and its reason; " +
			"remove it there. A locked-out administrator can use the \"Send me an unlock email\" link on the block page.",
		"To allow-list the client's IP: Wordfence → All Options → Firewall Options → \"Allowlisted IP addresses " +
			"that bypass all rules\". Login lockout limits are under Brute Force Protection (by default 20 " +
			"failures in 4 hours lock an IP out for 4 hours).",
		"Locked out of the dashboard: rename wp-content/plugins/wordfence over SFTP; if the firewall is " +
			"optimized, also comment out the auto_prepend_file line (wordfence-waf.php) in .user.ini, " +
			".htaccess or php.ini, or add define('WFWAF_ENABLED', false); to wp-config.php.",
	}}
	vendorSolid = &secVendor{Name: "Solid Security (formerly iThemes Security; also Kadence Security)", Plugin: true, Allow: []string{
		"Site owner: Security → Dashboard → Active Lockouts releases a locked-out host or user.",
		"To allow-list the client's IP: Security → Settings → Global Settings → Authorized Hosts (called " +
			"\"Lockout White List\" in older versions).",
		"REST API refused with itsec_rest_api_access_restricted: Security → Settings → Advanced → WordPress " +
			"Tweaks → REST API → \"Default Access\", or authenticate (an Application Password).",
		"Locked out of the dashboard: add define('ITSEC_DISABLE_MODULES', true); to wp-config.php, log in, " +
			"fix the settings, then remove the line.",
	}}
	vendorAIOS = &secVendor{Name: "All In One WP Security (WordPress plugin)", Plugin: true, Allow: []string{
		"Site owner: WP Security → User Security → Login lockout → Locked IP addresses: unlock the address; the " +
			"same page has the lockout allow-list (\"Login lockout IP whitelist\") for the client's IP.",
		"Locked out of the dashboard: remove the block between \"# BEGIN All In One WP Security\" and \"# END All " +
			"In One WP Security\" from .htaccess and rename wp-content/plugins/all-in-one-wp-security-and-firewall " +
			"over SFTP.",
	}}
	vendorSucuri = &secVendor{Name: "Sucuri Website Firewall", Allow: []string{
		"Site owner: Sucuri dashboard → Firewall → Audit Trails: look up the Block ID to see which rule blocked.",
		"To allow-list the client's IP: Firewall → Access Control → Allowlist IP Address.",
	}}
	vendorCloudflare = &secVendor{Name: "Cloudflare", Allow: []string{
		"Site owner: Cloudflare dashboard → Security → Events: search the Ray ID to see the rule (a WAF custom " +
			"or managed rule, a rate limiting rule, Bot Fight Mode).",
		"To allow-list the client's IP: Security → WAF → Tools → IP Access Rules → Allow, or add a skip rule " +
			"above the blocking one; for a rate limit, raise its threshold or exempt the client.",
	}}
	vendorAkamai = &secVendor{Name: "Akamai", Allow: []string{
		"Site owner: translate the Reference # with Akamai Control Center's diagnostic tools (\"translate " +
			"error string\") to see the rule or Bot Manager decision.",
		"To allow the client: add its IP to a network list on the security configuration's allow path, or " +
			"exempt the API's clients in Bot Manager (Akamai answers non-browser clients with a bare 401 or 403).",
	}}
	vendorModSecurity = &secVendor{Name: "ModSecurity", Allow: []string{
		"Site owner: find the request in the web server's error log (\"ModSecurity: Access denied … [id " +
			"\\\"…\\\"]\") to get the rule ID; exclude that rule for this path (SecRuleRemoveById, or a CRS rule " +
			"exclusion) rather than turning the engine off.",
		"To allow-list the client's IP: a rule such as SecRule REMOTE_ADDR \"@ipMatch 203.0.113.7\" " +
			"\"id:1000,phase:1,pass,nolog,ctl:ruleEngine=Off\"; on shared hosting ask the host (cPanel: ModSecurity).",
	}}
	vendorImperva = &secVendor{Name: "Imperva (Incapsula)", Allow: []string{
		"Site owner: Imperva Cloud Security Console → the site → Security Events: search the incident ID.",
		"To allow-list the client's IP: add it to the site's allow list (WAF settings → exceptions), or adjust " +
			"the bot protection rule that matched.",
	}}
	vendorAWSWAF = &secVendor{Name: "AWS WAF", Allow: []string{
		"Site owner: AWS console → WAF & Shield → Web ACLs → the ACL in front of this site → Sampled requests " +
			"(or the WAF logs): find the rule that blocked.",
		"To allow-list the client's IP: an IP set in an Allow rule placed before the blocking rule, or set the " +
			"rule to Count; a CAPTCHA or Challenge action (x-amzn-waf-action) needs a browser.",
	}}
	vendorF5 = &secVendor{Name: "F5 BIG-IP (ASM / Advanced WAF)", Allow: []string{
		"Site owner: Security → Event Logs → Application → Requests: search the support ID to see the violation.",
		"Accept the request in the policy (Learning and Blocking Settings), or add the client's IP to the " +
			"policy's IP Address Exceptions (\"Never block this IP address\").",
	}}
	vendorRateLimit = &secVendor{Name: "a rate limit", Allow: []string{
		"Site owner: find the rate limit or lockout rule (web server, proxy, fail2ban, a security plugin) and " +
			"release or allow-list the client's IP.",
	}}
)

// secBlock is a security layer's answer found in one exchange.
type secBlock struct {
	Vendor     *secVendor
	Evidence   []string // what shows it: "Server: cloudflare", "error 1020"
	Lockout    bool     // a lockout or rate limit, not a rule match
	RetryAfter string   // the Retry-After value, as sent
	Reference  string   // Ray ID, Reference #, incident ID … for the site owner
	Exchange   *why401.Exchange
}

var (
	reSecCFError    = regexp.MustCompile(`(?i)error(?:\s+code)?:?\s*(10[0-9]{2})\b`)
	reSecAkamaiRef  = regexp.MustCompile(`(?i)reference\s*#\s*([0-9a-f]{1,4}(?:\.[0-9a-f]{1,16}){1,5})`)
	reSecSucuriID   = regexp.MustCompile(`(?i)block\s+id:?\s*([A-Za-z0-9]{3,32})`)
	reSecIncapID    = regexp.MustCompile(`(?i)incident\s+id:?\s*([0-9][0-9-]{2,60})`)
	reSecF5ID       = regexp.MustCompile(`(?i)support\s+id\s+is:?\s*([0-9]{6,30})`)
	reSecRayHeader  = regexp.MustCompile(`^[0-9a-fA-F]{8,32}(?:-[A-Z]{3})?$`)
	reSecCFRayBody  = regexp.MustCompile(`(?i)ray id:?\s*([0-9a-f]{8,32})`)
	reSecAWSRequest = regexp.MustCompile(`(?i)request id:?\s*([A-Za-z0-9_=-]{8,80})`)
	reSecLockout    = regexp.MustCompile(`(?i)locked out|lockout|too many (?:failed |invalid )?(?:login|log-in|sign-in|authentication) attempts|temporarily limited|flagged as a threat|rate.?limited`)
)

// secFingerprint names the security layer that produced e's answer, if one
// did. A CDN's headers alone are not a block: Cloudflare adds cf-ray to
// every answer, the origin's own 401s included; its own error page is.
func secFingerprint(e *why401.Exchange) (secBlock, bool) {
	if e == nil || e.Response == nil {
		return secBlock{}, false
	}
	r := e.Response
	h := r.Header
	status := r.Status
	// Phrases are looked for in the page's visible text, with entities
	// decoded ("Reference&#32;&#35;18…" reads as it shows) and tags, scripts
	// and styles removed; markup and asset paths in the body itself.
	body := strings.ToLower(html.UnescapeString(string(r.Body)))
	vis := secVisibleText(r.Body)
	text := strings.ToLower(vis)
	server := strings.ToLower(h.Get("Server"))
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(text, x) {
				return true
			}
		}
		return false
	}
	inBody := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(body, x) {
				return true
			}
		}
		return false
	}
	cookie := func(prefix string) bool {
		for _, sc := range h.Values("Set-Cookie") {
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(sc)), prefix) {
				return true
			}
		}
		return false
	}
	b := secBlock{Exchange: e, RetryAfter: strings.TrimSpace(h.Get("Retry-After"))}
	found := func(v *secVendor, ev ...string) (secBlock, bool) {
		b.Vendor = v
		b.Evidence = append(b.Evidence, ev...)
		if status == http.StatusTooManyRequests || status == 423 || (status >= 400 && reSecLockout.MatchString(text)) {
			b.Lockout = true
		}
		return b, true
	}
	refused := status >= 400

	// WordPress security plugins: their pages say who they are.
	switch {
	case refused && has("generated by wordfence", "your access to this site has been limited",
		"your access to this service has been temporarily limited", "a potentially unsafe operation has been detected in your request to this site"):
		ev := []string{fmt.Sprintf("a %d page written by Wordfence", status)}
		if status == http.StatusServiceUnavailable {
			b.Lockout = true
		}
		return found(vendorWordfence, ev...)
	case refused && (cookie("wfwaf-authcookie") || inBody("/wp-content/plugins/wordfence/")):
		return found(vendorWordfence, fmt.Sprintf("a %d with Wordfence's firewall cookie or assets", status))
	case refused && (strings.HasPrefix(wpRESTCode(r), "itsec") || has("ithemes security", "solid security", "kadence security") ||
		inBody("/wp-content/plugins/better-wp-security/", "/wp-content/plugins/ithemes-security-pro/")):
		ev := fmt.Sprintf("a %d naming Solid Security", status)
		if c := wpRESTCode(r); strings.HasPrefix(c, "itsec") {
			ev = fmt.Sprintf("the REST error code %s (%d)", c, status)
		}
		return found(vendorSolid, ev)
	case refused && has("locked out due to too many invalid login attempts") && inBody(`id="error-page"`, "/wp-content/", "/wp-includes/"):
		return found(vendorSolid, fmt.Sprintf("a %d WordPress lockout page (\"You have been locked out due to too many invalid login attempts\")", status))
	case refused && (has("all in one wp security", "access from your ip address has been blocked for security reasons") || inBody("all-in-one-wp-security", "aiowps")):
		return found(vendorAIOS, fmt.Sprintf("a %d page written by All In One WP Security", status))
	}

	// WAFs and CDNs.
	switch {
	case refused && (h.Get("X-Sucuri-Block") != "" || has("sucuri website firewall") ||
		((h.Get("X-Sucuri-Id") != "" || strings.Contains(server, "sucuri")) && has("access denied", "blocked"))):
		if m := reSecSucuriID.FindStringSubmatch(vis); m != nil {
			b.Reference = "Block ID " + m[1]
		}
		return found(vendorSucuri, secSucuriEvidence(h, status)...)
	case secIsCloudflare(h) && (status == http.StatusTooManyRequests || h.Get("Cf-Mitigated") != "" ||
		(refused && (has("cloudflare ray id", "attention required! | cloudflare", "used cloudflare to restrict access", "error code: 10") || inBody("cf-error-details")))):
		ev := []string{"Server: cloudflare / cf-ray"}
		if m := reSecCFError.FindStringSubmatch(text); m != nil {
			ev = append(ev, "Cloudflare error "+m[1])
			if m[1] == "1015" {
				b.Lockout = true
			}
		}
		if v := h.Get("Cf-Mitigated"); v != "" {
			ev = append(ev, "cf-mitigated: "+wpPlain(v, 40))
		}
		if ray := h.Get("Cf-Ray"); reSecRayHeader.MatchString(ray) {
			b.Reference = "Ray ID " + ray
		} else if m := reSecCFRayBody.FindStringSubmatch(vis); m != nil {
			b.Reference = "Ray ID " + m[1]
		}
		return found(vendorCloudflare, ev...)
	case secIsAkamai(h) && refused && (status == http.StatusUnauthorized && len(h.Values("WWW-Authenticate")) == 0 ||
		has("reference #", "access denied", "you don't have permission to access")):
		ev := []string{"Server: " + wpPlain(h.Get("Server"), 40)}
		if h.Get("Server") == "" {
			ev = []string{"Akamai's headers"}
		}
		if status == http.StatusUnauthorized && len(h.Values("WWW-Authenticate")) == 0 {
			ev = append(ev, "a 401 without a challenge (Akamai's answer to clients it takes for bots)")
		}
		if m := reSecAkamaiRef.FindStringSubmatch(text); m != nil {
			b.Reference = "Reference #" + m[1]
		}
		return found(vendorAkamai, ev...)
	case refused && !secIsAkamai(h) && has("reference #") && has("access denied") && has("you don't have permission to access"):
		// Akamai's error page without its headers (a proxy in between rewrote them).
		if m := reSecAkamaiRef.FindStringSubmatch(text); m != nil {
			b.Reference = "Reference #" + m[1]
		}
		return found(vendorAkamai, "Akamai's \"Access Denied … Reference #\" page")
	case refused && (has("incapsula incident id", "powered by imperva") || inBody("_incapsula_resource") || h.Get("X-Iinfo") != "" ||
		strings.Contains(strings.ToLower(h.Get("X-Cdn")), "incapsula") || strings.Contains(strings.ToLower(h.Get("X-Cdn")), "imperva") ||
		cookie("incap_ses_") || cookie("visid_incap_")):
		if m := reSecIncapID.FindStringSubmatch(vis); m != nil {
			b.Reference = "incident ID " + m[1]
		}
		return found(vendorImperva, fmt.Sprintf("a %d from Imperva (X-Iinfo, incap_ses_ cookies or an incident ID)", status))
	case h.Get("X-Amzn-Waf-Action") != "":
		return found(vendorAWSWAF, "x-amzn-waf-action: "+wpPlain(h.Get("X-Amzn-Waf-Action"), 40))
	case refused && strings.Contains(strings.ToLower(h.Get("X-Cache")), "error from cloudfront") && has("request blocked", "generated by cloudfront"):
		if m := reSecAWSRequest.FindStringSubmatch(vis); m != nil {
			b.Reference = "CloudFront request ID " + m[1]
		} else if id := h.Get("X-Amz-Cf-Id"); id != "" {
			b.Reference = "CloudFront request ID " + wpPlain(id, 80)
		}
		return found(vendorAWSWAF, fmt.Sprintf("a %d \"Request blocked\" page generated by CloudFront", status))
	case status == http.StatusForbidden && strings.HasPrefix(server, "awselb/"):
		return found(vendorAWSWAF, "a 403 from an AWS load balancer (Server: "+wpPlain(h.Get("Server"), 40)+"), where AWS WAF rules run")
	case has("the requested url was rejected. please consult with your administrator"):
		if m := reSecF5ID.FindStringSubmatch(vis); m != nil {
			b.Reference = "support ID " + m[1]
		}
		ev := fmt.Sprintf("a %d \"Request Rejected\" page with a support ID", status)
		if status == http.StatusOK {
			ev = "a 200 \"Request Rejected\" page with a support ID (ASM's default blocking page keeps status 200)"
		}
		return found(vendorF5, ev)
	case refused && (has("mod_security", "modsecurity", "mod security") || strings.Contains(server, "mod_security")):
		return found(vendorModSecurity, fmt.Sprintf("a %d page that names ModSecurity", status))
	}

	// Nobody named: a rate limit or a lockout is still one.
	switch {
	case status == http.StatusTooManyRequests:
		return found(vendorRateLimit, "429 Too Many Requests")
	case status == 423:
		return found(vendorRateLimit, "423 Locked")
	case refused && reSecLockout.MatchString(text):
		m := reSecLockout.FindString(text)
		return found(vendorRateLimit, fmt.Sprintf("a %d page that says %q", status, m))
	}
	return secBlock{}, false
}

// wpRESTCode returns the REST error code of a response, or "".
func wpRESTCode(r *why401.Response) string {
	if re, ok := wpParseRESTError(r); ok {
		return re.Code
	}
	return ""
}

func secIsCloudflare(h http.Header) bool {
	return h.Get("Cf-Ray") != "" || strings.EqualFold(h.Get("Server"), "cloudflare")
}

func secIsAkamai(h http.Header) bool {
	if strings.Contains(strings.ToLower(h.Get("Server")), "akamai") {
		return true
	}
	for k := range h {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "akamai-") || strings.HasPrefix(lk, "x-akamai-") {
			return true
		}
	}
	return false
}

func secSucuriEvidence(h http.Header, status int) []string {
	var ev []string
	if h.Get("X-Sucuri-Id") != "" {
		ev = append(ev, "X-Sucuri-ID")
	}
	if h.Get("X-Sucuri-Block") != "" {
		ev = append(ev, "X-Sucuri-Block")
	}
	if s := h.Get("Server"); strings.Contains(strings.ToLower(s), "sucuri") {
		ev = append(ev, "Server: "+wpPlain(s, 40))
	}
	return append(ev, fmt.Sprintf("a %d \"Access Denied\" page", status))
}

// secRetryAfter explains a Retry-After value (RFC 9110 §10.2.3: delay-seconds
// or an HTTP-date), measured against the answer's Date when it is a date.
func secRetryAfter(v string, date time.Time) string {
	if v == "" {
		return ""
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return fmt.Sprintf("Retry-After: %d (wait %s)", n, secDuration(time.Duration(n)*time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if !date.IsZero() && t.After(date) {
			return fmt.Sprintf("Retry-After: %s (wait %s)", t.UTC().Format(time.RFC1123), secDuration(t.Sub(date)))
		}
		return "Retry-After: " + t.UTC().Format(time.RFC1123)
	}
	return fmt.Sprintf("Retry-After: %q (not a number of seconds or a date)", wpPlain(v, 40))
}

func secDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// secBrowserUA is a current desktop Chrome's User-Agent (Chrome reduces
// the version to MAJOR.0.0.0) and the Accept it sends for a page.
const (
	secBrowserUA     = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
	secBrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8"
)

// secIsBrowserUA reports whether ua already looks like a browser's.
func secIsBrowserUA(ua string) bool {
	return strings.HasPrefix(ua, "Mozilla/5.0 (")
}

var (
	reSecScript = regexp.MustCompile(`(?is)<(script|style)\b.*?</(?:script|style)\s*>`)
	reSecTag    = regexp.MustCompile(`<[^>]*>`)
)

// secVisibleText returns the text a browser would show of a page, with
// entities decoded and runs of white space made one space.
func secVisibleText(body []byte) string {
	t := reSecScript.ReplaceAllString(string(body), " ")
	t = reSecTag.ReplaceAllString(t, " ")
	t = html.UnescapeString(t)
	return strings.Join(strings.Fields(t), " ")
}
