package cookies

import "fmt"

// Reason says why a browser would not send a stored cookie (Jar.Select,
// Check) or would not store one (SetCookieError). String gives Chromium's
// name for it, as DevTools shows it (CDP Network.CookieBlockedReason and
// Network.SetCookieBlockedReason); Explain gives a plain sentence.
type Reason int

// Reasons a cookie is not sent. The order is the order of importance:
// Check returns a cookie's reasons in this order, and the first one is the
// one to fix.
const (
	// DomainMismatch: the request host is not the cookie's host (host-only
	// cookie) and does not domain-match its Domain (6265bis §5.8.3).
	DomainMismatch Reason = iota + 1
	// NotOnPath: the request path does not path-match the cookie's Path
	// (6265bis §5.1.4).
	NotOnPath
	// Expired: the cookie's expiry-time has passed. Chromium has no
	// blocked reason for it because it deletes expired cookies; a cookie
	// the user gave or a cookies.txt line can still be expired.
	Expired
	// SecureOnly: a Secure cookie and a URL that is not a secure context.
	SecureOnly
	// SameSiteNoneInsecure: SameSite=None without Secure, which Chromium
	// refuses since version 80.
	SameSiteNoneInsecure
	// ThirdPartyBlocked: a cross-site request and a browser that blocks
	// third-party cookies (Request.BlockThirdParty). Chromium calls it
	// UserPreferences.
	ThirdPartyBlocked
	// SameSiteStrict: a SameSite=Strict cookie on a cross-site request.
	SameSiteStrict
	// SameSiteLax: a SameSite=Lax cookie on a cross-site request that is not
	// a top-level navigation with a safe method (GET, HEAD).
	SameSiteLax
	// SameSiteUnspecifiedTreatedAsLax: a cookie without SameSite, which
	// Chromium enforces as Lax ("Lax by default").
	SameSiteUnspecifiedTreatedAsLax
	// The Schemeful reasons are the three above when the request is
	// cross-site only because the schemes differ (http vs https on the same
	// registrable domain).
	SchemefulSameSiteStrict
	SchemefulSameSiteLax
	SchemefulSameSiteUnspecifiedTreatedAsLax
	// TooLarge: name and value together exceed 4096 bytes (6265bis §5.6).
	TooLarge

	// Reasons a Set-Cookie is refused and never stored (SetCookieError);
	// Select never returns them. SecureOnly, SameSiteNoneInsecure,
	// ThirdPartyBlocked, the SameSite reasons and TooLarge apply to storing
	// too.

	// DisallowedCharacter: a control character in the header (6265bis §5.6).
	DisallowedCharacter
	// NoCookieContent: empty name and empty value.
	NoCookieContent
	// InvalidDomain: a Domain attribute the request host does not
	// domain-match, a public suffix, or not ASCII (6265bis §5.7).
	InvalidDomain
	// InvalidPrefix: a __Secure-, __Host-, __Http- or __Host-Http- name
	// whose conditions are not met (6265bis §5.4).
	InvalidPrefix
	// InvalidPartitioned: Partitioned without Secure (CHIPS).
	InvalidPartitioned
	// OverwriteSecure: a non-secure URL tried to overwrite a Secure cookie
	// of the same name (6265bis §5.7, "leave Secure cookies alone").
	OverwriteSecure
)

var reasonNames = [...]string{
	DomainMismatch:                           "DomainMismatch",
	NotOnPath:                                "NotOnPath",
	Expired:                                  "Expired",
	SecureOnly:                               "SecureOnly",
	SameSiteNoneInsecure:                     "SameSiteNoneInsecure",
	ThirdPartyBlocked:                        "UserPreferences",
	SameSiteStrict:                           "SameSiteStrict",
	SameSiteLax:                              "SameSiteLax",
	SameSiteUnspecifiedTreatedAsLax:          "SameSiteUnspecifiedTreatedAsLax",
	SchemefulSameSiteStrict:                  "SchemefulSameSiteStrict",
	SchemefulSameSiteLax:                     "SchemefulSameSiteLax",
	SchemefulSameSiteUnspecifiedTreatedAsLax: "SchemefulSameSiteUnspecifiedTreatedAsLax",
	TooLarge:                                 "NameValuePairExceedsMaxSize",
	DisallowedCharacter:                      "DisallowedCharacter",
	NoCookieContent:                          "NoCookieContent",
	InvalidDomain:                            "InvalidDomain",
	InvalidPrefix:                            "InvalidPrefix",
	InvalidPartitioned:                       "InvalidPartitioned",
	OverwriteSecure:                          "OverwriteSecure",
}

var reasonExplanations = [...]string{
	DomainMismatch:                           "The cookie belongs to another host or domain than the one the request goes to.",
	NotOnPath:                                "The cookie's Path does not cover the path of the request.",
	Expired:                                  "The cookie has expired; a browser has already deleted it.",
	SecureOnly:                               "The cookie is marked Secure and the URL is not https (browsers make an exception only for localhost and loopback addresses).",
	SameSiteNoneInsecure:                     "The cookie says SameSite=None without Secure, which browsers refuse.",
	ThirdPartyBlocked:                        "The request is cross-site and the browser blocks third-party cookies.",
	SameSiteStrict:                           "The cookie is SameSite=Strict and the request comes from another site.",
	SameSiteLax:                              "The cookie is SameSite=Lax and the request comes from another site without being a top-level GET navigation.",
	SameSiteUnspecifiedTreatedAsLax:          "The cookie has no SameSite attribute, so Chrome treats it as Lax, and the request comes from another site without being a top-level GET navigation.",
	SchemefulSameSiteStrict:                  "The cookie is SameSite=Strict and the request comes from the same domain over the other scheme (http vs https), which counts as another site.",
	SchemefulSameSiteLax:                     "The cookie is SameSite=Lax and the request comes from the same domain over the other scheme (http vs https), which counts as another site, without being a top-level GET navigation.",
	SchemefulSameSiteUnspecifiedTreatedAsLax: "The cookie has no SameSite attribute, so Chrome treats it as Lax, and the request comes from the same domain over the other scheme (http vs https), which counts as another site.",
	TooLarge:                                 "The cookie's name and value together are longer than 4096 bytes, which browsers refuse.",
	DisallowedCharacter:                      "The Set-Cookie header contains a control character, so browsers ignore it.",
	NoCookieContent:                          "The Set-Cookie header has neither a name nor a value.",
	InvalidDomain:                            "The Domain attribute does not cover the host that set the cookie, or is a public suffix such as com or co.uk.",
	InvalidPrefix:                            "The name starts with __Secure-, __Host-, __Http- or __Host-Http- but the cookie lacks what that prefix requires (Secure; for __Host-, no Domain and Path=/; for the Http ones, HttpOnly).",
	InvalidPartitioned:                       "The cookie is Partitioned but not Secure, which browsers refuse.",
	OverwriteSecure:                          "A plain-http response tried to overwrite a Secure cookie of the same name, which browsers refuse.",
}

// String returns Chromium's name for the reason.
func (r Reason) String() string {
	if r <= 0 || int(r) >= len(reasonNames) {
		return fmt.Sprintf("Reason(%d)", int(r))
	}
	return reasonNames[r]
}

// Explain returns the reason as one plain sentence.
func (r Reason) Explain() string {
	if r <= 0 || int(r) >= len(reasonExplanations) {
		return r.String()
	}
	return reasonExplanations[r]
}

// MarshalText writes Chromium's name.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
