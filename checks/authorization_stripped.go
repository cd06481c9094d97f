package checks

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

// The server-side fixes for a stripped Authorization header, each checked on
// the real WordPress of testenv/wordpress (README.md there: CGIPassAuth, the
// SetEnvIf line and the RewriteRule all make users/me answer 200).
var (
	wpFixCGIPassAuth = "Apache with PHP-FPM or FastCGI (mod_proxy_fcgi, mod_fcgid) or CGI: add `CGIPassAuth On` " +
		"(Apache 2.4.13 and later) to the site's <Directory> block or to .htaccess."
	wpFixSetEnvIf = "Apache, where CGIPassAuth is not allowed: `SetEnvIf Authorization \"(.*)\" " +
		"HTTP_AUTHORIZATION=$1` in the virtual host, or in WordPress's .htaccess, before its other rules: " +
		"`RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]` (WordPress 5.6 and later write this line " +
		"themselves when they rewrite .htaccess: Settings → Permalinks → Save Changes)."
	wpFixNginx = "nginx with PHP-FPM: `fastcgi_param HTTP_AUTHORIZATION $http_authorization;` in the location " +
		"that passes requests to PHP (after `include fastcgi_params;`), then `nginx -s reload`."
	wpFixProxy = "A proxy, load balancer, CDN or WAF in front: make it forward the Authorization header " +
		"(look for `proxy_set_header Authorization \"\"` in nginx, `RequestHeader unset Authorization` in Apache, " +
		"or a header policy of the CDN or WAF)."
	wpFixProbe = "To see what PHP receives: a file containing `<?php var_dump(isset($_SERVER['HTTP_AUTHORIZATION']) " +
		"|| isset($_SERVER['PHP_AUTH_USER']));` requested with `curl -u x:y` prints bool(false) while the header " +
		"is lost; delete the file afterwards."
)

var kindStripped = &why401.Kind{
	ID:       "header.authorization-stripped",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The Authorization header never reaches the application",
	Explain: "The credentials are right, but the web server, FastCGI or a proxy removes the Authorization header " +
		"before the application can read it, so every request looks anonymous. The usual cause is PHP run " +
		"through PHP-FPM, FastCGI or CGI: Apache does not pass Authorization to such an application unless " +
		"told to (RFC 3875 lets a CGI server withhold it), and many hosts run PHP that way. On WordPress it shows " +
		"as 401 rest_not_logged_in to a correct Application Password; why401 tells it from a wrong password by " +
		"sending the same user name and password once in the body of an XML-RPC request, a channel that does not " +
		"use the header, and XML-RPC accepted them.",
	Fix:  []string{wpFixCGIPassAuth, wpFixSetEnvIf, wpFixNginx, wpFixProxy, wpFixProbe},
	Refs: []string{"RFC 3875 §4.1.18", "RFC 9110 §11.6.2", "Apache httpd core: CGIPassAuth"},
}

var kindUnverified = &why401.Kind{
	ID:       "header.authorization-unverified",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "A wrong password and a stripped Authorization header cannot be told apart here",
	Explain: "WordPress answers 401 rest_not_logged_in both to a wrong Application Password and to an " +
		"Authorization header that never reached PHP. why401 tells them apart by sending the same credentials " +
		"once in an XML-RPC body, which does not use the header; here that second channel gave no answer " +
		"about the password (XML-RPC disabled, missing, blocked, or the request was not allowed), so either " +
		"cause remains possible.",
	Fix: []string{
		"Visitor: check the Application Password first (Users → Profile → Application Passwords: revoke it and " +
			"create a new one) and that the user name is the login name.",
		"Site owner: rule out a stripped header with a fix that is harmless when the header already arrives: " +
			"`CGIPassAuth On` (Apache) or `fastcgi_param HTTP_AUTHORIZATION $http_authorization;` (nginx).",
		wpFixProbe,
		"Or enable XML-RPC for a moment (remove the plugin setting or the xmlrpc_enabled filter that disables it, " +
			"or the web server rule that blocks xmlrpc.php) and run why401 again.",
	},
	Refs: []string{"RFC 3875 §4.1.18", "RFC 9110 §11.6.2"},
}

// wpXMLRPCReason is why the XML-RPC confirmation carries the user's
// credentials a second time (DESIGN.md §5: on WordPress only, after the
// first attempt failed, over a channel that does not use the header).
const wpXMLRPCReason = "WordPress answered rest_not_logged_in, which a wrong Application Password and a stripped " +
	"Authorization header both give; XML-RPC reads the credentials from the request body"

// AuthorizationStripped tells a stripped Authorization header from a wrong
// password on WordPress, with one XML-RPC request that carries the same
// credentials in its body.
var AuthorizationStripped = &why401.Check{
	ID: "header.authorization-stripped",
	Doc: "tell a stripped Authorization header from a wrong password (WordPress)\n\n" +
		"When WordPress answers the credentials with 401 rest_not_logged_in, sends the same user name and " +
		"password once in an XML-RPC body (wp.getUsersBlogs): accepted means the header is lost on the way, " +
		"a 403 fault means the password is wrong.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindStripped, kindUnverified},
	Run: func(p *why401.Pass) error {
		user, pass, ok := wpUserPassword(p.Input.Creds)
		if !ok {
			return nil // a token cannot be checked over XML-RPC
		}
		chain := p.Answered()
		c := credentialed(chain)
		if c == nil || c.Response == nil || c.Status() != http.StatusUnauthorized {
			return nil
		}
		if cs, _ := challenges(c); len(cs) > 0 {
			return nil // HTTP authentication in front of WordPress answered, not WordPress
		}
		re, ok := wpParseRESTError(c.Response)
		if !ok || !wpNotLoggedInCodes[re.Code] || !wpIsWordPress(chain) {
			return nil // incorrect_password and the like prove the header arrived
		}
		target := wpXMLRPCEndpoint(firstURL(p.Input), chain)
		if target == "" {
			p.Reportf(kindUnverified, []int{c.Index}, "WordPress answered 401 %s to %s, and nothing names the "+
				"site's xmlrpc.php (no REST Link header, no X-Pingback), so the second channel could not be tried.",
				re.Code, wpCredsPhrase(p.Input.Creds))
			return nil
		}
		ex, err := p.Probe(why401.Probe{
			Purpose:     PurposeXMLRPC,
			Method:      http.MethodPost,
			URL:         target,
			Header:      http.Header{"Content-Type": {"text/xml"}, "Accept": {"text/xml, */*"}},
			Credential:  why401.CredUser,
			ExtraUse:    wpXMLRPCReason,
			NoRedirects: true, // the body carries the password: it goes to this URL or nowhere
			Body:        wpGetUsersBlogs(user, pass),
		})
		if errors.Is(err, why401.ErrOffline) {
			return err
		}
		x := final(ex)
		if x != nil {
			p.Note("On WordPress only, after the answer to your credentials failed with 401 " + re.Code +
				", why401 sent your user name and password once more, in the body of one XML-RPC request " +
				"(wp.getUsersBlogs to " + x.Request.URL + "), to tell a stripped Authorization header from a wrong " +
				"password. No other request carried them.")
		}
		if x == nil || x.Response == nil {
			why := "it failed"
			if err != nil {
				why = strings.TrimPrefix(err.Error(), "probe: ")
			}
			p.Reportf(kindUnverified, []int{c.Index}, "WordPress answered 401 %s to %s. The confirming XML-RPC "+
				"request was not sent or got no answer: %s.", re.Code, wpCredsPhrase(p.Input.Creds), why)
			return nil
		}
		outcome, code, msg := wpXMLRPCResult(x)
		ev := []int{c.Index, x.Index}
		switch outcome {
		case wpXMLRPCAccepted:
			p.ReportFix(kindStripped, fmt.Sprintf("WordPress answered 401 %s to %s in the Authorization header, "+
				"but the same user name and password in the body of an XML-RPC request (wp.getUsersBlogs) were "+
				"accepted: the credentials are right, and the header never reached WordPress.%s",
				re.Code, wpCredsPhrase(p.Input.Creds), wpServerSentence(c)), wpServerFix(c), ev...)
		case wpXMLRPCRefused:
			// The password or user name is wrong: credentials.rejected is the
			// answer, and whether the header is also lost cannot be seen.
		case wpXMLRPCDisabled:
			p.Reportf(kindUnverified, ev, "WordPress answered 401 %s to %s, and XML-RPC, the channel that would "+
				"tell a wrong password from a stripped header, is disabled on this site (fault %d %q).",
				re.Code, wpCredsPhrase(p.Input.Creds), code, msg)
		default:
			what := fmt.Sprintf("answered %d %s", x.Status(), http.StatusText(x.Status()))
			switch {
			case code != 0:
				what = fmt.Sprintf("answered with fault %d %q", code, msg)
			case x.Status() == http.StatusOK:
				what = "answered 200 with something that is not an XML-RPC answer"
			case x.Status() == http.StatusNotFound:
				what = "is not there (404)"
			}
			if b, blocked := secFingerprint(x); blocked {
				what += " (" + b.Vendor.Name + " blocks it)"
			}
			p.Reportf(kindUnverified, ev, "WordPress answered 401 %s to %s; the site's xmlrpc.php, which could "+
				"tell a wrong password from a stripped header, %s.", re.Code, wpCredsPhrase(p.Input.Creds), what)
		}
		return nil
	},
}

// wpUserPassword returns the user name and password the user gave: -u, or a
// Basic Authorization header given verbatim.
func wpUserPassword(c why401.Credentials) (user, pass string, ok bool) {
	if c.HasUser {
		return c.User, c.Password.Reveal(), true
	}
	a := strings.TrimSpace(c.Authorization.Reveal())
	if len(a) > 6 && strings.EqualFold(a[:6], "basic ") {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(a[6:]))
		if err != nil {
			return "", "", false
		}
		user, pass, ok = strings.Cut(string(raw), ":")
		return user, pass, ok
	}
	return "", "", false
}

// wpCredsPhrase names the user's credentials in a sentence.
func wpCredsPhrase(c why401.Credentials) string {
	if c.HasUser {
		return fmt.Sprintf("the password of %q", c.User)
	}
	return "your credentials"
}

// wpServerSentence names the server software when the answer says it.
func wpServerSentence(e *why401.Exchange) string {
	s := wpPlain(e.Response.Header.Get("Server"), 60)
	if s == "" {
		return ""
	}
	return " The server says it is " + s + "."
}

// wpServerFix puts the fix for the server software named in Server first.
func wpServerFix(e *why401.Exchange) []string {
	s := strings.ToLower(e.Response.Header.Get("Server"))
	switch {
	case strings.Contains(s, "apache"):
		return []string{"This server says it is Apache: start with CGIPassAuth On; where .htaccess may not use it, " +
			"the SetEnvIf or RewriteRule line below."}
	case strings.Contains(s, "nginx"):
		return []string{"This server says it is nginx: start with the fastcgi_param line below (or, if nginx is " +
			"a proxy in front of Apache, the Apache fixes on that server)."}
	case strings.Contains(s, "litespeed"):
		return []string{"This server says it is LiteSpeed, which reads .htaccess: add " +
			"`RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]` at the top of WordPress's rules."}
	}
	return nil
}
