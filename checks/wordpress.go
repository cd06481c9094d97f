package checks

// Helpers shared by the WordPress checks (wordpress.detected,
// wordpress.rest-error, header.authorization-stripped): how WordPress shows
// itself, how its REST API words an error, and its XML-RPC answers.
//
// The facts come from WordPress 6.1.9 as measured in testenv/wordpress
// (README.md there): REST sends no WWW-Authenticate; every REST answer and the
// home page carry Link: <…/wp-json/>; rel="https://api.w.org/"; XML-RPC
// answers HTTP 200 both to success and to a fault.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	why401 "github.com/why401/why401"
)

// wpSignal is one piece of evidence that an answer came from WordPress.
type wpSignal struct {
	what    string // how it is said in a finding: "the REST API's Link header"
	index   int    // the exchange that shows it
	version string // from the generator meta tag, when that is the signal
}

var (
	reWPGenerator = regexp.MustCompile(`(?i)<meta[^>]+name=["']generator["'][^>]+content=["']WordPress ?([0-9][0-9.]{0,15})?`)
	reWPPaths     = regexp.MustCompile(`/wp-(?:content|includes)/`)
	// reWPCookie matches the names of WordPress's own cookies.
	reWPCookie = regexp.MustCompile(`^(?:wordpress_(?:logged_in_|sec_|test_cookie)?|wp-settings-|wp_lang$)`)
)

// wpSignals returns the evidence, in the order of the exchanges, that
// the answers come from WordPress: each kind of signal once.
func wpSignals(exs []why401.Exchange) []wpSignal {
	var out []wpSignal
	seen := map[string]bool{}
	add := func(what string, i int, version string) {
		if !seen[what] {
			seen[what] = true
			out = append(out, wpSignal{what: what, index: i, version: version})
		}
	}
	for _, e := range exs {
		r := e.Response
		if r == nil {
			continue
		}
		if _, ok := wpRESTRoot(r.Header); ok {
			add(`the REST API's Link header (rel="https://api.w.org/")`, e.Index, "")
		}
		if strings.EqualFold(r.Header.Get("X-Redirect-By"), "WordPress") {
			add("X-Redirect-By: WordPress", e.Index, "")
		}
		if loc := r.Header.Get("Location"); strings.Contains(loc, "/wp-login.php") {
			add("a redirect to wp-login.php", e.Index, "")
		}
		if strings.HasSuffix(r.Header.Get("X-Pingback"), "xmlrpc.php") {
			add("the X-Pingback header", e.Index, "")
		}
		for _, sc := range r.Header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(sc, "=")
			if reWPCookie.MatchString(strings.TrimSpace(name)) {
				add("WordPress's cookies ("+strings.TrimSpace(name)+")", e.Index, "")
				break
			}
		}
		if m := reWPGenerator.FindSubmatch(r.Body); m != nil {
			v := string(m[1])
			what := `the generator meta tag ("WordPress")`
			if v != "" {
				what = fmt.Sprintf(`the generator meta tag ("WordPress %s")`, v)
			}
			add(what, e.Index, v)
		} else if wpIsHTML(r) && reWPPaths.Match(r.Body) {
			add("links to /wp-content/ or /wp-includes/", e.Index, "")
		}
		if wpIsRESTURL(e.Request.URL) {
			if _, ok := wpParseRESTError(r); ok {
				add("a REST API error in WordPress's JSON shape", e.Index, "")
			}
		}
	}
	return out
}

// wpIsWordPress reports whether the exchanges show WordPress: one signal from
// the answers, or a REST URL (/wp-json/ or ?rest_route=) answered with a
// WordPress REST error.
func wpIsWordPress(exs []why401.Exchange) bool { return len(wpSignals(exs)) > 0 }

func wpIsHTML(r *why401.Response) bool {
	return strings.Contains(strings.ToLower(r.ContentType), "html")
}

// wpIsRESTURL reports whether a (redacted) request URL addresses the REST API:
// a path with a /wp-json segment, or the rest_route query parameter that
// sites without pretty permalinks use.
func wpIsRESTURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if strings.Contains(u.Path+"/", "/wp-json/") {
		return true
	}
	return u.Query().Has("rest_route")
}

// wpRESTRoot returns the REST API root a response announces in its Link
// header: Link: <https://example.com/wp-json/>; rel="https://api.w.org/"
// (RFC 8288 §3).
func wpRESTRoot(h http.Header) (string, bool) {
	for _, v := range h.Values("Link") {
		for _, link := range wpSplitLinks(v) {
			target, params, ok := strings.Cut(link, ">")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") {
				continue
			}
			for _, p := range strings.Split(params, ";") {
				name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(name), "rel") && strings.Trim(strings.TrimSpace(val), `"`) == "https://api.w.org/" {
					return target[1:], true
				}
			}
		}
	}
	return "", false
}

// wpSplitLinks splits a Link field value at the commas between link-values,
// not at commas inside <…> or quoted strings.
func wpSplitLinks(v string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' && depth == 0:
			quoted = !quoted
		case c == '<' && !quoted:
			depth++
		case c == '>' && !quoted && depth > 0:
			depth--
		case c == ',' && depth == 0 && !quoted:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// wpRESTError is a WordPress REST API error:
//
//	{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}
type wpRESTError struct {
	Code    string
	Message string // plain text: tags removed, entities decoded, at most 200 bytes
	Status  int    // data.status, 0 when absent
}

var reWPRESTCode = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,100}$`)

// wpParseRESTError reads a REST error from a response body. It refuses a body
// that was cut at the probe's limit (the JSON would be incomplete), is not a
// JSON object, or has no code in the shape WordPress uses.
func wpParseRESTError(r *why401.Response) (wpRESTError, bool) {
	if r == nil || r.BodyTruncated {
		return wpRESTError{}, false
	}
	b := bytes.TrimSpace(r.Body)
	if len(b) == 0 || b[0] != '{' {
		return wpRESTError{}, false
	}
	var raw struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return wpRESTError{}, false
	}
	var re wpRESTError
	if json.Unmarshal(raw.Code, &re.Code) != nil || !reWPRESTCode.MatchString(re.Code) {
		return wpRESTError{}, false
	}
	var msg string
	if json.Unmarshal(raw.Message, &msg) == nil {
		re.Message = wpPlain(msg, 200)
	}
	var data struct {
		Status json.Number `json:"status"`
	}
	if len(raw.Data) > 0 && raw.Data[0] == '{' && json.Unmarshal(raw.Data, &data) == nil {
		if n, err := data.Status.Int64(); err == nil && n >= 100 && n <= 599 {
			re.Status = int(n)
		}
	}
	return re, true
}

var reWPTags = regexp.MustCompile(`<[^>]{0,200}>`)

// wpPlain turns an HTML-ish message from outside into one line of plain
// text of at most max bytes: tags removed, entities decoded, control
// characters (a terminal escape, a newline) replaced by spaces.
func wpPlain(s string, max int) string {
	s = html.UnescapeString(reWPTags.ReplaceAllString(s, ""))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// The REST codes that say "no user is logged in" without saying why: on
// WordPress 5.6 and later a stripped Authorization header, a wrong
// Application Password and an unknown user all end in one of them
// (testenv/wordpress/README.md, "Why a wrong Application Password says
// rest_not_logged_in").
var wpNotLoggedInCodes = map[string]bool{
	"rest_not_logged_in":    true,
	"rest_forbidden":        true, // 401 while logged out
	"rest_cannot_access":    true, // plugins restricting the REST API to logged-in users
	"rest_user_cannot_view": true,
	"rest_cannot_view":      true,
}

// Codes such as incorrect_password, invalid_username, invalid_email and
// application_passwords_disabled prove the opposite: WordPress read the
// Authorization header and checked what it carried.

// wpXMLRPCOutcome is what the XML-RPC confirmation said about the credentials.
type wpXMLRPCOutcome int

const (
	wpXMLRPCUnknown  wpXMLRPCOutcome = iota // no answer, not XML-RPC, or an unexpected fault
	wpXMLRPCAccepted                        // a methodResponse with params: the credentials are right
	wpXMLRPCRefused                         // fault 403 "Incorrect username or password."
	wpXMLRPCDisabled                        // fault 405 "XML-RPC services are disabled on this site."
)

// PurposeXMLRPC labels the one request that carries the user's credentials
// in an XML-RPC body.
const PurposeXMLRPC = "wordpress-xmlrpc"

// wpXMLRPCResult reads the answer to wp.getUsersBlogs. WordPress answers HTTP
// 200 to both a success and a fault; anything else (404, a WAF's 403, an
// HTML page) is unknown.
func wpXMLRPCResult(e *why401.Exchange) (outcome wpXMLRPCOutcome, faultCode int, faultString string) {
	if e == nil || e.Response == nil || e.Status() != http.StatusOK || e.Response.BodyTruncated {
		return wpXMLRPCUnknown, 0, ""
	}
	var mr struct {
		XMLName xml.Name `xml:"methodResponse"`
		Params  *struct {
			Param []struct{} `xml:"param"`
		} `xml:"params"`
		Fault *struct {
			Members []struct {
				Name  string `xml:"name"`
				Value struct {
					Int   string `xml:"int"`
					I4    string `xml:"i4"`
					Str   string `xml:"string"`
					Plain string `xml:",chardata"`
				} `xml:"value"`
			} `xml:"value>struct>member"`
		} `xml:"fault"`
	}
	if err := xml.Unmarshal(e.Response.Body, &mr); err != nil {
		return wpXMLRPCUnknown, 0, ""
	}
	switch {
	case mr.Fault != nil:
		for _, m := range mr.Fault.Members {
			switch m.Name {
			case "faultCode":
				v := strings.TrimSpace(m.Value.Int + m.Value.I4)
				fmt.Sscan(v, &faultCode)
			case "faultString":
				s := m.Value.Str
				if s == "" {
					s = m.Value.Plain
				}
				faultString = wpPlain(s, 200)
			}
		}
		switch faultCode {
		case 403:
			return wpXMLRPCRefused, faultCode, faultString
		case 405:
			return wpXMLRPCDisabled, faultCode, faultString
		}
		return wpXMLRPCUnknown, faultCode, faultString
	case mr.Params != nil && len(mr.Params.Param) > 0:
		return wpXMLRPCAccepted, 0, ""
	}
	return wpXMLRPCUnknown, 0, ""
}

// wpGetUsersBlogs returns the XML-RPC call wp.getUsersBlogs(user, password):
// the cheapest authenticated method, which changes nothing on the site.
func wpGetUsersBlogs(user, password string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName><params><param><value><string>`)
	xml.EscapeText(&b, []byte(user))
	b.WriteString(`</string></value></param><param><value><string>`)
	xml.EscapeText(&b, []byte(password))
	b.WriteString(`</string></value></param></params></methodCall>`)
	return b.Bytes()
}

// wpXMLRPCEndpoint returns where the site's xmlrpc.php is, resolved against
// the user's URL: next to the REST root the Link header names (…/wp-json/ or
// …/?rest_route=/), else next to the REST URL the user addressed, else the
// X-Pingback header. It returns "" when nothing names it.
func wpXMLRPCEndpoint(first *url.URL, chain []why401.Exchange) string {
	for i := len(chain) - 1; i >= 0; i-- {
		r := chain[i].Response
		if r == nil {
			continue
		}
		if root, ok := wpRESTRoot(r.Header); ok {
			if u, err := first.Parse(root); err == nil {
				if x := wpXMLRPCBeside(u); x != "" {
					return x
				}
			}
		}
	}
	if x := wpXMLRPCBeside(first); x != "" {
		return x
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if r := chain[i].Response; r != nil {
			if pb := r.Header.Get("X-Pingback"); strings.HasSuffix(pb, "/xmlrpc.php") {
				if u, err := first.Parse(pb); err == nil {
					return u.String()
				}
			}
		}
	}
	return ""
}

// wpXMLRPCBeside returns the xmlrpc.php of the site whose REST URL is u.
func wpXMLRPCBeside(u *url.URL) string {
	x := *u
	x.User, x.RawQuery, x.Fragment, x.RawPath = nil, "", "", ""
	switch {
	case strings.Contains(u.Path+"/", "/wp-json/"):
		i := strings.Index(u.Path+"/", "/wp-json/")
		x.Path = u.Path[:i] + "/xmlrpc.php"
	case u.Query().Has("rest_route"):
		dir := u.Path[:strings.LastIndex(u.Path, "/")+1]
		if dir == "" {
			dir = "/"
		}
		x.Path = dir + "xmlrpc.php"
	default:
		return ""
	}
	return x.String()
}
