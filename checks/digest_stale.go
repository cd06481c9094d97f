package checks

import (
	"fmt"
	"strings"

	why401 "github.com/why401/why401"
)

var kindStaleNonce = &why401.Kind{
	ID:       "digest.stale-nonce",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "The Digest nonce was stale",
	Explain: "With stale=true (RFC 7616 §3.3) the server says the credentials were right but the nonce had " +
		"expired; a client should retry once with the new nonce, and that retry is not a failed login. When " +
		"it keeps happening the nonce lifetime is too short, or requests go to servers that do not share " +
		"nonce state (a load balancer without stickiness).",
	Fix: []string{
		"Site owner: lengthen the nonce lifetime (Apache: AuthDigestNonceLifetime) and make every backend " +
			"accept every backend's nonces (shared secret or sticky sessions).",
		"Visitor: retry once; a client that does not handle stale=true needs an update.",
	},
	Refs: []string{"RFC 7616 §3.3"},
}

// DigestStaleNonce reports a Digest challenge with stale=true.
var DigestStaleNonce = &why401.Check{
	ID:    "digest.stale-nonce",
	Doc:   "report a stale Digest nonce\n\nstale=true means: right credentials, expired nonce; retry once.",
	Kinds: []*why401.Kind{kindStaleNonce},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		for i := range chain {
			cs, _ := challenges(&chain[i])
			d, ok := findScheme(cs, "digest")
			if !ok {
				continue
			}
			if v, _ := d.Param("stale"); !strings.EqualFold(v, "true") {
				continue
			}
			ev := []int{chain[i].Index}
			detail := fmt.Sprintf("Exchange #%d answered 401 with stale=true.", chain[i].Index)
			for _, r := range chain[i+1:] {
				if r.Purpose == why401.PurposeStaleRetry {
					ev = append(ev, r.Index)
					detail += fmt.Sprintf(" why401 retried once with the new nonce (#%d) and got %d.", r.Index, r.Status())
				}
			}
			p.Report(kindStaleNonce, detail, ev...)
			return nil
		}
		return nil
	},
}
