package checks

import (
	"fmt"
	"net/http"

	why401 "github.com/why401/why401"
)

var (
	kindForbidden = &why401.Kind{
		ID:       "status.forbidden",
		Severity: why401.SeverityError,
		Who:      why401.SiteOwner,
		Title:    "403 Forbidden: the server refuses, whoever you are",
		Explain: "403 means the server understood the request and refuses it (RFC 9110 §15.5.4); unlike a 401, " +
			"new credentials are not expected to help. After accepted credentials it means \"authenticated, but " +
			"not allowed\" (a role, a permission, an IP rule); without credentials it is often a WAF, a " +
			"directory listing refused, or file permissions.",
		Fix: []string{
			"Visitor: ask the site owner for access to this resource for your account.",
			"Site owner: check the authorization rules for this path and account (roles, ACLs, IP allow-lists, " +
				"file permissions) and the logs of any WAF in front.",
		},
		Refs: []string{"RFC 9110 §15.5.4"},
	}
	kindForbiddenWithChallenge = &why401.Kind{
		ID:       "status.forbidden-with-challenge",
		Severity: why401.SeverityWarn,
		Who:      why401.SiteOwner,
		Title:    "A 403 that carries an authentication challenge",
		Explain: "The server answered 403 with a WWW-Authenticate header. A challenge belongs on a 401; on a " +
			"403 clients do not answer it (browsers show no prompt), so a visitor can never authenticate. " +
			"Either the status is wrong (it should be 401) or the challenge is (RFC 6750 insufficient_scope " +
			"is the one legitimate case).",
		Fix: []string{
			"Site owner: answer 401 when credentials could help, 403 without a challenge when they cannot.",
		},
		Refs: []string{"RFC 9110 §15.5.4", "RFC 9110 §11.6.1", "RFC 6750 §3.1"},
	}
)

// StatusForbidden reports a final 403 without a challenge.
var StatusForbidden = &why401.Check{
	ID:    "status.forbidden",
	Doc:   "explain a 403\n\n403 refuses regardless of credentials; after accepted ones it means missing permission.",
	Kinds: []*why401.Kind{kindForbidden},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Status() != http.StatusForbidden {
			return nil
		}
		if cs, _ := challenges(e); len(cs) > 0 {
			return nil
		}
		detail := "The server answered 403 without credentials."
		if e.CredentialsUnknown {
			detail = "The server answered 403; the HAR cannot tell whether the request carried credentials."
		}
		if c := credentialed(chain); c != nil {
			detail = fmt.Sprintf("The server answered 403 to your credentials (%s): they may be right, but this account is not allowed here.", userScheme(p.Input.Creds))
		}
		p.Report(kindForbidden, detail, e.Index)
		return nil
	},
}

// StatusForbiddenWithChallenge reports a 403 that carries a challenge.
var StatusForbiddenWithChallenge = &why401.Check{
	ID:    "status.forbidden-with-challenge",
	Doc:   "report a 403 with a challenge\n\nClients do not answer a challenge on a 403.",
	Kinds: []*why401.Kind{kindForbiddenWithChallenge},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || e.Status() != http.StatusForbidden {
			return nil
		}
		cs, _ := challenges(e)
		if len(cs) == 0 {
			return nil
		}
		p.Reportf(kindForbiddenWithChallenge, evidence(e), "403 with %s.", describeAll(cs))
		return nil
	},
}
