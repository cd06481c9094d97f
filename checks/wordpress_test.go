package checks

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	why401 "github.com/why401/why401"
)

func wpTestResp(status int, body string, kv ...string) *why401.Response {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return &why401.Response{Status: status, Header: h, Body: []byte(body), BodySize: int64(len(body)), ContentType: h.Get("Content-Type")}
}

func TestParseRESTErrorReadsWordPressErrors(t *testing.T) {
	cases := []struct {
		name, body string
		truncated  bool
		ok         bool
		want       wpRESTError
	}{
		// Bodies exactly as WordPress 6.1.9 sends them (testenv/wordpress/README.md).
		{"rest_not_logged_in", `{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`, false, true,
			wpRESTError{"rest_not_logged_in", "You are not currently logged in.", 401}},
		{"invalid_username with HTML", `{"code":"invalid_username","message":"<strong>Error:<\/strong> Unknown username. Check again or try your email address.","data":{"status":401}}`, false, true,
			wpRESTError{"invalid_username", "Error: Unknown username. Check again or try your email address.", 401}},
		{"no data", `{"code":"itsec_rest_api_access_restricted","message":"Restricted."}`, false, true,
			wpRESTError{"itsec_rest_api_access_restricted", "Restricted.", 0}},
		{"data null", `{"code":"jwt_auth_no_auth_header","message":"Authorization header not found.","data":null}`, false, true,
			wpRESTError{"jwt_auth_no_auth_header", "Authorization header not found.", 0}},
		{"leading space", "  \n{\"code\":\"rest_forbidden\",\"message\":\"x\",\"data\":{\"status\":403}}", false, true,
			wpRESTError{"rest_forbidden", "x", 403}},
		{"control characters in the message", `{"code":"x","message":"a\u001b[31mb\nc"}`, false, true,
			wpRESTError{"x", "a [31mb c", 0}},

		// Not a REST error.
		{"HTML", `<html><body>401</body></html>`, false, false, wpRESTError{}},
		{"truncated JSON", `{"code":"rest_not_logged_in","message":"You are`, false, false, wpRESTError{}},
		{"cut at the limit", `{"code":"rest_not_logged_in","message":"x","data":{"status":401}}`, true, false, wpRESTError{}},
		{"array", `[{"code":"x"}]`, false, false, wpRESTError{}},
		{"numeric code", `{"code":401,"message":"x"}`, false, false, wpRESTError{}},
		{"code with spaces", `{"code":"not a code","message":"x"}`, false, false, wpRESTError{}},
		{"code too long", `{"code":"` + strings.Repeat("a", 101) + `"}`, false, false, wpRESTError{}},
		{"status out of range", `{"code":"x","data":{"status":1000}}`, false, true, wpRESTError{"x", "", 0}},
	}
	for _, c := range cases {
		r := wpTestResp(401, c.body)
		r.BodyTruncated = c.truncated
		got, ok := wpParseRESTError(r)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: wpParseRESTError = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestPlainTextIsOneShortLine(t *testing.T) {
	long := strings.Repeat("é", 300)
	if got := wpPlain(long, 200); len(got) > 200+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("wpPlain(300×é, 200) = %d bytes, want ≤ 200 and an ellipsis", len(got))
	}
	if got := wpPlain("<b>a</b>&amp;\r\nb", 50); got != "a& b" {
		t.Errorf("wpPlain = %q, want %q", got, "a& b")
	}
}

func TestXMLRPCResultTellsSuccessFromFaults(t *testing.T) {
	success := `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse><params><param><value><array><data><value><struct>
  <member><name>isAdmin</name><value><boolean>1</boolean></value></member>
  <member><name>url</name><value><string>http://127.0.0.1:18280/</string></value></member>
</struct></value></data></array></value></param></params></methodResponse>`
	fault := func(code, tag, msg string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <fault>
    <value>
      <struct>
        <member>
          <name>faultCode</name>
          <value><` + tag + `>` + code + `</` + tag + `></value>
        </member>
        <member>
          <name>faultString</name>
          <value><string>` + msg + `</string></value>
        </member>
      </struct>
    </value>
  </fault>
</methodResponse>`
	}
	cases := []struct {
		name   string
		status int
		body   string
		want   wpXMLRPCOutcome
		code   int
	}{
		{"success", 200, success, wpXMLRPCAccepted, 0},
		{"wrong password", 200, fault("403", "int", "Incorrect username or password."), wpXMLRPCRefused, 403},
		{"wrong password, i4", 200, fault("403", "i4", "Incorrect username or password."), wpXMLRPCRefused, 403},
		{"disabled", 200, fault("405", "int", "XML-RPC services are disabled on this site."), wpXMLRPCDisabled, 405},
		{"other fault", 200, fault("-32601", "int", "server error. requested method does not exist."), wpXMLRPCUnknown, -32601},
		{"no xmlrpc.php", 404, "<html>Not Found</html>", wpXMLRPCUnknown, 0},
		{"a WAF's 403", 403, "<html>Access denied</html>", wpXMLRPCUnknown, 0},
		{"HTML with 200", 200, "<!doctype html><title>Home</title>", wpXMLRPCUnknown, 0},
		{"empty params", 200, `<methodResponse><params></params></methodResponse>`, wpXMLRPCUnknown, 0},
		{"entity bomb is not expanded", 200, `<!DOCTYPE x [<!ENTITY a "aaaa">]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>`, wpXMLRPCUnknown, 0},
	}
	for _, c := range cases {
		e := &why401.Exchange{Response: wpTestResp(c.status, c.body)}
		got, code, _ := wpXMLRPCResult(e)
		if got != c.want || code != c.code {
			t.Errorf("%s: wpXMLRPCResult = %v, fault %d; want %v, fault %d", c.name, got, code, c.want, c.code)
		}
	}
}

func TestGetUsersBlogsEscapesItsArguments(t *testing.T) {
	got := string(wpGetUsersBlogs(`a<b&"c`, `p]]></string>`))
	if strings.Contains(got, `a<b`) || strings.Contains(got, `]]></string></value></param></params>`+"x") {
		t.Errorf("arguments not escaped: %s", got)
	}
	if !strings.Contains(got, "a&lt;b&amp;&#34;c") || !strings.Contains(got, "p]]&gt;&lt;/string&gt;") {
		t.Errorf("wpGetUsersBlogs = %s", got)
	}
}

func TestRESTRootFromTheLinkHeader(t *testing.T) {
	cases := []struct {
		link string
		want string
		ok   bool
	}{
		{`<http://127.0.0.1:18280/wp-json/>; rel="https://api.w.org/"`, "http://127.0.0.1:18280/wp-json/", true},
		{`<https://ex.com/blog/?rest_route=/>; rel="https://api.w.org/"`, "https://ex.com/blog/?rest_route=/", true},
		{`<https://ex.com/?p=1>; rel=shortlink, <https://ex.com/wp-json/>; rel="https://api.w.org/"`, "https://ex.com/wp-json/", true},
		{`<https://ex.com/a,b>; rel="alternate", <https://ex.com/wp-json/>;rel="https://api.w.org/"`, "https://ex.com/wp-json/", true},
		{`<https://ex.com/wp-json/>; rel="alternate"`, "", false},
		{`garbage`, "", false},
	}
	for _, c := range cases {
		h := http.Header{"Link": {c.link}}
		got, ok := wpRESTRoot(h)
		if got != c.want || ok != c.ok {
			t.Errorf("wpRESTRoot(%q) = %q, %v; want %q, %v", c.link, got, ok, c.want, c.ok)
		}
	}
}

func TestXMLRPCEndpointIsBesideTheRESTRoot(t *testing.T) {
	link := func(v string) []why401.Exchange {
		return []why401.Exchange{{Response: wpTestResp(401, "", "Link", v)}}
	}
	cases := []struct {
		name  string
		first string
		chain []why401.Exchange
		want  string
	}{
		{"pretty permalinks in a subdirectory", "https://ex.com/blog/wp-json/wp/v2/users/me",
			link(`<https://ex.com/blog/wp-json/>; rel="https://api.w.org/"`), "https://ex.com/blog/xmlrpc.php"},
		{"plain permalinks", "https://ex.com/?rest_route=/wp/v2/users/me",
			link(`<https://ex.com/?rest_route=/>; rel="https://api.w.org/"`), "https://ex.com/xmlrpc.php"},
		{"relative Link", "https://ex.com/wp-json/wp/v2/users/me",
			link(`</wp-json/>; rel="https://api.w.org/"`), "https://ex.com/xmlrpc.php"},
		{"no Link: from the REST URL", "https://ex.com/site/wp-json/wp/v2/users/me", nil, "https://ex.com/site/xmlrpc.php"},
		{"no Link: from ?rest_route", "https://ex.com/site/index.php?rest_route=/x", nil, "https://ex.com/site/xmlrpc.php"},
		{"X-Pingback", "https://ex.com/page/", []why401.Exchange{{Response: wpTestResp(401, "", "X-Pingback", "https://ex.com/xmlrpc.php")}}, "https://ex.com/xmlrpc.php"},
		{"nothing names it", "https://ex.com/page/", nil, ""},
	}
	for _, c := range cases {
		first, _ := url.Parse(c.first)
		if got := wpXMLRPCEndpoint(first, c.chain); got != c.want {
			t.Errorf("%s: wpXMLRPCEndpoint = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestWordPressSignals(t *testing.T) {
	ex := func(u string, r *why401.Response) why401.Exchange {
		return why401.Exchange{Request: why401.Request{URL: u}, Response: r}
	}
	cases := []struct {
		name string
		ex   why401.Exchange
		want bool
	}{
		{"REST Link", ex("https://ex.com/", wpTestResp(200, "", "Link", `<https://ex.com/wp-json/>; rel="https://api.w.org/"`)), true},
		{"generator", ex("https://ex.com/", wpTestResp(200, `<meta name="generator" content="WordPress 6.1.9" />`, "Content-Type", "text/html")), true},
		{"wp-login redirect", ex("https://ex.com/wp-admin/", wpTestResp(302, "", "Location", "https://ex.com/wp-login.php?redirect_to=x")), true},
		{"cookie", ex("https://ex.com/", wpTestResp(200, "", "Set-Cookie", "wordpress_test_cookie=<redacted>; path=/")), true},
		{"REST error at a REST URL", ex("https://ex.com/wp-json/wp/v2/users/me", wpTestResp(401, `{"code":"rest_not_logged_in","message":"x","data":{"status":401}}`)), true},
		{"a JSON error elsewhere", ex("https://api.ex.com/v1/me", wpTestResp(401, `{"code":"unauthorized","message":"x"}`)), false},
		{"a REST URL alone", ex("https://ex.com/wp-json/wp/v2/users/me", wpTestResp(401, "<html>nope</html>")), false},
		{"nothing", ex("https://ex.com/", wpTestResp(401, "Unauthorized", "WWW-Authenticate", `Basic realm="x"`)), false},
	}
	for _, c := range cases {
		if got := wpIsWordPress([]why401.Exchange{c.ex}); got != c.want {
			t.Errorf("%s: wpIsWordPress = %v, want %v (signals %v)", c.name, got, c.want, wpSignals([]why401.Exchange{c.ex}))
		}
	}
}

func TestVersionBefore(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
	}{{"5.5.3", true}, {"5.6", false}, {"6.1.9", false}, {"4", true}, {"x", false}} {
		if got := wpVersionBefore(c.v, 5, 6); got != c.want {
			t.Errorf("wpVersionBefore(%q, 5, 6) = %v, want %v", c.v, got, c.want)
		}
	}
}

func FuzzParseRESTError(f *testing.F) {
	f.Add(`{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}`)
	f.Add(`{"code":"x","message":"<b>y</b>","data":null}`)
	f.Add(`not json`)
	f.Fuzz(func(t *testing.T, body string) {
		re, ok := wpParseRESTError(wpTestResp(401, body))
		if ok && !reWPRESTCode.MatchString(re.Code) {
			t.Errorf("code %q accepted", re.Code)
		}
		if strings.ContainsAny(re.Message, "\r\n\x1b") {
			t.Errorf("message %q has control characters", re.Message)
		}
	})
}

func FuzzXMLRPCResult(f *testing.F) {
	f.Add(`<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>403</int></value></member></struct></value></fault></methodResponse>`)
	f.Add(`<methodResponse><params><param><value>1</value></param></params></methodResponse>`)
	f.Fuzz(func(t *testing.T, body string) {
		_, _, msg := wpXMLRPCResult(&why401.Exchange{Response: wpTestResp(200, body)})
		if len(msg) > 200+len("…") {
			t.Errorf("fault string of %d bytes", len(msg))
		}
	})
}
