package lab

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The security scenarios reproduce the block and lockout answers of
// WordPress security plugins, WAFs and CDNs as REFERENCE.md describes them
// (status, headers, body shape), one per vendor. Every handler refuses
// credentials it should never receive once a lockout has been answered.

// securityScenarios reproduce security layers answering instead of the site.
func securityScenarios(time.Time) []*Scenario {
	me := "rest_route=/wp/v2/users/me"
	withUser := Request{User: User, Pass: Password, HasUser: true}
	return []*Scenario{
		{
			ID: "wordfence-block", Title: "Wordfence's firewall blocks the request (403)", Path: "/sec/wordfence/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden", "wordpress.detected"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "wordfence-block", http.StatusForbidden, map[string]string{"Content-Type": "text/html; charset=UTF-8"}, wordfencePage(
					"Your access to this site has been limited by the site owner",
					"Your access to this site has been limited by the site owner",
					"Block Reason: A potentially unsafe operation has been detected in your request to this site"))
			},
		},
		{
			ID: "wordfence-lockout", Title: "Wordfence has locked the IP out after failed logins (503, Retry-After)",
			Path: "/sec/wordfence-lockout/", TLS: true, Request: Request{User: User, Pass: Password, HasUser: true, Query: me}, Budget: -1,
			Expect:  []string{"security.blocked", "wordpress.detected"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "wordfence-lockout", http.StatusServiceUnavailable,
					map[string]string{"Content-Type": "text/html; charset=UTF-8", "Retry-After": "600"}, wordfencePage(
						"Your access to this service has been temporarily limited. Please try again in a few minutes.",
						"Your access to this service has been temporarily limited. Please try again in a few minutes. (HTTP response code 503)",
						"Reason: Exceeded the maximum number of login failures which is: 20. The last username they tried to sign in with was: 'alice'"))
			},
		},
		{
			ID: "solid-lockout", Title: "Solid Security locks the user out on the answer to the challenge-less 401",
			Path: "/sec/solid-lockout/", TLS: true, Request: Request{User: User, Pass: WrongPass, HasUser: true, Query: me},
			Expect:  []string{"security.blocked", "status.forbidden", "wordpress.detected"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler { return solidLockout(env, "solid-lockout") },
		},
		{
			ID: "solid-rest-restricted", Title: "Solid Security restricts the REST API to logged-in users (itsec_rest_api_access_restricted)",
			Path: "/sec/solid-rest/", TLS: true, Request: Request{Query: "rest_route=/wp/v2/users"},
			Expect:  []string{"security.blocked", "challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") != "" {
						env.Violation("solid-rest-restricted", "credentials sent without being given")
					}
					wpRESTJSON(w, wpBase(r, wpPrefix(r.URL.Path)), wpSite{}, http.StatusUnauthorized,
						`{"code":"itsec_rest_api_access_restricted","message":"You do not have sufficient permission to access this endpoint. Access to REST API requests is restricted by Solid Security settings.","data":{"status":401}}`, false)
				})
			},
		},
		{
			ID: "aios-blocked", Title: "All In One WP Security has blocked the IP address (403)", Path: "/sec/aios/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden", "wordpress.detected"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "aios-blocked", http.StatusForbidden, map[string]string{"Content-Type": "text/html; charset=utf-8"},
					`<!DOCTYPE html><html><head><title>Blocked</title>
<link rel="stylesheet" href="/wp-content/plugins/all-in-one-wp-security-and-firewall/css/wp-security-site-lockout-page.css" /></head>
<body id="error-page"><div class="aiowps-site-lockout-msg"><p><strong>ERROR</strong>: Access from your IP address has been blocked for security reasons. Please contact the administrator.</p></div></body></html>
`)
			},
		},
		{
			ID: "sucuri-block", Title: "Sucuri's website firewall denies access (403, Block ID)", Path: "/sec/sucuri/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "sucuri-block", http.StatusForbidden, map[string]string{
					"Server": "Sucuri/Cloudproxy", "X-Sucuri-Id": "11014", "X-Sucuri-Block": "WAFBL08", "Content-Type": "text/html",
				}, `<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="https://cdn.sucuri.net/sucuri-firewall-block.css" />
<title>Sucuri WebSite Firewall - Access Denied</title></head><body><div id="main-container">
<h2>Access Denied - Sucuri Website Firewall</h2>
<table><tr><td>Your IP:</td><td>127.0.0.1</td></tr><tr><td>Block ID:</td><td>WAFBL08</td></tr>
<tr><td>Block reason:</td><td>Access from your country was disabled by the administrator.</td></tr></table>
</div></body></html>
`)
			},
		},
		{
			ID: "cloudflare-1020", Title: "Cloudflare's firewall rule denies access (error 1020)", Path: "/sec/cloudflare/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "cloudflare-1020", http.StatusForbidden, map[string]string{
					"Server": "cloudflare", "Cf-Ray": "8f1e2d3c4b5a6978-FRA", "Content-Type": "text/html; charset=UTF-8",
				}, `<!DOCTYPE html><html class="no-js" lang="en-US"><head><title>Access denied | 127.0.0.1 used Cloudflare to restrict access</title></head>
<body><div id="cf-wrapper"><div id="cf-error-details" class="p-0"><header><h1><span class="cf-error-type">Error</span> <span class="cf-error-code">1020</span></h1>
<h2 class="cf-subheadline">Access denied</h2></header>
<p>This website is using a security service to protect itself from online attacks.</p>
<div class="cf-error-footer"><span>Cloudflare Ray ID: <strong class="font-semibold">8f1e2d3c4b5a6978</strong></span></div></div></div></body></html>
`)
			},
		},
		{
			ID: "cloudflare-429", Title: "Cloudflare rate-limits the very first request (429, error 1015): no credentials go out",
			Path: "/sec/cloudflare-429/", TLS: true, Request: withUser, Budget: -1,
			Expect:  []string{"security.blocked"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "cloudflare-429", http.StatusTooManyRequests, map[string]string{
					"Server": "cloudflare", "Cf-Ray": "8f1e2d3c4b5a6979-AMS", "Retry-After": "60", "Content-Type": "text/plain; charset=UTF-8",
				}, "error code: 1015")
			},
		},
		{
			ID: "akamai-bot", Title: "Akamai answers non-browser clients with a bare 401, browsers with the page",
			Path: "/sec/akamai-bot/", TLS: true,
			Expect:  []string{"security.blocked", "security.user-agent", "challenge.missing"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return byUserAgent(env, "akamai-bot", map[string]string{"Server": "AkamaiGHost", "Content-Type": "text/html"},
					http.StatusUnauthorized, "")
			},
		},
		{
			ID: "akamai-reference", Title: "Akamai's \"Access Denied … Reference #\" page (403)", Path: "/sec/akamai/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "akamai-reference", http.StatusForbidden, map[string]string{
					"Server": "AkamaiGHost", "Mime-Version": "1.0", "Content-Type": "text/html",
				}, `<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
 
You don't have permission to access "http&#58;&#47;&#47;127&#46;0&#46;0&#46;1&#47;sec&#47;akamai&#47;" on this server.<P>
Reference&#32;&#35;18&#46;2f3c1402&#46;1732715000&#46;5d1e2a
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;2f3c1402&#46;1732715000&#46;5d1e2a</P>
</BODY>
</HTML>
`)
			},
		},
		{
			ID: "modsecurity-user-agent", Title: "a ModSecurity rule refuses non-browser User-Agents (403)", Path: "/sec/modsecurity/", TLS: true,
			Expect:  []string{"security.blocked", "security.user-agent", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return byUserAgent(env, "modsecurity-user-agent", map[string]string{"Server": "Apache", "Content-Type": "text/html; charset=iso-8859-1"},
					http.StatusForbidden, `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>
<p>You don't have permission to access this resource.</p>
<p>Additionally, a 403 Forbidden error was encountered while trying to use an ErrorDocument to handle the request.</p>
<hr><address>This error was generated by Mod_Security.</address></body></html>
`)
			},
		},
		{
			ID: "imperva-block", Title: "Imperva (Incapsula) refuses the request (incident ID)", Path: "/sec/imperva/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "imperva-block", http.StatusForbidden, map[string]string{
					"X-Iinfo": "9-12345678-0 0NNN RT(1732715000000 0) q(0 -1 -1 -1) r(0 -1)", "X-Cdn": "Imperva",
					"Set-Cookie":   "visid_incap_2718281=Zm9vYmFyYmF6cXV4; expires=Fri, 27 Nov 2027 09:00:00 GMT; HttpOnly; path=/; Domain=127.0.0.1; Secure",
					"Content-Type": "text/html",
				}, `<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head>
<body style="margin:0px;height:100%"><iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=27&xinfo=9-12345678-0&incident_id=1288000420-314159265358979&edet=15" frameborder=0 width="100%" height="100%">
Request unsuccessful. Incapsula incident ID: 1288000420-314159265358979</iframe></body></html>
`)
			},
		},
		{
			ID: "aws-waf", Title: "AWS WAF in front of CloudFront blocks the request (403 \"Request blocked\")", Path: "/sec/aws-waf/", TLS: true,
			Expect:  []string{"security.blocked", "status.forbidden"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "aws-waf", http.StatusForbidden, map[string]string{
					"Server": "CloudFront", "X-Cache": "Error from cloudfront", "Via": "1.1 0123456789abcdef.cloudfront.net (CloudFront)",
					"X-Amz-Cf-Pop": "FRA56-P1", "X-Amz-Cf-Id": "Qb9xXyZ1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4aB5cD6e==",
					"Content-Type": "text/html",
				}, `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>
<H1>403 ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
Request blocked.
We can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: Qb9xXyZ1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX3yZ4aB5cD6e==
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>`)
			},
		},
		{
			ID: "f5-asm", Title: "F5 BIG-IP ASM's blocking page, served with status 200", Path: "/sec/f5/", TLS: true,
			Expect:  []string{"security.blocked"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler {
				return secPage(env, "f5-asm", http.StatusOK, map[string]string{
					"Set-Cookie":   "TS01a2b3c4=01d2e3f4a5b6c7d8e9f0; Path=/; Secure; HTTPOnly",
					"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Pragma": "no-cache",
				}, `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: 7081604373495614985<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>`)
			},
		},
		{
			ID: "login-rate-limit", Title: "the answer to the challenge is refused with 429 and a Retry-After date (too many failures)",
			Path: "/sec/login-rate-limit/", TLS: true, Request: withUser,
			Expect:  []string{"security.blocked", "challenge.scheme"},
			Verdict: "security.blocked",
			Handler: func(env *Env) http.Handler { return loginRateLimit(env, "login-rate-limit") },
		},
	}
}

// secPage answers every request with a fixed block page, and records a
// violation when one arrives with credentials: a block page is not a
// challenge, so nothing answers it.
func secPage(env *Env, id string, status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			env.Violation(id, "credentials sent to a block page (%s %s)", r.Method, r.URL.Path)
			if u, _, ok := wpBasic(r); ok && !probeUser(u) {
				env.Use(id)
			}
		}
		if strings.HasSuffix(r.URL.Path, "/xmlrpc.php") {
			env.Violation(id, "an XML-RPC request after a block")
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

// wordfencePage is the shape of Wordfence's block and lockout pages.
func wordfencePage(title, headline, reason string) string {
	return fmt.Sprintf(`<!DOCTYPE html>
<html><head><title>%s</title>
<link rel="stylesheet" href="/wp-content/plugins/wordfence/css/wf-roboto-font.css" type="text/css" media="all" />
</head><body><div id="wf-blocked-page"><h1>%s</h1>
<p>If you think you have been blocked in error, contact the owner of this site for assistance.</p>
<h3>Block Technical Data</h3><table><tr><td>%s</td></tr></table>
<p class="generated">Generated by Wordfence at Fri, 27 Nov 2026 15:00:00 GMT.<br>Your computer's time: <script>document.write(new Date().toUTCString());</script>.</p>
</div></body></html>
`, title, headline, reason)
}

// solidLockout is a REST route that answers the anonymous request with
// rest_not_logged_in and the credentialed one with Solid Security's
// lockout page (wp_die, 403); the scenario's budget of one use fails it on
// any further request with credentials.
func solidLockout(env *Env, id string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := wpBase(r, wpPrefix(r.URL.Path))
		if strings.HasSuffix(r.URL.Path, "/xmlrpc.php") {
			env.Violation(id, "an XML-RPC request with the credentials after a lockout")
		}
		if user, _, ok := wpBasic(r); ok && !probeUser(user) {
			env.Use(id) // the budget (one use) fails the scenario on a second
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="en-US"><head><title>WordPress &rsaquo; Error</title>
<link rel="stylesheet" href="%swp-includes/css/dashicons.min.css" /></head>
<body id="error-page"><div class="wp-die-message">You have been locked out due to too many invalid login attempts.</div></body></html>
`, base)
			return
		}
		wpRESTJSON(w, base, wpSite{}, http.StatusUnauthorized, `{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`, false)
	})
}

// byUserAgent answers browsers (a User-Agent starting "Mozilla/5.0 (") with
// the page and every other client with status and body, as bot managers and
// User-Agent rules do.
func byUserAgent(env *Env, id string, header map[string]string, status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			env.Violation(id, "credentials or cookies sent to a bot rule")
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if strings.HasPrefix(r.UserAgent(), "Mozilla/5.0 (") {
			page(w, "Welcome")
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

// loginRateLimit challenges with Basic and answers a credentialed request
// with 429 and a Retry-After date, after which nothing may carry
// credentials.
func loginRateLimit(env *Env, id string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, ok := wpBasic(r)
		if !ok {
			unauthorized(w, `Basic realm="Members"`)
			return
		}
		if !probeUser(user) {
			env.Use(id)
		}
		w.Header().Set("Retry-After", time.Now().Add(15*time.Minute).UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, "Too many failed login attempts. Try again later.\n")
	})
}
