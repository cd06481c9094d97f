package checks

import (
	why401 "github.com/why401/why401"
)

var kindUserinfo = &why401.Kind{
	ID:       "url.userinfo",
	Severity: why401.SeverityWarn,
	Who:      why401.Visitor,
	Title:    "The URL carries a user name and password (user:pass@)",
	Explain: "Credentials in the URL are deprecated (RFC 3986 §3.2.1): browsers strip them or refuse the URL " +
		"for sub-resources, some clients ignore them, and the password ends up in history, logs and Referer " +
		"headers. why401 used them as -u would, and never shows them.",
	Fix: []string{
		"Remove user:pass@ from the URL and pass the credentials separately: `-u USER:PASS`.",
		"If the URL was shared or logged, change the password.",
	},
	Refs: []string{"RFC 3986 §3.2.1", "RFC 9110 §4.2.4"},
}

// URLUserinfo reports credentials embedded in the URL.
var URLUserinfo = &why401.Check{
	ID:    "url.userinfo",
	Doc:   "report user:pass@ in the URL\n\nCredentials in URLs leak and are ignored by many clients.",
	Kinds: []*why401.Kind{kindUserinfo},
	Run: func(p *why401.Pass) error {
		u := firstURL(p.Input)
		if u.User == nil {
			return nil
		}
		detail := "The URL has a user name in it."
		if _, ok := u.User.Password(); ok {
			detail = "The URL has a user name and a password in it."
		}
		p.Report(kindUserinfo, detail)
		return nil
	},
}
