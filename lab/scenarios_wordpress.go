package lab

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The WordPress scenarios imitate what testenv/wordpress/README.md measured
// on a real WordPress 6.1.9 behind Apache and PHP-FPM: the REST API's exact
// bodies and headers, no WWW-Authenticate on its 401s, rest_not_logged_in
// for a stripped header and for a wrong Application Password alike, and
// XML-RPC's HTTP 200 success and 403/405 faults.

// wpSite says how an imitated WordPress behaves.
type wpSite struct {
	id string
	// stripped: PHP never sees Authorization (mod_proxy_fcgi without
	// CGIPassAuth, the testenv's port 18280).
	stripped bool
	// earlyUser: a plugin looks at the user early, so a wrong password
	// answers incorrect_password / invalid_username (port 18282).
	earlyUser bool
	// xmlrpc: "" (on), "disabled" (fault 405) or "missing" (404).
	xmlrpc string
	// plainPermalinks: the REST root is ?rest_route=/ instead of /wp-json/.
	plainPermalinks bool
}

// wordpressScenarios reproduce WordPress's REST API answers, the stripped
// Authorization header and the XML-RPC confirmation that tells it from a
// wrong password.
func wordpressScenarios(time.Time) []*Scenario {
	me := "rest_route=/wp/v2/users/me"
	right := Request{User: User, Pass: Password, HasUser: true, Query: me}
	wrong := Request{User: User, Pass: WrongPass, HasUser: true, Query: me}
	return []*Scenario{
		{
			ID: "wp-stripped", Title: "WordPress behind PHP-FPM never sees the Authorization header (right Application Password)",
			Path: "/wp/stripped/", TLS: true, Request: right, Budget: 2,
			Expect:  []string{"header.authorization-stripped", "challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "header.authorization-stripped",
			Handler: func(env *Env) http.Handler { return wpHandler(env, wpSite{id: "wp-stripped", stripped: true}) },
		},
		{
			ID: "wp-wrong-password", Title: "WordPress, a wrong Application Password: rest_not_logged_in, XML-RPC refuses",
			Path: "/wp/wrong/", TLS: true, Request: wrong, Budget: 2,
			Expect:  []string{"credentials.rejected", "challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler { return wpHandler(env, wpSite{id: "wp-wrong-password"}) },
		},
		{
			ID: "wp-accepted", Title: "WordPress with CGIPassAuth On, the right Application Password",
			Path: "/wp/accepted/", TLS: true, Request: right,
			Expect:  []string{"credentials.accepted", "wordpress.detected", "cache.vary-missing"},
			Verdict: "cache.vary-missing",
			Handler: func(env *Env) http.Handler { return wpHandler(env, wpSite{id: "wp-accepted"}) },
		},
		{
			ID: "wp-incorrect-password", Title: "WordPress says incorrect_password: the header arrived, no second channel needed",
			Path: "/wp/incorrect/", TLS: true, Request: wrong,
			Expect:  []string{"credentials.rejected", "challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler {
				return wpHandler(env, wpSite{id: "wp-incorrect-password", earlyUser: true})
			},
		},
		{
			ID: "wp-xmlrpc-disabled", Title: "WordPress, rest_not_logged_in and XML-RPC disabled: cannot be told",
			Path: "/wp/noxmlrpc/", TLS: true, Request: right, Budget: 2,
			Expect: []string{"header.authorization-unverified", "credentials.rejected", "challenge.missing",
				"wordpress.rest-error", "wordpress.detected"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler {
				return wpHandler(env, wpSite{id: "wp-xmlrpc-disabled", stripped: true, xmlrpc: "disabled", plainPermalinks: true})
			},
		},
		{
			ID: "wp-no-credentials", Title: "WordPress REST, no credentials: rest_not_logged_in without a challenge",
			Path: "/wp/anonymous/", TLS: true, Request: Request{Query: me},
			Expect:  []string{"challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "challenge.missing",
			Handler: func(env *Env) http.Handler { return wpHandler(env, wpSite{id: "wp-no-credentials"}) },
		},
		{
			ID: "wp-cookie-nonce", Title: "WordPress REST with a login cookie and an expired X-WP-Nonce",
			Path: "/wp/nonce/", TLS: true,
			Request: Request{Query: me, Cookie: "wordpress_logged_in_5f4dcc3b=alice%7C1700000000%7Cabc%7Cdef",
				Header: map[string]string{"X-WP-Nonce": "0badc0ffee"}},
			Expect:  []string{"status.forbidden", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "status.forbidden",
			Handler: func(env *Env) http.Handler { return wpHandler(env, wpSite{id: "wp-cookie-nonce"}) },
		},
		{
			ID: "wp-rest-huge", Title: "a WordPress REST URL answered 401 with 2 MiB that is not JSON",
			Path: "/wp/huge/", TLS: true, Request: wrong,
			Expect:  []string{"credentials.rejected", "challenge.missing", "wordpress.rest-error", "wordpress.detected"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler { return wpHugeHandler(env, "wp-rest-huge") },
		},
		{
			ID: "wp-login-redirect", Title: "a private WordPress that sends every request to wp-login.php",
			Path: "/wp/private/", TLS: true, Request: Request{User: User, Pass: Password, HasUser: true}, Budget: -1,
			Expect:  []string{"status.soft-401", "wordpress.detected"},
			Verdict: "status.soft-401",
			Handler: func(env *Env) http.Handler { return wpLoginRedirect(env, "wp-login-redirect") },
		},
	}
}

// wpHandler serves an imitated WordPress under the scenario's path: the
// REST route users/me (as ?rest_route= or /wp-json/) and xmlrpc.php. It
// counts every request that carries the user's password, in the
// Authorization header or in an XML-RPC body, and records as violations an
// XML-RPC request that carries an Authorization header or comes before a
// credentialed REST request failed.
func wpHandler(env *Env, site wpSite) http.Handler {
	var mu sync.Mutex
	restFailed := false
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix := wpPrefix(r.URL.Path)
		base := wpBase(r, prefix)
		if strings.HasSuffix(r.URL.Path, "/xmlrpc.php") {
			mu.Lock()
			ok := restFailed
			restFailed = false
			mu.Unlock()
			if !ok {
				env.Violation(site.id, "XML-RPC request before a request with the credentials failed")
			}
			wpXMLRPC(env, site, w, r)
			return
		}
		route := r.URL.Query().Get("rest_route")
		if i := strings.Index(r.URL.Path, "/wp-json/"); i >= 0 {
			route = r.URL.Path[i+len("/wp-json"):]
		}
		route = strings.TrimSuffix(route, "/")
		if route != "/wp/v2/users/me" {
			wpRESTJSON(w, base, site, http.StatusNotFound, `{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}`, false)
			return
		}
		user, pass, sent := wpBasic(r)
		if sent && !probeUser(user) {
			env.Use(site.id)
		}
		if r.Header.Get("X-Wp-Nonce") != "" && r.Header.Get("Cookie") != "" {
			// rest_cookie_check_errors: a nonce that does not verify.
			wpRESTJSON(w, base, site, http.StatusForbidden, `{"code":"rest_cookie_invalid_nonce","message":"Cookie check failed","data":{"status":403}}`, false)
			return
		}
		seen := sent && !site.stripped
		switch {
		case seen && users[user] == pass && user == User:
			w.Header().Set("Allow", "GET, POST, PUT, PATCH, DELETE")
			w.Header().Set("Expires", "Wed, 11 Jan 1984 05:00:00 GMT")
			w.Header().Set("Cache-Control", "no-cache, must-revalidate, max-age=0")
			wpRESTJSON(w, base, site, http.StatusOK, fmt.Sprintf(`{"id":1,"name":"%s","url":"%s","description":"","link":"%sauthor/%s/","slug":"%s","meta":[]}`,
				User, base, base, User, User), true)
			return
		case seen && site.earlyUser && users[user] == "":
			wpRESTJSON(w, base, site, http.StatusUnauthorized, `{"code":"invalid_username","message":"<strong>Error:<\/strong> Unknown username. Check again or try your email address.","data":{"status":401}}`, true)
		case seen && site.earlyUser:
			wpRESTJSON(w, base, site, http.StatusUnauthorized, `{"code":"incorrect_password","message":"The provided password is an invalid application password.","data":{"status":401}}`, true)
		default:
			w.Header().Set("Allow", "GET")
			wpRESTJSON(w, base, site, http.StatusUnauthorized, `{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`, false)
		}
		if sent {
			mu.Lock()
			restFailed = true
			mu.Unlock()
		}
	})
}

// wpPrefix returns the site's path: the scenario path the request is under.
func wpPrefix(path string) string {
	for _, marker := range []string{"/wp-json/", "/xmlrpc.php", "/wp-login.php"} {
		if i := strings.Index(path, marker); i >= 0 {
			return path[:i+1]
		}
	}
	if !strings.HasSuffix(path, "/") {
		path = path[:strings.LastIndex(path, "/")+1]
	}
	return path
}

// wpBase returns the site's home URL as WordPress links it: the scheme and
// host the request came to, and the site's path.
func wpBase(r *http.Request, prefix string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + prefix
}

// wpRESTJSON writes a REST answer with the headers WordPress 6.1.9 sends.
func wpRESTJSON(w http.ResponseWriter, base string, site wpSite, status int, body string, authError bool) {
	h := w.Header()
	h.Set("Server", "Apache/2.4.71 (Debian)")
	h.Set("X-Robots-Tag", "noindex")
	if site.plainPermalinks {
		h.Set("Link", "<"+base+"?rest_route=/>; rel=\"https://api.w.org/\"")
	} else {
		h.Set("Link", "<"+base+"wp-json/>; rel=\"https://api.w.org/\"")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
	h.Set("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")
	if authError {
		h.Del("Allow") // authentication errors come before the route's permission check
	}
	if status != http.StatusOK {
		h.Set("Vary", "Origin")
	}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// wpBasic returns the Basic credentials of a request.
func wpBasic(r *http.Request) (user, pass string, ok bool) {
	a := r.Header.Get("Authorization")
	scheme, rest, _ := strings.Cut(a, " ")
	if !strings.EqualFold(scheme, "basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// wpXMLRPC answers POST /xmlrpc.php like WordPress: wp.getUsersBlogs with
// the right password succeeds, a wrong one faults 403, a disabled XML-RPC
// faults 405; all with HTTP 200.
func wpXMLRPC(env *Env, site wpSite, w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		env.Violation(site.id, "the XML-RPC request carries an Authorization header")
	}
	if site.xmlrpc == "missing" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Server", "Apache/2.4.71 (Debian)")
	if r.Method != http.MethodPost {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "XML-RPC server accepts POST requests only.")
		return
	}
	var call struct {
		Method string   `xml:"methodName"`
		Params []string `xml:"params>param>value>string"`
	}
	if err := xml.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&call); err != nil || len(call.Params) < 2 {
		env.Violation(site.id, "XML-RPC request that is not a wp.getUsersBlogs call")
		wpFault(w, -32700, "parse error. not well formed")
		return
	}
	if !probeUser(call.Params[0]) {
		env.Use(site.id)
	}
	switch {
	case site.xmlrpc == "disabled":
		wpFault(w, 405, "XML-RPC services are disabled on this site.")
	case call.Method != "wp.getUsersBlogs":
		env.Violation(site.id, "XML-RPC method %q, want wp.getUsersBlogs (it changes nothing)", call.Method)
		wpFault(w, -32601, "server error. requested method does not exist.")
	case call.Params[0] == User && call.Params[1] == Password:
		base := wpBase(r, wpPrefix(r.URL.Path))
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <params>
    <param>
      <value>
      <array><data>
  <value><struct>
  <member><name>isAdmin</name><value><boolean>1</boolean></value></member>
  <member><name>url</name><value><string>%s</string></value></member>
  <member><name>blogid</name><value><string>1</string></value></member>
  <member><name>blogName</name><value><string>why401 lab</string></value></member>
  <member><name>xmlrpc</name><value><string>%sxmlrpc.php</string></value></member>
</struct></value>
</data></array>
      </value>
    </param>
  </params>
</methodResponse>
`, base, base)
	default:
		wpFault(w, 403, "Incorrect username or password.")
	}
}

func wpFault(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <fault>
    <value>
      <struct>
        <member>
          <name>faultCode</name>
          <value><int>%d</int></value>
        </member>
        <member>
          <name>faultString</name>
          <value><string>%s</string></value>
        </member>
      </struct>
    </value>
  </fault>
</methodResponse>
`, code, msg)
}

// wpHugeHandler answers the REST URL with 2 MiB of HTML labelled as JSON (a
// PHP error page from a broken plugin), with WordPress's Link header.
func wpHugeHandler(env *Env, id string) http.Handler {
	chunk := strings.Repeat("<div class=\"notice\">Deprecated: something in a plugin</div>\n", 64)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/xmlrpc.php") {
			env.Violation(id, "XML-RPC request although the REST answer was not rest_not_logged_in")
		}
		if user, _, ok := wpBasic(r); ok && !probeUser(user) {
			env.Use(id)
		}
		base := wpBase(r, wpPrefix(r.URL.Path))
		w.Header().Set("Link", "<"+base+"wp-json/>; rel=\"https://api.w.org/\"")
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusUnauthorized)
		for n := 0; n < (2<<20)/len(chunk)+1; n++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
}

// wpLoginRedirect is a WordPress that redirects every request to
// wp-login.php (a "force login" plugin), which answers 200 with its form.
func wpLoginRedirect(env *Env, id string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			env.Violation(id, "credentials sent to a page that never asked for them")
		}
		prefix := wpPrefix(r.URL.Path)
		if !strings.HasSuffix(r.URL.Path, "/wp-login.php") {
			w.Header().Set("X-Redirect-By", "WordPress")
			http.Redirect(w, r, prefix+"wp-login.php?redirect_to="+strings.ReplaceAll(r.URL.Path, "/", "%2F"), http.StatusFound)
			return
		}
		w.Header().Set("Set-Cookie", "wordpress_test_cookie=WP%20Cookie%20check; path="+prefix+"; secure")
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>Log In &lsaquo; why401 lab &#8212; WordPress</title>
<link rel="stylesheet" href="%swp-includes/css/dashicons.min.css" /></head>
<body class="login"><div id="login"><h1><a href="https://wordpress.org/">Powered by WordPress</a></h1>
<form name="loginform" id="loginform" action="%swp-login.php" method="post">
<p><label for="user_login">Username or Email Address</label><input type="text" name="log" id="user_login" /></p>
<div class="user-pass-wrap"><label for="user_pass">Password</label><input type="password" name="pwd" id="user_pass" /></div>
<p class="submit"><input type="submit" name="wp-submit" id="wp-submit" value="Log In" /></p>
</form></div></body></html>
`, prefix, prefix)
	})
}
