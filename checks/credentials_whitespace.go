package checks

import (
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindWhitespace = &why401.Kind{
	ID:       "credentials.whitespace",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A secret has stray whitespace or a line break",
	Explain: "A password or token copied from a terminal, a file or a password manager often carries a " +
		"trailing newline or space. It is sent as part of the secret, so the server compares a different " +
		"value and refuses it. A line break inside a header value can also end the header early.",
	Fix: []string{
		"Remove the whitespace: `-u \"user:$(tr -d '\\n' < password.txt)\"`, or retype the secret.",
		"When a token comes from a command, strip it: `TOKEN=$(cmd | tr -d '[:space:]')`.",
	},
	Refs: []string{"RFC 9110 §5.5", "RFC 7617 §2"},
}

// CredentialsWhitespace reports secrets with leading or trailing
// whitespace or control characters.
var CredentialsWhitespace = &why401.Check{
	ID:    "credentials.whitespace",
	Doc:   "report secrets with stray whitespace\n\nA trailing newline from a pasted password or token changes the secret.",
	Kinds: []*why401.Kind{kindWhitespace},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || (e.Status() != http.StatusUnauthorized && e.Status() != http.StatusForbidden) {
			return nil
		}
		c := p.Input.Creds
		var where []string
		if c.HasUser && stray(c.User) {
			where = append(where, "the user name")
		}
		if c.HasUser && stray(c.Password.Reveal()) {
			where = append(where, "the password")
		}
		if stray(c.Bearer.Reveal()) {
			where = append(where, "the bearer token")
		}
		if a := c.Authorization.Reveal(); a != "" {
			_, v, _ := strings.Cut(a, " ")
			if stray(v) || strings.ContainsAny(a, "\r\n\t") {
				where = append(where, "the Authorization header's value")
			}
		}
		if len(where) == 0 {
			return nil
		}
		p.Reportf(kindWhitespace, evidence(credentialed(chain)), "%s %s leading or trailing whitespace or a control character (a newline?).",
			capitalize(strings.Join(where, " and ")), pluralHas(len(where)))
		return nil
	},
}

// stray reports whether s has leading or trailing whitespace, or any
// control character.
func stray(s string) bool {
	if s == "" {
		return false
	}
	if strings.TrimSpace(s) != s {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func pluralHas(n int) string {
	if n > 1 {
		return "have"
	}
	return "has"
}
