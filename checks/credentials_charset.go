package checks

import (
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindCharset = &why401.Kind{
	ID:       "credentials.charset",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "A non-ASCII password, and the server does not say which encoding it expects",
	Explain: "Basic sends user:password as bytes, and RFC 7617 leaves the encoding to the server unless it " +
		"advertises charset=\"UTF-8\" (§2.1). Without it, clients disagree: browsers have sent ISO-8859-1 " +
		"where possible, curl sends the bytes as typed (UTF-8). A password with é, ß, £ or any non-ASCII " +
		"character then matches with one client and fails with another.",
	Fix: []string{
		"Site owner: add `charset=\"UTF-8\"` to the Basic challenge and compare passwords as UTF-8.",
		"Visitor: as a workaround use a password with ASCII characters only, or try the client that encodes " +
			"as the server expects.",
	},
	Refs: []string{"RFC 7617 §2.1", "RFC 7616 §4"},
}

// CredentialsCharset reports a rejected non-ASCII Basic password when the
// server advertised no charset.
var CredentialsCharset = &why401.Check{
	ID:    "credentials.charset",
	Doc:   "report a non-ASCII password without a declared charset\n\nClients encode such passwords differently.",
	Kinds: []*why401.Kind{kindCharset},
	Run: func(p *why401.Pass) error {
		c := p.Input.Creds
		if !c.HasUser || (isASCII(c.Password.Reveal()) && isASCII(c.User)) {
			return nil
		}
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Status() != http.StatusUnauthorized {
			return nil
		}
		ch := challenged(chain)
		cs, _ := challenges(ch)
		basic, ok := findScheme(cs, "basic")
		if !ok || hasScheme(cs, "digest") {
			return nil
		}
		if cs, ok := basic.Param("charset"); ok && strings.EqualFold(cs, "utf-8") {
			return nil
		}
		p.Report(kindCharset, "The user name or password has non-ASCII characters and the Basic challenge has no charset=\"UTF-8\"; why401 sent ISO-8859-1 where every character fits, as browsers do, and UTF-8 otherwise.", evidence(ch)...)
		return nil
	},
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
