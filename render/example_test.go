package render_test

import (
	"os"

	"github.com/why401/why401"
	"github.com/why401/why401/render"
)

// A report printed for a pipe: no colour, severity as words.
func ExampleText() {
	r := &why401.Report{
		Target:  why401.Target{URL: "https://intranet.example/reports/", Method: "GET"},
		Status:  401,
		Verdict: why401.Verdict{ID: "challenge.missing", Summary: "The 401 names no way to log in"},
		Findings: []why401.Finding{{
			ID: "challenge.missing", Severity: why401.SeverityError, Who: why401.SiteOwner,
			Title: "The 401 names no way to log in",
			Fix:   []string{"Send a WWW-Authenticate header with every 401."},
		}},
	}
	_ = render.Text(os.Stdout, r, render.Options{})
	// Output:
	// [error] The 401 names no way to log in
	//   401 Unauthorized · GET https://intranet.example/reports/
	//
	// Findings
	//
	// [error] The 401 names no way to log in (challenge.missing)
	//   who can fix it: the site owner
	//   fix:
	//     1. Send a WWW-Authenticate header with every 401.
}
