package checks

import (
	"fmt"
	"net/http"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/jwt"
)

// MaxClockSkew is the difference between the server's Date and the local
// clock beyond which token and cookie times become unreliable (REDbot uses
// the same threshold).
const MaxClockSkew = 5 * time.Second

var kindClockSkew = &why401.Kind{
	ID:       "token.clock-skew",
	Severity: why401.SeverityWarn,
	Who:      why401.Visitor,
	Title:    "The server's clock and yours disagree",
	Explain: "The server's Date header and the local clock differ by more than 5 seconds. Tokens (exp, nbf, " +
		"iat), cookie expiry and Digest nonces are all judged by clocks: when they disagree, a fresh token " +
		"looks expired or not yet valid to one side. One of the two clocks is wrong (NTP not running, a VM " +
		"resumed from sleep, a wrong time zone on a system that keeps local time).",
	Fix: []string{
		"Synchronise your clock (Windows: Settings → Time → Sync now; macOS: System Settings → General → Date & " +
			"Time → Set automatically; Linux: `timedatectl set-ntp true`).",
		"Site owner: if your server's clock is the wrong one, enable NTP on it and on the token issuer.",
	},
	Refs: []string{"RFC 9110 §6.6.1", "RFC 7519 §4.1.4"},
}

// ClockSkew reports a server Date far from the local clock when a
// time-bound credential (a token, cookies) was involved.
var ClockSkew = &why401.Check{
	ID:    "token.clock-skew",
	Doc:   "compare the server's Date with the local clock\n\nTokens and cookies expire by clocks; 5 s apart is too far.",
	Kinds: []*why401.Kind{kindClockSkew},
	Run: func(p *why401.Pass) error {
		c := p.Input.Creds
		if _, ok := bearerToken(c); !ok && c.Cookie.IsZero() {
			return nil
		}
		for _, e := range p.Chain() {
			if e.Response == nil || e.Time.IsZero() {
				continue
			}
			d, err := http.ParseTime(e.Response.Header.Get("Date"))
			if err != nil {
				continue
			}
			// Date has one-second resolution: allow for it.
			skew := d.Sub(e.Time.Truncate(time.Second))
			if skew < 0 {
				skew = -skew
			}
			if skew > MaxClockSkew {
				dir := "behind"
				if d.After(e.Time) {
					dir = "ahead of"
				}
				p.Report(kindClockSkew, fmt.Sprintf("The server's Date (%s) is %s %s the local clock (%s).",
					d.UTC().Format(time.RFC3339), jwt.Human(skew), dir, e.Time.UTC().Format(time.RFC3339)), e.Index)
				return nil
			}
		}
		return nil
	},
}
