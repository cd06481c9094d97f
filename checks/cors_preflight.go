package checks

import (
	"fmt"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindCORSPreflight = &why401.Kind{
	ID:       "cors.preflight-401",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The CORS preflight gets 401",
	Explain: "Before a cross-origin request with an Authorization header, a browser sends an OPTIONS preflight " +
		"without credentials (Fetch §4.8: preflights never carry them). A server that demands authentication " +
		"on OPTIONS answers it 401, the preflight fails, and the browser never sends the real request: the " +
		"page sees a CORS error, the API never sees the token. curl and server-side clients work, which makes " +
		"it puzzling.",
	Fix: []string{
		"Site owner: let OPTIONS requests through authentication (answer them before the auth middleware) " +
			"with `Access-Control-Allow-Origin`, `Access-Control-Allow-Headers: authorization` and " +
			"`Access-Control-Allow-Methods`.",
		"Apache: `<LimitExcept OPTIONS> Require valid-user </LimitExcept>`; nginx: `if ($request_method = " +
			"OPTIONS) { return 204; }` with the CORS headers, before auth_basic/auth_request.",
	},
	Refs: []string{"Fetch §4.8 (CORS-preflight fetch)", "RFC 9110 §9.3.7"},
}

// CORSPreflight sends the preflight a browser would send for the request
// (when the user gave --cors-origin or an Origin header) and reports a 401.
var CORSPreflight = &why401.Check{
	ID:    "cors.preflight-401",
	Doc:   "send the CORS preflight a browser would\n\nA 401 to OPTIONS blocks every credentialed cross-origin call.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindCORSPreflight},
	Run: func(p *why401.Pass) error {
		origin := p.Input.CORSOrigin
		if origin == "" {
			origin = p.Input.Header.Get("Origin")
		}
		if origin == "" {
			return nil
		}
		method := p.Input.Method
		if method == "" {
			method = http.MethodGet
		}
		headers := []string{"authorization"}
		for k := range p.Input.Header {
			switch lk := strings.ToLower(k); lk {
			case "accept", "accept-language", "content-language", "origin", "user-agent", "referer":
			default:
				headers = append(headers, lk)
			}
		}
		ex, err := p.Probe(why401.Probe{
			Purpose:     "cors-preflight",
			Method:      http.MethodOptions,
			NoRedirects: true,
			Header: http.Header{
				"Origin":                         {origin},
				"Access-Control-Request-Method":  {strings.ToUpper(method)},
				"Access-Control-Request-Headers": {strings.Join(headers, ",")},
				"Content-Type":                   {},
			},
		})
		if err != nil {
			return err
		}
		e := final(ex)
		if e == nil || e.Status() != http.StatusUnauthorized {
			return nil
		}
		p.Report(kindCORSPreflight, fmt.Sprintf("OPTIONS %s with Origin: %s answered 401.", e.Request.URL, origin), e.Index)
		return nil
	},
}
