package render

import (
	"net/http"
	"time"

	"github.com/why401/why401"
)

// Hand-made reports, one per shape a renderer must handle. They are built
// the way the pipeline builds them (headers already redacted), but by hand,
// so that a renderer test does not depend on checks or the network.

// bodySecret is planted in every response body: no renderer may print it.
const bodySecret = "BODY-SECRET-7f3a9c"

var fixedNow = time.Date(2025, 11, 27, 15, 4, 5, 0, time.UTC)

// explanations stands in for the catalogue's Explain texts.
var explanations = map[string]string{
	"credentials.rejected": "The server received credentials and refused them. The same answer to your " +
		"credentials and to a random user name means the server read both: the problem is the " +
		"credentials, not the way they travel.",
	"cache.cacheable-401": "A 401 without `Cache-Control: no-store` or `private` may be kept by a shared " +
		"cache and served to others.\n\nRFC 9111 lets a cache store a 401 only when it is explicitly " +
		"cacheable, which `max-age` makes it.",
	"bearer.invalid-token": "RFC 6750 §3.1: the access token expired, was revoked, is malformed or is " +
		"not for this resource. A server should not send an error code to a request with no token.",
}

func explain(id string) string { return explanations[id] }

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// reportRejected: Basic credentials rejected, after an http → https
// redirect that dropped the session cookie (a cross-origin hop).
func reportRejected() *why401.Report {
	rules := []why401.ClientRule{
		{Client: "curl", ForwardsAuth: false, ForwardsCookies: false},
		{Client: "browsers", ForwardsAuth: false, ForwardsCookies: true},
		{Client: "Go net/http", ForwardsAuth: true, ForwardsCookies: true},
		{Client: "python-requests", ForwardsAuth: true, ForwardsCookies: true},
	}
	challenge := `Basic realm="Reports", charset="UTF-8"`
	body := []byte("<html><body>401 Authorization Required " + bodySecret + "</body></html>")
	return &why401.Report{
		Schema: why401.Schema,
		Target: why401.Target{URL: "http://intranet.example/reports", Method: "GET"},
		Status: 401,
		Verdict: why401.Verdict{
			ID:      "credentials.rejected",
			Summary: `Your credentials were rejected by the server: Basic realm "Reports"`,
		},
		Challenges: []why401.Challenge{{
			Scheme: "Basic",
			Params: []why401.Param{
				{Name: "realm", Value: "Reports", Quoted: true},
				{Name: "charset", Value: "UTF-8", Quoted: true},
			},
			Registered: true,
		}},
		Exchanges: []why401.Exchange{
			{
				Index: 0, Purpose: why401.PurposeInitial,
				Request: why401.Request{Method: "GET", URL: "http://intranet.example/reports",
					Header: hdr("Accept", "*/*", "User-Agent", "why401/0.1.0", "Cookie", "sid=<redacted>")},
				Response: &why401.Response{Status: 301, Proto: "HTTP/1.1",
					Header: hdr("Location", "https://intranet.example/reports/", "Server", "nginx/1.26.3",
						"Content-Length", "0")},
				RemoteAddr: "192.0.2.10:80", CookiesSent: true, ElapsedMS: 11.6,
				Timing: &why401.Timing{DNS: 1.2, Connect: 3.1, TTFB: 11.2},
				Hop: &why401.Hop{Location: "https://intranet.example/reports/", SameOrigin: false,
					Clients: rules},
			},
			{
				Index: 1, Purpose: why401.PurposeRedirect,
				Request: why401.Request{Method: "GET", URL: "https://intranet.example/reports/",
					Header: hdr("Accept", "*/*", "User-Agent", "why401/0.1.0")},
				Response: &why401.Response{Status: 401, Proto: "HTTP/1.1",
					Header: hdr("Www-Authenticate", challenge, "Content-Type", "text/html",
						"Content-Length", "179", "Server", "nginx/1.26.3"),
					Body: body, BodySize: 179},
				RemoteAddr: "192.0.2.10:443", ElapsedMS: 24.8,
				Timing: &why401.Timing{Connect: 3.0, TLS: 9.4, TTFB: 24.1},
			},
			{
				Index: 2, Purpose: why401.PurposeAnswer,
				Request: why401.Request{Method: "GET", URL: "https://intranet.example/reports/",
					Header: hdr("Accept", "*/*", "User-Agent", "why401/0.1.0", "Authorization", "Basic <redacted>")},
				Response: &why401.Response{Status: 401, Proto: "HTTP/1.1",
					Header: hdr("Www-Authenticate", challenge, "Cache-Control", "max-age=600",
						"Content-Type", "text/html", "Content-Length", "179"),
					Body: body, BodySize: 179},
				RemoteAddr: "192.0.2.10:443", Credential: why401.CredUser, CredentialsSent: true,
				ElapsedMS: 23.9, Timing: &why401.Timing{Reused: true, TTFB: 23.5},
			},
			{
				Index: 3, Purpose: "wrong-credentials",
				Request: why401.Request{Method: "GET", URL: "https://intranet.example/reports/",
					Header: hdr("Accept", "*/*", "User-Agent", "why401/0.1.0", "Authorization", "Basic <redacted>")},
				Response: &why401.Response{Status: 401, Proto: "HTTP/1.1",
					Header: hdr("Www-Authenticate", challenge, "Content-Type", "text/html",
						"Content-Length", "179"),
					Body: body, BodySize: 179},
				RemoteAddr: "192.0.2.10:443", Credential: why401.CredWrong, CredentialsSent: true,
				ElapsedMS: 22.0,
			},
		},
		Findings: []why401.Finding{
			{
				ID: "credentials.rejected", Severity: why401.SeverityError, Who: why401.Visitor,
				Title: "Your credentials were rejected by the server",
				Detail: "Basic realm \"Reports\"\nThe request that carried your credentials (#2) got the same " +
					"401 as a request with a random user name (#3): the server read them and refused them.",
				Fix: []string{
					"Check the user name and password for this site and environment; type them rather than paste them.",
					"If the password was changed or the account is locked, reset it or ask the site owner to unlock it.",
					"Call the final URL directly: `why401 https://intranet.example/reports/ -u USER`.",
				},
				Evidence: []int{2, 3},
				Refs:     []string{"RFC 9110 §11.6.1", "RFC 7617"},
				Check:    "credentials.rejected",
			},
			{
				ID: "redirect.credentials-dropped", Severity: why401.SeverityWarn, Who: why401.Visitor,
				Title: "Cookies were dropped on a redirect to another origin",
				Detail: "http://intranet.example/reports redirected to https://intranet.example/reports/ " +
					"(the scheme changed); the cookie sid was not sent there, as curl would not send it either.",
				Fix: []string{
					"Use the final URL, https://intranet.example/reports/, in your bookmark, script or API client.",
					"Site owner: link to the https URL directly, and answer with 307 or 308 where the method must survive the redirect.",
				},
				Evidence: []int{0, 1},
				Refs:     []string{"RFC 9110 §15.4"},
				Check:    "redirect.credentials-dropped",
			},
			{
				ID: "cache.cacheable-401", Severity: why401.SeverityWarn, Who: why401.SiteOwner,
				Title: "A shared cache may store this 401",
				Detail: "The 401 at #2 carries Cache-Control: max-age=600 without private or no-store: a CDN " +
					"or proxy may serve it to other visitors, even after they log in.",
				Fix: []string{
					"Send `Cache-Control: no-store` on every 401 response.",
					"Purge the cached 401 from the CDN after the change.",
				},
				Evidence: []int{2},
				Refs:     []string{"RFC 9111 §3"},
				Check:    "cache.cacheable-401",
			},
			{
				ID: "challenge.scheme", Severity: why401.SeverityInfo, Who: why401.Visitor,
				Title: "The server asks for Basic authentication",
				Detail: `Basic realm="Reports", charset="UTF-8": a user name and password, sent ` +
					"base64-encoded (not encrypted) with every request; UTF-8 is allowed in them.",
				Fix:      []string{"Give a user name and password with -u USER:PASS."},
				Evidence: []int{1},
				Refs:     []string{"RFC 7617"},
				Check:    "challenge.scheme",
			},
		},
		Notes: []string{
			"Your credentials went out once (#2). One more request (#3) carried a random user name, to tell " +
				"a rejection from credentials that never reached the application.",
		},
		Source: "url",
	}
}

// reportNoneSent: a Bearer API called without a token; the server still
// says error="invalid_token", with a description full of characters that
// Markdown and HTML must show literally.
func reportNoneSent() *why401.Report {
	desc := "The access token expired | see <https://id.example.com/docs#tokens> or run `login`"
	bearer := `Bearer realm="api", error="invalid_token", error_description="` + desc + `"`
	return &why401.Report{
		Schema: why401.Schema,
		Target: why401.Target{URL: "https://api.example.com/v1/orders?page=2&access_token=<redacted>", Method: "GET"},
		Status: 401,
		Verdict: why401.Verdict{
			ID: "credentials.none-sent",
			Summary: "The server wants credentials and none were sent: The API asks for a Bearer token " +
				`(realm "api") and the request carried no Authorization header.`,
		},
		Challenges: []why401.Challenge{
			{
				Scheme: "Bearer",
				Params: []why401.Param{
					{Name: "realm", Value: "api", Quoted: true},
					{Name: "error", Value: "invalid_token", Quoted: true},
					{Name: "error_description", Value: desc, Quoted: true},
				},
				Registered: true,
			},
			{
				Scheme:     "DPoP",
				Params:     []why401.Param{{Name: "algs", Value: "ES256 PS256", Quoted: true}},
				Registered: true,
			},
		},
		Exchanges: []why401.Exchange{{
			Index: 0, Purpose: why401.PurposeInitial,
			Request: why401.Request{Method: "GET", URL: "https://api.example.com/v1/orders?page=2&access_token=<redacted>",
				Header: hdr("Accept", "application/json", "User-Agent", "curl/8.14.1")},
			Response: &why401.Response{Status: 401, Proto: "HTTP/2.0",
				Header: hdr("Www-Authenticate", bearer, "Www-Authenticate", `DPoP algs="ES256 PS256"`,
					"Content-Type", "application/problem+json", "Date", "Thu, 27 Nov 2025 15:04:01 GMT",
					"X-Request-Id", "4f1c2a"),
				Body: []byte(`{"title":"Unauthorized","token":"` + bodySecret + `"}`), BodySize: 97},
			RemoteAddr: "[2001:db8::7]:443", ElapsedMS: 88.4,
			Timing: &why401.Timing{DNS: 4.4, Connect: 20.3, TLS: 41.0, TTFB: 88.0},
		}},
		Findings: []why401.Finding{
			{
				ID: "credentials.none-sent", Severity: why401.SeverityError, Who: why401.Visitor,
				Title:  "The server wants credentials and none were sent",
				Detail: `The API asks for a Bearer token (realm "api") and the request carried no Authorization header.`,
				Fix: []string{
					"Send the token: `why401 curl … --oauth2-bearer TOKEN`, or add `-H 'Authorization: Bearer TOKEN'`.",
					"If the token comes from an environment variable, check that it is set in this shell: an empty variable sends no header.",
				},
				Evidence: []int{0},
				Refs:     []string{"RFC 6750 §3"},
				Check:    "credentials.none-sent",
			},
			{
				ID: "bearer.invalid-token", Severity: why401.SeverityWarn, Who: why401.Visitor,
				Title: "The server says the token is invalid",
				Detail: `error="invalid_token", error_description="` + desc + `"` + "\n" +
					"No token was sent, so the error code describes no token at all; RFC 6750 §3.1 says the " +
					"server should have left it out.",
				Fix: []string{
					"Get a new access token from the identity provider and send it.",
					"If a fresh token gets the same answer, check that it was issued for this API (its audience).",
				},
				Evidence: []int{0},
				Refs:     []string{"RFC 6750 §3.1"},
				Check:    "bearer.invalid-token",
			},
			{
				ID: "challenge.scheme", Severity: why401.SeverityInfo, Who: why401.Visitor,
				Title: "The server asks for a Bearer token, or a DPoP-bound one",
				Detail: "Bearer realm=\"api\": an OAuth 2.0 access token in the Authorization header.\n" +
					"DPoP algs=\"ES256 PS256\": a token bound to a key, with a signed DPoP proof on each request.",
				Fix:      []string{"Send the token with --oauth2-bearer TOKEN."},
				Evidence: []int{0},
				Refs:     []string{"RFC 6750", "RFC 9449"},
				Check:    "challenge.scheme",
			},
			{
				ID: why401.KindCheckSkipped.ID, Severity: why401.KindCheckSkipped.Severity,
				Who: why401.KindCheckSkipped.Who, Title: why401.KindCheckSkipped.Title,
				Detail: "cache.cached-401: the cache-busting probe failed: context deadline exceeded",
				Fix:    why401.KindCheckSkipped.Fix,
				Check:  "cache.cached-401",
			},
		},
		Source: "curl",
	}
}

// reportAccepted: Digest credentials accepted with a 200.
func reportAccepted() *why401.Report {
	challenge := why401.Challenge{
		Scheme: "Digest",
		Params: []why401.Param{
			{Name: "realm", Value: "files@example.org", Quoted: true},
			{Name: "qop", Value: "auth", Quoted: true},
			{Name: "algorithm", Value: "SHA-256"},
			{Name: "nonce", Value: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Quoted: true},
			{Name: "opaque", Value: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Quoted: true},
		},
		Registered: true,
	}
	return &why401.Report{
		Schema: why401.Schema,
		Target: why401.Target{URL: "https://files.example.org/private/report.pdf", Method: "GET"},
		Status: 200,
		Verdict: why401.Verdict{
			ID:      "credentials.accepted",
			Summary: "Your credentials were accepted: Digest (SHA-256, qop=auth) as user alice; the server answered 200 OK.",
		},
		Challenges: []why401.Challenge{challenge},
		Exchanges: []why401.Exchange{
			{
				Index: 0, Purpose: why401.PurposeInitial,
				Request: why401.Request{Method: "GET", URL: "https://files.example.org/private/report.pdf",
					Header: hdr("User-Agent", "why401/0.1.0")},
				Response: &why401.Response{Status: 401, Proto: "HTTP/1.1",
					Header: hdr("Www-Authenticate", challengeString(challenge), "Content-Length", "0")},
				RemoteAddr: "198.51.100.4:443", ElapsedMS: 41.0,
				Timing: &why401.Timing{DNS: 2.0, Connect: 10.1, TLS: 18.3, TTFB: 40.2},
			},
			{
				Index: 1, Purpose: why401.PurposeAnswer,
				Request: why401.Request{Method: "GET", URL: "https://files.example.org/private/report.pdf",
					Header: hdr("User-Agent", "why401/0.1.0", "Authorization", "Digest <redacted>")},
				Response: &why401.Response{Status: 200, Proto: "HTTP/1.1",
					Header: hdr("Content-Type", "application/pdf", "Content-Length", "523441",
						"Set-Cookie", "files_session=<redacted>; Path=/; Secure; HttpOnly"),
					Body: []byte("%PDF-1.7 " + bodySecret), BodySize: 65536, BodyTruncated: true},
				RemoteAddr: "198.51.100.4:443", Credential: why401.CredUser, CredentialsSent: true,
				ElapsedMS: 137.5, Timing: &why401.Timing{Reused: true, TTFB: 37.1},
			},
		},
		Findings: []why401.Finding{
			{
				ID: "credentials.accepted", Severity: why401.SeverityOK, Who: why401.Visitor,
				Title:  "Your credentials were accepted",
				Detail: "Digest (SHA-256, qop=auth) as user alice; the server answered 200 OK.",
				Fix: []string{
					"Nothing to fix. If an application still fails, compare its request with this one (`why401 … -v`).",
				},
				Evidence: []int{1},
				Refs:     []string{"RFC 7616"},
				Check:    "credentials.accepted",
			},
			{
				ID: "challenge.scheme", Severity: why401.SeverityInfo, Who: why401.Visitor,
				Title: "The server asks for Digest authentication",
				Detail: `Digest realm="files@example.org", algorithm=SHA-256, qop="auth": a hash of the ` +
					"password goes over the wire, never the password itself.",
				Fix: []string{
					"Give a user name and password with -u USER:PASS; why401 answers with the strongest algorithm offered.",
				},
				Evidence: []int{0},
				Refs:     []string{"RFC 7616"},
				Check:    "challenge.scheme",
			},
		},
		Source: "url",
	}
}

// reportUnreachable: nothing answered. The pipeline returns such a report
// with nil slices and no findings; the renderers must still say something
// useful and JSON must still show arrays.
func reportUnreachable() *why401.Report {
	return &why401.Report{
		Schema:  why401.Schema,
		Target:  why401.Target{URL: "https://down.example.net/login", Method: "POST"},
		Status:  0,
		Verdict: why401.Verdict{Summary: "No response was received."},
		Exchanges: []why401.Exchange{{
			Index: 0, Purpose: why401.PurposeInitial,
			Request: why401.Request{Method: "POST", URL: "https://down.example.net/login",
				Header:   hdr("Content-Type", "application/x-www-form-urlencoded", "User-Agent", "why401/0.1.0"),
				BodySize: 42},
			RemoteAddr: "203.0.113.7:443",
			ElapsedMS:  3.2,
			Error:      "dial tcp 203.0.113.7:443: connect: connection refused",
		}},
		Notes:  []string{"The target could not be reached, so no check ran."},
		Source: "url",
	}
}

// fixtures are the reports of the golden tests, by file-name prefix.
var fixtures = []struct {
	name   string
	report func() *why401.Report
}{
	{"rejected", reportRejected},
	{"none-sent", reportNoneSent},
	{"accepted", reportAccepted},
	{"unreachable", reportUnreachable},
}
