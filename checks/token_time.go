package checks

import (
	"net/http"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/jwt"
)

var (
	kindTokenExpired = &why401.Kind{
		ID:       "token.expired",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The token has expired",
		Explain: "The token is a JWT whose exp claim (RFC 7519 §4.1.4) is earlier than the server's clock (its " +
			"Date header). Servers refuse expired tokens, usually with a 401 and error=\"invalid_token\".",
		Fix: []string{
			"Get a new token: use the refresh token, or log in again.",
			"If the token should still be valid, compare the clocks: a client or server clock that is off by " +
				"minutes makes fresh tokens look expired (sync with NTP).",
		},
		Refs: []string{"RFC 7519 §4.1.4", "RFC 6750 §3.1"},
	}
	kindTokenNotYetValid = &why401.Kind{
		ID:       "token.not-yet-valid",
		Severity: why401.SeverityError,
		Who:      why401.SiteOwner,
		Title:    "The token is not valid yet",
		Explain: "The JWT's nbf (not before, RFC 7519 §4.1.5) or iat is later than the server's clock: the " +
			"issuer's clock runs ahead of the server's (or the server's behind). Servers refuse such tokens " +
			"until the time comes.",
		Fix: []string{
			"Synchronise the clocks of the token issuer and of the API servers (NTP).",
			"Allow a small leeway (30–60 s) when validating nbf/iat.",
		},
		Refs: []string{"RFC 7519 §4.1.5", "RFC 7519 §4.1.6"},
	}
)

// TokenTime reports a JWT that is expired or not yet valid, measured
// against the server's Date (the clock that decides), not the local one.
var TokenTime = &why401.Check{
	ID:    "token.time",
	Doc:   "report an expired or not-yet-valid JWT\n\nexp and nbf are compared with the server's Date header.",
	Kinds: []*why401.Kind{kindTokenExpired, kindTokenNotYetValid},
	Run: func(p *why401.Pass) error {
		tok, ok := bearerToken(p.Input.Creds)
		if !ok || !jwt.LooksLike(tok) {
			return nil
		}
		t, err := jwt.Decode(tok)
		if t == nil {
			return nil // not a readable JWT: nothing to measure
		}
		_ = err // a claim of the wrong type: the others still count
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Status() != http.StatusUnauthorized && e.Status() != http.StatusForbidden {
			return nil
		}
		now, fromServer := serverDate(p, chain)
		clock := "the server's Date"
		if !fromServer {
			clock = "the local clock (the server sent no Date)"
		}
		expired, early := t.Status(now, 0)
		if expired {
			p.Reportf(kindTokenExpired, evidence(e), "exp is %s, %s before %s (%s).",
				t.ExpiresAt.UTC().Format(time.RFC3339), jwt.Human(now.Sub(*t.ExpiresAt)), clock, now.UTC().Format(time.RFC3339))
		}
		if early {
			p.Reportf(kindTokenNotYetValid, evidence(e), "nbf is %s, %s after %s (%s).",
				t.NotBefore.UTC().Format(time.RFC3339), jwt.Human(t.NotBefore.Sub(now)), clock, now.UTC().Format(time.RFC3339))
		}
		return nil
	},
}
