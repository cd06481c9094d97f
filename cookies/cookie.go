// Package cookies is why401's own cookie engine. For a request URL and a
// moment it says which stored cookies a browser would send and, for every
// cookie left out, why, in the words of Chrome's DevTools ("SecureOnly",
// "SameSiteUnspecifiedTreatedAsLax" …).
//
// It follows draft-ietf-httpbis-rfc6265bis ("6265bis" below): dates (§5.1.1),
// host and domain matching (§5.1.2, §5.1.3), paths (§5.1.4), same-site
// requests (§5.2), prefixes (§5.4), lifetime limits (§5.5), Set-Cookie
// parsing (§5.6), the storage model (§5.7) and the Cookie header (§5.8.3).
// Where browsers choose, it models Chromium: http://localhost and loopback
// addresses are secure contexts, a cookie without SameSite is treated as Lax
// (with the two-minute "Lax+POST" allowance), SameSite=None requires Secure
// and "site" is schemeful.
//
// It does not use net/http/cookiejar because a jar that silently drops a
// cookie is exactly what a 401 diagnosis must explain: here every refusal
// has a Reason, and every deletion is recorded with the response that caused
// it (Jar.Deleted).
//
// Cookie values are secrets. They are held as redact.Secret and never appear
// in an error, a String, fmt output or JSON; Header is the one function that
// reveals them, for the wire.
//
// What it does not model: partition keys (a Partitioned cookie is sent as
// if unpartitioned; only the third-party block looks at the flag), the
// per-domain and total cookie counts after which browsers evict cookies,
// Firefox's and Safari's differences (neither treats a cookie without
// SameSite as Lax), cookies set by scripts (document.cookie), and
// internationalized host names, which must be given in their ASCII
// (punycode) form.
package cookies

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/why401/why401/internal/redact"
)

// SameSite is a cookie's SameSite attribute (6265bis §5.6.7). The zero value
// is Unspecified: no attribute, or one with an unknown value (6265bis calls it
// "Default"), which Chromium enforces as Lax.
type SameSite int

// SameSite values. They are not named SameSiteLax and so on because those
// are the Reasons a cookie is blocked, after Chromium's names.
const (
	Unspecified SameSite = iota
	None
	Lax
	Strict
)

var sameSiteNames = [...]string{"Unspecified", "None", "Lax", "Strict"}

func (s SameSite) String() string {
	if s < 0 || int(s) >= len(sameSiteNames) {
		return fmt.Sprintf("SameSite(%d)", int(s))
	}
	return sameSiteNames[s]
}

// MarshalText writes the name ("Lax").
func (s SameSite) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (s *SameSite) UnmarshalText(b []byte) error {
	for i, n := range sameSiteNames {
		if strings.EqualFold(n, string(b)) {
			*s = SameSite(i)
			return nil
		}
	}
	return fmt.Errorf("cookies: unknown SameSite %q", b)
}

// Cookie is one cookie as a browser stores it (6265bis §5.7), plus where it
// came from. Everything but Value may be shown.
type Cookie struct {
	Name  string        `json:"name"`
	Value redact.Secret `json:"value"`

	// Domain is the canonical host (HostOnly) or the Domain attribute, in
	// lower case and without a leading dot. "" means unknown: a cookie the
	// user gave as a string with -b, which is sent to whatever host the
	// request goes to, as curl does.
	Domain   string `json:"domain,omitempty"`
	HostOnly bool   `json:"host_only,omitempty"`
	// Path is the cookie-path; "" means any path (a -b string cookie).
	Path string `json:"path,omitempty"`

	// Expires is the expiry-time, from Max-Age or Expires; zero means a
	// session cookie. Max-Age=0 (or less) gives ExpiredAt, which is in the
	// past for any real clock (6265bis §5.6.2: "the earliest representable
	// date and time").
	Expires time.Time `json:"expires,omitzero"`
	// MaxAge is the Max-Age attribute in seconds, as given, when MaxAgeSet.
	MaxAge    int64 `json:"max_age,omitempty"`
	MaxAgeSet bool  `json:"max_age_set,omitempty"`

	Secure      bool     `json:"secure,omitempty"`
	HTTPOnly    bool     `json:"http_only,omitempty"`
	SameSite    SameSite `json:"same_site"`
	Partitioned bool     `json:"partitioned,omitempty"`

	// Created is the creation-time; zero when unknown (cookies from -b or a
	// cookies.txt file, which does not record it). It orders the Cookie
	// header and decides Chromium's two-minute Lax+POST allowance.
	Created time.Time `json:"created,omitzero"`
	// Source says where the cookie came from: "-b", "cookies.txt:12",
	// "Set-Cookie from entry 4".
	Source string `json:"source,omitempty"`
	// Notes are what parsing ignored or changed and why ("SameSite=Nonee
	// is not a SameSite value: treated as unspecified"), never a value.
	Notes []string `json:"notes,omitempty"`
}

// ExpiredAt is the expiry-time given to a cookie with Max-Age of zero or
// less: 6265bis §5.6.2 asks for "the earliest representable date and time";
// the Unix epoch keeps it printable.
var ExpiredAt = time.Unix(0, 0).UTC()

// Expired reports whether the cookie's expiry-time has passed at now
// (6265bis §5.7: a cookie whose expiry-time is in the past is removed).
func (c Cookie) Expired(now time.Time) bool {
	return !c.Expires.IsZero() && !now.Before(c.Expires)
}

// String describes the cookie by name, scope and attributes. It never shows
// the value.
func (c Cookie) String() string {
	var b strings.Builder
	if c.Name == "" {
		b.WriteString("(nameless cookie)")
	} else {
		b.WriteString(shortName(c.Name))
	}
	var attrs []string
	switch {
	case c.Domain == "":
	case c.HostOnly:
		attrs = append(attrs, "host "+c.Domain)
	default:
		attrs = append(attrs, "domain "+c.Domain)
	}
	if c.Path != "" {
		attrs = append(attrs, "path "+c.Path)
	}
	if c.Secure {
		attrs = append(attrs, "Secure")
	}
	if c.HTTPOnly {
		attrs = append(attrs, "HttpOnly")
	}
	if c.SameSite != Unspecified {
		attrs = append(attrs, "SameSite="+c.SameSite.String())
	}
	if c.Partitioned {
		attrs = append(attrs, "Partitioned")
	}
	switch {
	case c.MaxAgeSet && c.MaxAge <= 0:
		attrs = append(attrs, fmt.Sprintf("Max-Age=%d", c.MaxAge))
	case !c.Expires.IsZero():
		attrs = append(attrs, "expires "+c.Expires.UTC().Format(time.RFC3339))
	}
	if c.Source != "" {
		attrs = append(attrs, "from "+c.Source)
	}
	if len(attrs) > 0 {
		b.WriteString(" (" + strings.Join(attrs, ", ") + ")")
	}
	return b.String()
}

// RelatedTo reports whether the cookie belongs to the same site as u's host
// (the same registrable domain, 6265bis §5.2), or has no domain at all. A
// jar loaded from a whole browser export holds cookies of many sites; a
// report keeps the DomainMismatch of related cookies only (a cookie for
// www.example.com missing on api.example.com), not of every other site.
func (c Cookie) RelatedTo(u *url.URL) bool {
	if c.Domain == "" || u == nil {
		return true
	}
	return registrable(c.Domain) == registrable(canonicalHost(u))
}

// shortName keeps error messages and descriptions readable with a name of
// up to 4096 bytes.
func shortName(name string) string {
	const max = 64
	if len(name) > max {
		return strings.ToValidUTF8(name[:max], "") + "…"
	}
	return name
}
