package checks

import (
	"fmt"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindRESTError = &why401.Kind{
	ID:       "wordpress.rest-error",
	Severity: why401.SeverityInfo,
	Who:      why401.Visitor,
	Title:    "What WordPress's REST API error code means",
	Explain: "WordPress's REST API answers errors as JSON: {\"code\": …, \"message\": …, \"data\": {\"status\": …}}, " +
		"and sends no WWW-Authenticate header with its 401s. The code says more than the status: " +
		"rest_not_logged_in (no user; on WordPress 5.6 and later also what a wrong Application Password, an " +
		"unknown user and a stripped Authorization header give), rest_forbidden (401 logged out, 403 logged in " +
		"without the capability), incorrect_password and invalid_username (the header arrived and was checked), " +
		"rest_cookie_invalid_nonce (a cookie without a valid X-WP-Nonce), application_passwords_disabled, and " +
		"the codes of plugins, such as Solid Security's itsec_*.",
	Fix: []string{
		"The code, not the status, says what to change: each code's steps are in the detail. REST requests " +
			"authenticate with the login name and an Application Password (Users → Profile → Application " +
			"Passwords), not the login password, over https.",
	},
	Refs: []string{"WordPress REST API Handbook: Authentication", "RFC 9110 §15.5.2"},
}

// WordPressRESTError explains the WordPress REST API error code of the
// answer, or says that a REST URL was answered by something else.
var WordPressRESTError = &why401.Check{
	ID: "wordpress.rest-error",
	Doc: "explain a WordPress REST API error code\n\n" +
		"Reads {\"code\",\"message\",\"data\":{\"status\"}} from the answer to a REST request and explains the code; " +
		"a REST URL answered with something that is not a REST error is said too.",
	Kinds: []*why401.Kind{kindRESTError},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := credentialed(chain)
		if e == nil || e.Response == nil {
			e = final(chain)
		}
		if e == nil || e.Response == nil || e.Status() < 400 {
			return nil
		}
		re, ok := wpParseRESTError(e.Response)
		if !ok {
			return wpRESTNotAnError(p, chain, e)
		}
		if !wpIsRESTURL(e.Request.URL) && !wpIsWordPress(chain) {
			return nil // some other API's {"code": …}
		}
		sent := e.CredentialsSent && e.Credential != why401.CredWrong
		detail, fix := wpExplainRESTCode(re, e.Status(), sent, wpCredsPhrase(p.Input.Creds))
		// The first answer, without credentials, when it said something else.
		if sent {
			for _, c := range chain {
				if c.Index != e.Index && !c.CredentialsSent {
					if re0, ok := wpParseRESTError(c.Response); ok && re0.Code != re.Code {
						detail += fmt.Sprintf(" Without credentials it answered %d %s.", c.Status(), re0.Code)
					}
					break
				}
			}
		}
		detail += wpXMLRPCSentence(p.All())
		p.ReportFix(kindRESTError, detail, fix, e.Index)
		return nil
	},
}

// wpRESTNotAnError reports a REST URL of a WordPress site refused with
// something that is not a REST error: a page of the web server, a proxy, a
// security layer, a PHP failure, or a body too large to read.
func wpRESTNotAnError(p *why401.Pass, chain []why401.Exchange, e *why401.Exchange) error {
	st := e.Status()
	if (st != http.StatusUnauthorized && st != http.StatusForbidden) || !wpIsRESTURL(e.Request.URL) || !wpIsWordPress(chain) {
		return nil
	}
	if _, blocked := secFingerprint(e); blocked {
		return nil // security.blocked names who answered
	}
	if cs, _ := challenges(e); len(cs) > 0 {
		return nil // HTTP authentication in front of WordPress: the challenge checks speak
	}
	what := "not JSON"
	switch r := e.Response; {
	case r.BodyTruncated:
		what = fmt.Sprintf("too large to be one (%d KiB or more; a REST error is a few hundred bytes)", r.BodySize>>10)
	case len(r.Body) == 0:
		what = "empty"
	case wpIsHTML(r):
		what = "an HTML page"
	case len(strings.TrimSpace(string(r.Body))) > 0 && strings.TrimSpace(string(r.Body))[0] == '{':
		what = "JSON, but not WordPress's error shape"
	}
	p.ReportFix(kindRESTError, fmt.Sprintf("The REST URL was answered %d with a body that is %s (%s): WordPress's "+
		"REST API did not write it. The web server, a proxy, a security layer or a PHP error answered before "+
		"WordPress could.", st, what, wpPlain(e.Response.ContentType, 60)),
		[]string{"Look at the answer itself (-v shows the exchange); site owner: the web server's and PHP's error " +
			"logs for this request say what answered."}, e.Index)
	return nil
}

// wpExplainRESTCode says what one REST error code means here and what to do.
func wpExplainRESTCode(re wpRESTError, status int, sent bool, what string) (string, []string) {
	head := fmt.Sprintf("WordPress answered %d %s", status, re.Code)
	if re.Message != "" {
		head += fmt.Sprintf(" (%q)", re.Message)
	}
	if sent {
		head += " to " + what
	}
	head += ". "
	appPassword := "Create an Application Password for this user (Users → Profile → Application Passwords) " +
		"and send it with the login name: -u USER:APP-PASSWORD (the spaces WordPress shows may stay or go)."
	switch c := re.Code; {
	case c == "rest_not_logged_in" && !sent:
		return head + "This route needs a logged-in user and the request carried no credentials.",
			[]string{appPassword}
	case c == "rest_not_logged_in" || (wpNotLoggedInCodes[c] && sent && status == http.StatusUnauthorized):
		return head + "WordPress saw no logged-in user although credentials were sent. On WordPress 5.6 and later " +
				"this is the answer to a wrong Application Password, to an unknown user name, to the login password " +
				"(REST does not take it) and to an Authorization header that never reached PHP alike: WordPress " +
				"checks the Application Password only after it has decided the request is anonymous, so this " +
				"answer alone does not say which.",
			[]string{appPassword, "If the password is right, the header is probably stripped on the way: see " +
				"header.authorization-stripped (`why401 explain header.authorization-stripped`)."}
	case c == "rest_forbidden" && status == http.StatusForbidden:
		return head + "A user is logged in, but not one with the capability this route needs (403).",
			[]string{"Use an account whose role can do this (an administrator or editor, depending on the route), " +
				"or ask the site owner to grant the capability."}
	case c == "rest_forbidden":
		return head + "rest_forbidden is 401 when no user is logged in and 403 when the logged-in user lacks the " +
				"capability: here nobody is logged in.",
			[]string{appPassword}
	case c == "rest_cannot_access":
		return head + "A plugin restricts the REST API to logged-in users (Disable REST API, Disable WP REST API " +
				"and similar use this code; the message usually names it).",
			[]string{appPassword, "Site owner: allow this route for anonymous requests in that plugin's settings, if " +
				"it must be public."}
	case c == "incorrect_password":
		return head + "WordPress read the Authorization header (it is not stripped) and the password is not one " +
				"of this user's Application Passwords. The login password is not accepted here.",
			[]string{appPassword, "A revoked or expired Application Password gives the same answer: check it is " +
				"still listed under Users → Profile."}
	case c == "invalid_username" || c == "invalid_email":
		return head + "WordPress read the Authorization header and knows no user by that name or e-mail address.",
			[]string{"Use the login name (Users → All Users, the Username column), not the display name; or the " +
				"account's e-mail address."}
	case c == "rest_cookie_invalid_nonce":
		return head + "A login cookie was sent, and cookie authentication on the REST API also needs a valid " +
				"nonce (X-WP-Nonce header or _wpnonce parameter); this one is expired (nonces last 12 to 24 " +
				"hours), belongs to another user or session, or is missing its login cookie.",
			[]string{"In page scripts, send X-WP-Nonce with a fresh wp_create_nonce('wp_rest') (wpApiSettings.nonce " +
				"when the page loads wp-api); after a new login, reload the page for a new nonce.",
				"For scripts outside the browser, use an Application Password instead of cookies."}
	case c == "application_passwords_disabled":
		return head + "Application Passwords are turned off for the whole site: WordPress offers them only over " +
				"https or when WP_ENVIRONMENT_TYPE is 'local', and a plugin or the " +
				"wp_is_application_passwords_available filter can turn them off.",
			[]string{"Call the site over https.", "Site owner: remove the filter or the security plugin's setting " +
				"that disables Application Passwords."}
	case c == "application_passwords_disabled_for_user":
		return head + "Application Passwords are turned off for this account (the " +
				"wp_is_application_passwords_available_for_user filter, often set by a security plugin for some roles).",
			[]string{"Site owner: allow Application Passwords for this user or role, or use another account."}
	case strings.HasPrefix(c, "itsec"):
		detail := head + "Solid Security (formerly iThemes Security, also Kadence Security) refused the request."
		if c == "itsec_rest_api_access_restricted" {
			detail += " Its REST API setting \"Restricted Access\" lets only logged-in users with the right " +
				"capability read this route."
		}
		return detail, append([]string{appPassword}, vendorSolid.Allow...)
	case strings.HasPrefix(c, "jwt_auth"):
		detail := head + "The JWT Authentication plugin refused the token."
		if strings.Contains(c, "no_auth_header") || strings.Contains(c, "bad_auth_header") {
			detail += " It found no usable Authorization header: the header may be stripped on the way (see " +
				"header.authorization-stripped)."
		}
		return detail, []string{"Get a new token from the plugin's /jwt-auth/v1/token route and send it as " +
			"Authorization: Bearer TOKEN."}
	case strings.HasPrefix(c, "rest_"):
		return head + "This is a WordPress core REST error; its message says what failed.",
			[]string{"Read the message; the route's documentation in the REST API Handbook lists its errors."}
	}
	return head + "This code is not WordPress core's: a plugin or theme wrote it (the prefix usually names it).",
		[]string{"Site owner: search the active plugins for the code, or find the plugin by deactivating them " +
			"one at a time."}
}

// wpXMLRPCSentence says what the XML-RPC confirmation found, if it ran.
func wpXMLRPCSentence(all []why401.Exchange) string {
	for i := range all {
		e := &all[i]
		if e.Purpose != PurposeXMLRPC {
			continue
		}
		switch outcome, code, msg := wpXMLRPCResult(e); outcome {
		case wpXMLRPCAccepted:
			return " The same credentials sent in an XML-RPC body were accepted: they are right, and the header is lost on the way."
		case wpXMLRPCRefused:
			return fmt.Sprintf(" The same credentials sent in an XML-RPC body were refused too (fault %d %q): the user name or the Application Password is wrong.", code, msg)
		case wpXMLRPCDisabled:
			return fmt.Sprintf(" XML-RPC, which could have told a wrong password from a stripped header, is disabled here (fault %d).", code)
		}
		return fmt.Sprintf(" XML-RPC could not tell a wrong password from a stripped header (it answered %d).", e.Status())
	}
	return ""
}
