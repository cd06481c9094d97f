package checks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/jwt"
)

var (
	kindTokenScope = &why401.Kind{
		ID:       "token.scope-missing",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The token lacks scopes the server names",
		Explain: "The challenge names the scopes this resource needs (RFC 6750 §3 scope parameter) and the JWT's " +
			"scope/scp claim does not hold all of them. The token was issued for something else, or the " +
			"client did not ask for these scopes when it got the token.",
		Fix: []string{
			"Ask for a token with the missing scopes (the `scope` parameter of the token request) and retry.",
			"If your account may not have these scopes, ask the API owner to grant them.",
		},
		Refs: []string{"RFC 6750 §3", "RFC 8693 §4.2"},
	}
	kindTokenAudience = &why401.Kind{
		ID:       "token.audience",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The token was issued for another audience",
		Explain: "A JWT names the API it is meant for in its aud claim (RFC 7519 §4.1.3), and a server refuses a " +
			"token whose audience is not itself. Here the server's error mentions the audience, or aud names " +
			"another host than the one called: a token for another API, another environment (staging vs " +
			"production) or another tenant.",
		Fix: []string{
			"Get a token for this API: the audience/resource parameter of the token request must name it.",
			"Check that the client is configured for the right environment and tenant.",
		},
		Refs: []string{"RFC 7519 §4.1.3", "RFC 8707"},
	}
	kindTokenUnsigned = &why401.Kind{
		ID:       "token.unsigned",
		Severity: why401.SeverityError,
		Who:      why401.Visitor,
		Title:    "The token is unsigned (alg none)",
		Explain: "The JWT has alg \"none\" or no signature (an Unsecured JWT, RFC 7519 §6). Servers refuse such " +
			"tokens, rightly: anyone could have written it. It usually comes from a test tool or a mock issuer.",
		Fix:  []string{"Use a token from the real issuer, signed with the algorithm the API expects."},
		Refs: []string{"RFC 7519 §6", "RFC 8725 §3.1"},
	}
)

// TokenClaims sets the JWT's audience, scopes and signature against the
// target and the challenge.
var TokenClaims = &why401.Check{
	ID:    "token.claims",
	Doc:   "compare the JWT's audience and scopes with the target\n\nA token for another API or without the named scopes is refused.",
	Kinds: []*why401.Kind{kindTokenScope, kindTokenAudience, kindTokenUnsigned},
	Run: func(p *why401.Pass) error {
		tok, ok := bearerToken(p.Input.Creds)
		if !ok || !jwt.LooksLike(tok) {
			return nil
		}
		t, _ := jwt.Decode(tok) // a claim of the wrong type still leaves the others
		if t == nil {
			return nil
		}
		e := final(p.Chain())
		if e == nil || (e.Status() != http.StatusUnauthorized && e.Status() != http.StatusForbidden) {
			return nil
		}
		if t.Unsigned {
			p.Report(kindTokenUnsigned, fmt.Sprintf("alg is %q and the signature is empty or absent.", t.Alg), e.Index)
		}
		cs, _ := challenges(e)
		b, _ := findScheme(cs, "bearer")
		if want, ok := b.Param("scope"); ok && want != "" {
			var missing []string
			for _, s := range strings.Fields(want) {
				if !slices.Contains(t.Scopes, s) {
					missing = append(missing, s)
				}
			}
			if len(missing) > 0 {
				have := strings.Join(t.Scopes, " ")
				if have == "" {
					have = "none"
				}
				p.Report(kindTokenScope, fmt.Sprintf("The server needs scope %q; the token has %s; missing: %s.", want, have, strings.Join(missing, " ")), e.Index)
			}
		}
		desc, _ := b.Param("error_description")
		host := firstURL(p.Input).Hostname()
		if len(t.Audience) > 0 && (strings.Contains(strings.ToLower(desc), "audience") || audienceElsewhere(t.Audience, host)) {
			detail := fmt.Sprintf("The token's aud is %s", strings.Join(t.Audience, ", "))
			if t.Issuer != "" {
				detail += fmt.Sprintf(" (issuer %s)", t.Issuer)
			}
			detail += fmt.Sprintf("; the request went to %s.", host)
			if desc != "" {
				detail += fmt.Sprintf(" The server says: %q.", desc)
			}
			p.Report(kindTokenAudience, detail, e.Index)
		}
		return nil
	},
}

// audienceElsewhere reports whether every audience is a URL or host name
// and none names host: aud values are often opaque identifiers ("api"),
// which say nothing about the host and are left alone.
func audienceElsewhere(aud []string, host string) bool {
	hosts := 0
	for _, a := range aud {
		h := a
		if i := strings.Index(h, "://"); i >= 0 {
			h = h[i+3:]
		}
		h, _, _ = strings.Cut(h, "/")
		h, _, _ = strings.Cut(h, ":")
		if !strings.Contains(h, ".") {
			continue // an identifier, not a host
		}
		hosts++
		if strings.EqualFold(h, host) || strings.HasSuffix(strings.ToLower(host), "."+strings.ToLower(h)) {
			return false
		}
	}
	return hosts > 0 && hosts == len(aud)
}
