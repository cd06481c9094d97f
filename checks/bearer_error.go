package checks

import (
	"fmt"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var (
	kindBearerInvalidToken = &why401.Kind{
		ID:       "bearer.invalid-token",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The server says the access token is invalid",
		Explain: "error=\"invalid_token\" (RFC 6750 §3.1): the token is expired, revoked, malformed, or " +
			"issued for another audience or issuer. error_description, when present, usually says which.",
		Fix: []string{
			"Get a new token (refresh it, or log in again) and retry.",
			"Check that the token was issued for this API (its audience) and by the issuer this API trusts " +
				"(staging tokens do not work in production).",
		},
		Refs: []string{"RFC 6750 §3.1"},
	}
	kindBearerInsufficientScope = &why401.Kind{
		ID:       "bearer.insufficient-scope",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The token lacks a scope this resource needs",
		Explain: "error=\"insufficient_scope\" (RFC 6750 §3.1): the token is valid but does not grant what " +
			"this request needs; the scope parameter names what is required. RFC 6750 says this SHOULD be a " +
			"403, not a 401: authentication worked, authorization did not.",
		Fix: []string{
			"Request a token with the scopes the challenge names (the scope parameter) and retry.",
			"Site owner: answer insufficient_scope with 403 (RFC 6750 §3.1), so that clients do not retry " +
				"authentication.",
		},
		Refs: []string{"RFC 6750 §3.1", "RFC 9110 §15.5.4"},
	}
	kindBearerInvalidRequest = &why401.Kind{
		ID:       "bearer.invalid-request",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The server says the token request is malformed",
		Explain: "error=\"invalid_request\" (RFC 6750 §3.1): a required parameter is missing, a parameter is " +
			"repeated, or the token was sent in more than one way (header and query). RFC 6750 says this " +
			"SHOULD be a 400.",
		Fix: []string{
			"Send the token once, in the Authorization header: `Authorization: Bearer TOKEN`.",
			"Remove access_token from the query or body when the header is used.",
		},
		Refs: []string{"RFC 6750 §3.1", "RFC 6750 §2"},
	}
)

// BearerError reports the RFC 6750 error code of a Bearer challenge.
var BearerError = &why401.Check{
	ID:    "bearer.error",
	Doc:   "report the Bearer error code\n\nRFC 6750 §3.1 error codes say why a token was refused.",
	Kinds: []*why401.Kind{kindBearerInvalidToken, kindBearerInsufficientScope, kindBearerInvalidRequest},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || (e.Status() != http.StatusUnauthorized && e.Status() != http.StatusForbidden && e.Status() != http.StatusBadRequest) {
			return nil
		}
		cs, _ := challenges(e)
		b, ok := findScheme(cs, "bearer")
		if !ok {
			if b, ok = findScheme(cs, "dpop"); !ok {
				return nil
			}
		}
		code, _ := b.Param("error")
		var k *why401.Kind
		switch strings.ToLower(code) {
		case "invalid_token":
			k = kindBearerInvalidToken
		case "insufficient_scope":
			k = kindBearerInsufficientScope
		case "invalid_request":
			k = kindBearerInvalidRequest
		default:
			return nil
		}
		detail := fmt.Sprintf("The %s challenge says error=%q", b.Scheme, code)
		if d, ok := b.Param("error_description"); ok {
			detail += fmt.Sprintf(" (%s)", d)
		}
		if s, ok := b.Param("scope"); ok {
			detail += fmt.Sprintf("; required scope: %s", s)
		}
		if k == kindBearerInsufficientScope && e.Status() == http.StatusUnauthorized {
			detail += "; sent with 401 where RFC 6750 recommends 403"
		}
		p.Report(k, detail+".", e.Index)
		return nil
	},
}
