package checks

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/challenge"
)

// inChain reports whether e belongs to the user's own request (as opposed
// to a check's probe).
func inChain(e why401.Exchange) bool {
	switch e.Purpose {
	case why401.PurposeInitial, why401.PurposeRedirect, why401.PurposeAnswer, why401.PurposeStaleRetry, why401.PurposeHAR:
		return true
	}
	return false
}

// final returns the last exchange of a chain, or nil.
func final(chain []why401.Exchange) *why401.Exchange {
	if len(chain) == 0 {
		return nil
	}
	return &chain[len(chain)-1]
}

// challenges parses the challenges of a response: WWW-Authenticate, or
// Proxy-Authenticate for a 407.
func challenges(e *why401.Exchange) ([]why401.Challenge, error) {
	if e == nil || e.Response == nil {
		return nil, nil
	}
	return challenge.FromHeader(e.Response.Header, e.Response.Status == http.StatusProxyAuthRequired)
}

// challenged returns the last exchange of the chain that answered 401 with
// a challenge (the one the credentials answer), or nil.
func challenged(chain []why401.Exchange) *why401.Exchange {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].Status() == http.StatusUnauthorized {
			if cs, _ := challenges(&chain[i]); len(cs) > 0 {
				return &chain[i]
			}
		}
	}
	return nil
}

// credentialed returns the last exchange of the chain that carried the
// user's credentials, or nil.
func credentialed(chain []why401.Exchange) *why401.Exchange {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].CredentialsSent && chain[i].Credential != why401.CredWrong {
			return &chain[i]
		}
	}
	return nil
}

// answeredByClient returns the last exchange of the chain that a browser
// answered with hidden credentials (a HAR's Chromium retry), or nil.
func answeredByClient(chain []why401.Exchange) *why401.Exchange {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].AnsweredByClient {
			return &chain[i]
		}
	}
	return nil
}

// anySent reports whether any exchange of the chain carried credentials.
func anySent(chain []why401.Exchange) bool {
	return credentialed(chain) != nil || answeredByClient(chain) != nil
}

// hasScheme reports whether one of cs has the scheme (ASCII case-insensitive).
func hasScheme(cs []why401.Challenge, scheme string) bool {
	_, ok := findScheme(cs, scheme)
	return ok
}

func findScheme(cs []why401.Challenge, scheme string) (why401.Challenge, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.Scheme, scheme) {
			return c, true
		}
	}
	return why401.Challenge{}, false
}

// describe names a challenge in a short human form: Basic realm="Reports".
func describe(c why401.Challenge) string {
	if realm, ok := c.Param("realm"); ok {
		return fmt.Sprintf("%s realm=%q", c.Scheme, realm)
	}
	return c.Scheme
}

// describeAll names each distinct challenge once (a server offering Digest
// with two algorithms shows one realm).
func describeAll(cs []why401.Challenge) string {
	var parts []string
	for _, c := range cs {
		if d := describe(c); !slices.Contains(parts, d) {
			parts = append(parts, d)
		}
	}
	return strings.Join(parts, ", ")
}

// whatSent names the user's credentials for a sentence: "alice's
// password", "your bearer token".
func whatSent(c why401.Credentials) string {
	switch {
	case !c.Authorization.IsZero():
		return "your Authorization header (" + userScheme(c) + ")"
	case !c.Bearer.IsZero():
		return "your bearer token"
	case c.HasUser:
		return fmt.Sprintf("the password of %q", c.User)
	}
	return "your credentials"
}

// userScheme names the scheme the user's credentials were meant for.
func userScheme(c why401.Credentials) string {
	switch {
	case !c.Authorization.IsZero():
		s, _, _ := strings.Cut(strings.TrimSpace(c.Authorization.Reveal()), " ")
		return s
	case !c.Bearer.IsZero():
		return "Bearer"
	case c.HasUser:
		return "a user name and password"
	}
	return ""
}

// bearerToken returns the bearer token the user gave, if any.
func bearerToken(c why401.Credentials) (string, bool) {
	if !c.Bearer.IsZero() {
		return c.Bearer.Reveal(), true
	}
	if a := strings.TrimSpace(c.Authorization.Reveal()); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:]), true
	}
	return "", false
}

// serverDate returns the Date of the last response in the chain that has a
// valid one (RFC 9110 §6.6.1), else the local clock.
func serverDate(p *why401.Pass, chain []why401.Exchange) (t time.Time, fromServer bool) {
	for i := len(chain) - 1; i >= 0; i-- {
		if r := chain[i].Response; r != nil {
			if d, err := http.ParseTime(r.Header.Get("Date")); err == nil {
				return d, true
			}
		}
	}
	return p.Input.Now, false
}

// firstURL parses the user's URL; the probe has validated it already.
func firstURL(in *why401.Input) *url.URL {
	u, err := url.Parse(in.URL)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// evidence returns the index of e as a one-element slice, or nil.
func evidence(e *why401.Exchange) []int {
	if e == nil {
		return nil
	}
	return []int{e.Index}
}
