package checks

import (
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindSchemeMismatch = &why401.Kind{
	ID:       "credentials.scheme-mismatch",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "Your credentials do not fit any scheme the server offers",
	Explain: "A user name and password answer Basic or Digest; a token answers Bearer (or the scheme the API " +
		"documents). When the server offers only other schemes, the credentials cannot be used as they are, " +
		"or are ignored: a password sent as Basic to an API that wants a Bearer token is simply refused.",
	Fix: []string{
		"Use the kind of credential the challenge asks for: exchange the user name and password for a token " +
			"(the API's login or OAuth flow) when it asks for Bearer; use `-u` when it asks for Basic or Digest.",
		"If the API documents a custom header (an API key), send that header with `-H`.",
	},
	Refs: []string{"RFC 9110 §11.6.1", "RFC 6750 §3", "RFC 7617", "RFC 7616"},
}

// CredentialsSchemeMismatch reports credentials of a kind the server does
// not offer.
var CredentialsSchemeMismatch = &why401.Check{
	ID:    "credentials.scheme-mismatch",
	Doc:   "report credentials that fit no offered scheme\n\nA password to a Bearer API, a token to a Basic realm.",
	Kinds: []*why401.Kind{kindSchemeMismatch},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		creds := p.Input.Creds
		if e == nil || e.Status() != http.StatusUnauthorized || !creds.Any() {
			return nil
		}
		cs, _ := challenges(e)
		if len(cs) == 0 {
			return nil
		}
		fits := credentialsFit(creds, cs)
		if fits {
			return nil
		}
		p.Reportf(kindSchemeMismatch, evidence(e), "You gave %s; the server offers %s.",
			userScheme(creds), strings.TrimSpace(describeAll(cs)))
		return nil
	},
}

// credentialsFit reports whether the user's credentials can answer one of
// the offered challenges.
func credentialsFit(creds why401.Credentials, cs []why401.Challenge) bool {
	switch {
	case !creds.Authorization.IsZero():
		return hasScheme(cs, userScheme(creds))
	case !creds.Bearer.IsZero():
		return hasScheme(cs, "bearer") || hasScheme(cs, "dpop")
	case creds.HasUser:
		return hasScheme(cs, "basic") || hasScheme(cs, "digest")
	}
	return true
}
