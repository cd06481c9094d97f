package probe

import (
	"errors"
	"html"
	"regexp"
	"strings"

	why401 "github.com/why401/why401"
)

// reLockoutPage finds the sentences of lockout and rate-limit pages:
// Wordfence ("Your access to this service has been temporarily limited"),
// Solid Security and WP Defender ("You have been locked out due to too many
// invalid login attempts"), Cloudflare's rate limit ("error code: 1015").
var reLockoutPage = regexp.MustCompile(`(?i)\blocked out\b|too many (?:failed |invalid )?(?:login|log-in|sign-in|authentication) attempts|temporarily limited|error code: 1015`)

var (
	reScript = regexp.MustCompile(`(?is)<(?:script|style)\b.*?</(?:script|style)\s*>`)
	reTag    = regexp.MustCompile(`<[^>]*>`)
)

// lockedOut reports whether an answer says the client is locked out or rate
// limited: 423 Locked, 429 Too Many Requests (RFC 6585 §4), or a 401
// without a challenge, a 403 or a 503 whose visible text says so. A 401
// with a challenge is an authentication server asking, not a lockout page.
// After a lockout no request of the run carries credentials (REFERENCE.md,
// "Lockouts"): every further attempt would extend it.
func lockedOut(ex why401.Exchange) bool {
	r := ex.Response
	if r == nil {
		return false
	}
	switch r.Status {
	case 423, 429:
		return true
	case 401:
		if len(r.Header.Values("WWW-Authenticate")) > 0 {
			return false
		}
	case 403, 503:
	default:
		return false
	}
	text := reTag.ReplaceAllString(reScript.ReplaceAllString(string(r.Body), " "), " ")
	return reLockoutPage.MatchString(html.UnescapeString(strings.ToValidUTF8(text, "")))
}

// noteLockout sets the session's locked flag when ex is a lockout. It is
// called for every answer: the user's request, the answer to the
// challenge, and every probe.
func (s *Session) noteLockout(ex why401.Exchange) {
	if lockedOut(ex) {
		s.mu.Lock()
		s.locked = true
		s.mu.Unlock()
	}
}

// isLocked reports whether a lockout was seen.
func (s *Session) isLocked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locked
}

// errLocked is why a request was not given the credentials.
var errLocked = errors.New("probe: a lockout or rate limit was seen; no further request carries credentials")
